package io.holdfast.server.publish;

import io.holdfast.grip.GripLimits;
import io.holdfast.grip.GripProtocolException;
import io.holdfast.grip.publish.PublishItem;
import io.holdfast.server.config.HandlerSettings;
import io.holdfast.server.config.HoldfastConfig;
import io.holdfast.server.pubsub.PubSub;
import io.holdfast.server.pubsub.Subscriptions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;

/**
 * Pushpin's ZeroMQ publish inputs (spec 3.4), so existing ZeroMQ publishers (gripcontrol, pubcontrol,
 * django-eventstream) work unchanged: a PULL socket for one-frame items, a SUB socket for
 * {@code [channel, item]} messages, and the REP command socket.
 *
 * <p>The SUB socket subscribes only to channels that have a subscriber in this process, following
 * {@link PubSub}'s interest events, so an XPUB publisher sees {@code \x01channel} and
 * {@code \x00channel} and can send only what someone here listens to. The implicit per-connection
 * and per-user channels ({@code conn:}, {@code user:}) are left out: one subscription per client
 * would flood the publisher, and Pushpin publishers do not know them; publish to those over PULL,
 * the command socket or HTTP.
 *
 * <p>A channel's SUB interest outlives its last subscriber by {@code subscription_linger}, so
 * long-poll clients that come straight back do not make the publisher see it flap; 1 s after a new
 * SUB subscription, the held requests on it ask their origin again ({@code update_on_first_subscription}).
 * With {@code stats_spec}, a PUB socket carries Pushpin's stats packets ({@link ZmqStats}).
 *
 * <p>All ZeroMQ I/O happens on one dedicated thread, never on an event loop: ZeroMQ sockets are not
 * thread-safe, and a slow publisher must not stall connections. Event loops only add a channel to a
 * pending set and poke the thread through a non-blocking pipe. Received items go to
 * {@link PubSub#publish}, which hands them to the loops. Queues are bounded by each socket's receive
 * high-water mark; an invalid message is logged with the socket's name and dropped.
 *
 * <p>No single input can stop the thread: a message whose handling fails (however it fails,
 * {@link StackOverflowError} included) is logged, counted in {@link #droppedMessages()} and
 * skipped; a channel that cannot become a SUB topic (longer than
 * {@link GripLimits#MAX_CHANNEL_BYTES}, which JeroMQ's recursive topic trie would not survive) is
 * logged, counted in {@link #refusedSubscriptions()} and left out; the command socket answers
 * every request, {@code internal-error} included. The loop ends only on {@link #close()}.
 *
 * <p>ZeroMQ has no authentication here, so {@link #checkExposure} refuses to bind beyond loopback
 * unless {@code [holdfast] zmq_allow_non_loopback=true}, as the HTTP publish API refuses without
 * {@code publish_key}.
 */
public final class ZmqInputs implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ZmqInputs.class);

    /** Messages read from one socket before the others get a turn. */
    private static final int BATCH = 128;
    /** Messages a socket queues before ZeroMQ pushes back on (PUSH) or drops for (PUB) the publisher. */
    private static final int RECEIVE_HWM = 1000;
    /** Pushpin's TCP keep-alive on a connecting SUB socket: idle 30 s, interval 6 s, 5 probes. */
    private static final int KEEPALIVE_IDLE = 30;
    private static final int KEEPALIVE_INTERVAL = 6;
    private static final int KEEPALIVE_COUNT = 5;
    /**
     * ZMTP handshake limit on the connecting SUB socket (ZeroMQ's default: 30 s). JeroMQ 0.6.0 has a
     * race on the connecting side (zeromq/jeromq#1022, unreleased fix) that leaves a few percent of
     * fresh connections stalled until the handshake timer drops and redials them; a short timer
     * turns that 30 s gap into 2 s. A real handshake on the same network takes milliseconds.
     */
    private static final int CONNECT_HANDSHAKE_MILLIS = 2000;
    /**
     * Poll rounds in a row that may fail before the thread gives up: one bad message never fails a
     * round (handlers catch their own), so this many means the sockets themselves are broken, and
     * going on would only spin and flood the log.
     */
    private static final int MAX_FAILED_ROUNDS = 100;

    private final PubSub pubsub;
    private final ZMQ.Context context;
    private final Pipe wakePipe;
    private final ZMQ.Socket pull;
    private final ZMQ.Socket sub;
    private final ZMQ.Socket command;
    private final ZMQ.Socket statsSocket;
    private final ZmqEndpoints endpoints;
    private final ZmqStats stats;
    private final ZmqCommands commands;
    private final PubSub.InterestListener listener = this::onInterestChanged;
    private final Set<String> pendingInterest = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean wakeScheduled = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** The SUB socket's topics; only the ZeroMQ thread touches it. Null without a SUB socket. */
    private final ZmqSubTopics topics;
    private final LongAdder droppedMessages = new LongAdder();
    private final LongAdder refusedSubscriptions = new LongAdder();
    private final Thread thread;
    private volatile boolean running = true;

    private ZmqInputs(PubSub pubsub, ZMQ.Context context, Pipe wakePipe, ZMQ.Socket pull, ZMQ.Socket sub,
                      ZMQ.Socket command, ZMQ.Socket statsSocket, ZmqEndpoints endpoints, HandlerSettings handler,
                      Runnable recover) {
        this.pubsub = pubsub;
        this.statsSocket = statsSocket;
        this.topics = sub == null ? null : new ZmqSubTopics(sub, pubsub, handler, refusedSubscriptions);
        this.stats = statsSocket == null ? null
                : new ZmqStats(handler, pubsub.counters(), frame -> statsSocket.send(frame, ZMQ.DONTWAIT));
        this.context = context;
        this.wakePipe = wakePipe;
        this.pull = pull;
        this.sub = sub;
        this.command = command;
        this.endpoints = endpoints;
        this.commands = new ZmqCommands(pubsub, recover, this::uris);
        this.thread = new Thread(this::run, "holdfast-zmq");
        this.thread.setDaemon(true);
    }

    /**
     * Binds (or, for SUB with {@code push_in_sub_connect}, connects) the configured sockets and
     * starts the ZeroMQ thread.
     *
     * @param recover what the {@code recover} command runs
     * @throws IllegalStateException if a socket cannot bind; nothing is left open then
     */
    public static ZmqInputs start(HoldfastConfig config, PubSub pubsub, Runnable recover) {
        checkExposure(config);
        ZMQ.Context context = ZMQ.context(1);
        List<ZMQ.Socket> opened = new ArrayList<>();
        Pipe pipe = null;
        try {
            pipe = Pipe.open();
            pipe.source().configureBlocking(false);
            pipe.sink().configureBlocking(false);
            ZMQ.Socket pull = null;
            String pullAt = null;
            if (config.pushInSpec() != null) {
                pull = socket(context, SocketType.PULL, opened);
                pullAt = bind(pull, config.pushInSpec(), "PULL");
            }
            ZMQ.Socket sub = null;
            List<String> subAt = new ArrayList<>();
            if (!config.pushInSubSpecs().isEmpty()) {
                sub = socket(context, SocketType.SUB, opened);
                if (config.pushInSubConnect()) {
                    sub.setTCPKeepAlive(1);
                    sub.setTCPKeepAliveIdle(KEEPALIVE_IDLE);
                    sub.setTCPKeepAliveInterval(KEEPALIVE_INTERVAL);
                    sub.setTCPKeepAliveCount(KEEPALIVE_COUNT);
                    sub.setHandshakeIvl(CONNECT_HANDSHAKE_MILLIS);
                    for (String spec : config.pushInSubSpecs()) {
                        connect(sub, spec);
                        subAt.add(spec);
                    }
                } else {
                    for (String spec : config.pushInSubSpecs()) {
                        subAt.add(bind(sub, spec, "SUB"));
                    }
                }
            }
            ZMQ.Socket command = null;
            String commandAt = null;
            if (config.commandSpec() != null) {
                command = socket(context, SocketType.REP, opened);
                commandAt = bind(command, config.commandSpec(), "command");
            }
            ZMQ.Socket statsSocket = null;
            String statsAt = null;
            if (config.handler().statsSpec() != null) {
                statsSocket = socket(context, SocketType.PUB, opened);
                statsSocket.setSndHWM(RECEIVE_HWM); // a slow stats reader loses packets, never stalls us
                statsAt = bind(statsSocket, config.handler().statsSpec(), "stats");
            }
            ZmqEndpoints endpoints = new ZmqEndpoints(pullAt, subAt, config.pushInSubConnect(), commandAt, statsAt);
            ZmqInputs inputs = new ZmqInputs(pubsub, context, pipe, pull, sub, command, statsSocket, endpoints,
                    config.handler(), recover);
            if (inputs.stats != null) {
                pubsub.subscriptionListener(inputs.stats.listener(inputs::wakeSoon));
            }
            if (sub != null) {
                // Listen first, then take the current channels: a change in between is seen twice, never missed.
                pubsub.addInterestListener(inputs.listener);
                pubsub.channelsWithSubscribers().stream().filter(c -> !isImplicit(c)).forEach(inputs.pendingInterest::add);
            }
            inputs.thread.start(); // hands the sockets to the ZeroMQ thread (start() publishes them safely)
            return inputs;
        } catch (IOException | RuntimeException e) {
            for (ZMQ.Socket s : opened) {
                s.close();
            }
            closeQuietly(pipe);
            context.close();
            if (e instanceof IOException io) {
                throw new IllegalStateException("cannot create the ZeroMQ wake-up pipe: " + io.getMessage(), io);
            }
            throw (RuntimeException) e;
        }
    }

    /** The endpoints as bound (ephemeral ports resolved). */
    public ZmqEndpoints endpoints() {
        return endpoints;
    }

    /** Messages (PULL, SUB or command requests) refused as invalid or dropped after a failure. */
    public long droppedMessages() {
        return droppedMessages.sum();
    }

    /** Channels never subscribed on the SUB socket: too long for a topic, or the subscribe failed. */
    public long refusedSubscriptions() {
        return refusedSubscriptions.sum();
    }

    /**
     * Fails before anything binds when a {@code tcp://} socket would listen beyond loopback without
     * {@code [holdfast] zmq_allow_non_loopback=true} (with it: a warning); {@code ipc://} and a
     * connecting SUB socket pass.
     *
     * @throws IllegalStateException naming the config key, the endpoint and the two ways out
     */
    public static void checkExposure(HoldfastConfig config) {
        ZmqExposure.check(config);
    }

    private static ZMQ.Socket socket(ZMQ.Context context, SocketType type, List<ZMQ.Socket> opened) {
        ZMQ.Socket s = context.socket(type);
        opened.add(s);
        s.setLinger(0);
        s.setRcvHWM(RECEIVE_HWM);
        return s;
    }

    /** Binds, and returns the endpoint with an ephemeral port ({@code *} or 0) resolved. */
    private static String bind(ZMQ.Socket s, String spec, String name) {
        boolean anyPort = spec.startsWith("tcp://") && (spec.endsWith(":*") || spec.endsWith(":0"));
        String target = anyPort ? spec.substring(0, spec.lastIndexOf(':') + 1) + "*" : spec;
        try {
            if (!s.bind(target)) {
                throw new IllegalStateException("cannot bind the ZeroMQ " + name + " socket to " + spec);
            }
        } catch (ZMQException e) {
            throw new IllegalStateException("cannot bind the ZeroMQ " + name + " socket to " + spec + ": "
                    + e.getMessage(), e);
        }
        if (!anyPort) {
            return spec;
        }
        String last = s.getLastEndpoint();
        return spec.substring(0, spec.lastIndexOf(':') + 1) + last.substring(last.lastIndexOf(':') + 1);
    }

    private static void connect(ZMQ.Socket s, String spec) {
        try {
            if (!s.connect(spec)) {
                throw new IllegalStateException("cannot connect the ZeroMQ SUB socket to " + spec);
            }
        } catch (ZMQException e) {
            throw new IllegalStateException("cannot connect the ZeroMQ SUB socket to " + spec + ": " + e.getMessage(), e);
        }
    }

    /** The {@code get-zmq-uris} answer; {@code publish-sub} only when the SUB socket binds, as Pushpin. */
    private Map<String, Object> uris() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (endpoints.command() != null) {
            m.put("command", endpoints.command());
        }
        if (endpoints.pull() != null) {
            m.put("publish-pull", endpoints.pull());
        }
        if (!endpoints.subConnect() && !endpoints.sub().isEmpty()) {
            m.put("publish-sub", endpoints.sub().get(0));
        }
        return m;
    }

    // ---- event loops ----

    /** On an event loop: note the channel and poke the ZeroMQ thread; never blocks. */
    private void onInterestChanged(String channel) {
        if (isImplicit(channel)) {
            return;
        }
        pendingInterest.add(channel);
        if (wakeScheduled.compareAndSet(false, true)) {
            wake();
        }
    }

    private static boolean isImplicit(String channel) {
        return channel.startsWith(Subscriptions.CONNECTION_CHANNEL_PREFIX)
                || channel.startsWith(Subscriptions.USER_CHANNEL_PREFIX);
    }

    private void wakeSoon() {
        if (wakeScheduled.compareAndSet(false, true)) {
            wake();
        }
    }

    private void wake() {
        try {
            wakePipe.sink().write(ByteBuffer.wrap(new byte[] {1})); // non-blocking: a full pipe already wakes it
        } catch (IOException | RuntimeException e) {
            if (running) {
                LOG.warn("ZeroMQ: could not wake the socket thread: {}", e.toString());
            }
        }
    }

    // ---- the ZeroMQ thread ----

    private void run() {
        try (ZMQ.Poller poller = context.poller(4)) {
            int wakeAt = poller.register(wakePipe.source(), ZMQ.Poller.POLLIN);
            int pullAt = pull == null ? -1 : poller.register(pull, ZMQ.Poller.POLLIN);
            int subAt = sub == null ? -1 : poller.register(sub, ZMQ.Poller.POLLIN);
            int commandAt = command == null ? -1 : poller.register(command, ZMQ.Poller.POLLIN);
            syncInterest();
            long timeout = timers();
            int failedRounds = 0;
            while (running) {
                try {
                    poller.poll(timeout); // a socket, the wake-up pipe, close() or the next timer ends the wait
                    if (!running) {
                        break;
                    }
                    if (poller.pollin(wakeAt)) {
                        drainWakePipe();
                    }
                    syncInterest();
                    timeout = timers();
                    if (pullAt >= 0 && poller.pollin(pullAt)) {
                        readPull();
                    }
                    if (subAt >= 0 && poller.pollin(subAt)) {
                        readSub();
                    }
                    if (commandAt >= 0 && poller.pollin(commandAt)) {
                        readCommand();
                    }
                    failedRounds = 0;
                } catch (ZMQException e) {
                    if (!running || e.getErrorCode() == ZMQ.Error.ETERM.getCode()) {
                        break; // the context is closing: nothing more to read
                    }
                    if (!roundFailed(++failedRounds, e)) {
                        break;
                    }
                } catch (IOException | RuntimeException | StackOverflowError e) {
                    // Handlers below catch their own failures; this is the last line, so one bad round never ends the loop.
                    timeout = 1000; // timers() may be what failed: look again in a second rather than never
                    if (!roundFailed(++failedRounds, e)) {
                        break;
                    }
                }
            }
        } catch (Throwable t) {
            if (running) {
                LOG.error("ZeroMQ publish inputs stopped unexpectedly", t);
            }
        } finally {
            if (stats != null) {
                stats.close();
            }
            for (ZMQ.Socket s : new ZMQ.Socket[] {pull, sub, command, statsSocket}) {
                if (s != null) {
                    s.close();
                }
            }
        }
    }

    /** Logs a failed poll round; false when {@link #MAX_FAILED_ROUNDS} in a row failed and the thread should stop. */
    private boolean roundFailed(int inARow, Throwable e) {
        if (inARow >= MAX_FAILED_ROUNDS) {
            LOG.error("ZeroMQ publish inputs: {} poll rounds in a row failed; stopping them", inARow, e);
            return false;
        }
        LOG.warn("ZeroMQ publish inputs: a poll round failed; going on", e);
        return true;
    }

    private void drainWakePipe() throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(64);
        while (wakePipe.source().read(buf) > 0) {
            buf.clear();
        }
    }

    /** Brings the SUB socket's topics in line with the channels that have subscribers now. */
    private void syncInterest() {
        wakeScheduled.set(false); // before draining: a change after this point wakes us again
        if (topics == null) {
            return;
        }
        long now = System.nanoTime();
        for (Iterator<String> it = pendingInterest.iterator(); it.hasNext(); ) {
            String channel = it.next();
            it.remove();
            try {
                topics.changed(channel, now);
            } catch (RuntimeException | StackOverflowError e) {
                refusedSubscriptions.increment();
                LOG.warn("ZeroMQ SUB: (un)subscribing \"{}\" failed; going on", GripLimits.printable(channel), e);
            }
        }
    }

    /**
     * Runs what is due (lingering topics, first-subscription updates, stats) and returns the poll
     * timeout until the next one: -1 when nothing is scheduled.
     */
    private long timers() {
        long now = System.nanoTime();
        long next = topics == null ? Long.MAX_VALUE : topics.run(now);
        long millis = next == Long.MAX_VALUE ? -1 : TimeUnit.NANOSECONDS.toMillis(next) + 1;
        if (stats != null) {
            long statsMillis = stats.run(now);
            millis = millis < 0 ? statsMillis : Math.min(millis, statsMillis);
        }
        return millis;
    }

    private void readPull() {
        for (int i = 0; i < BATCH; i++) {
            byte[] frame = pull.recv(ZMQ.DONTWAIT);
            if (frame == null) {
                return;
            }
            int extra = skipRest(pull);
            if (extra > 0) {
                drop("PULL", "expected 1 frame, got " + (extra + 1));
                continue;
            }
            try {
                publish(ZmqFrames.item(frame, null));
            } catch (GripProtocolException e) {
                drop("PULL", e.getMessage());
            } catch (RuntimeException | StackOverflowError e) {
                droppedMessages.increment();
                LOG.warn("ZeroMQ PULL {}: message dropped after an error", endpoints.pull(), e);
            }
        }
    }

    private void readSub() {
        for (int i = 0; i < BATCH; i++) {
            byte[] topic = sub.recv(ZMQ.DONTWAIT);
            if (topic == null) {
                return;
            }
            if (!sub.hasReceiveMore()) {
                drop("SUB", "expected 2 frames [channel, item], got 1");
                continue;
            }
            byte[] body = sub.recv(0);
            int extra = skipRest(sub);
            if (extra > 0) {
                drop("SUB", "expected 2 frames [channel, item], got " + (extra + 2));
                continue;
            }
            try {
                publish(ZmqFrames.item(body, ZmqFrames.channel(topic)));
            } catch (GripProtocolException e) {
                drop("SUB", e.getMessage());
            } catch (RuntimeException | StackOverflowError e) {
                droppedMessages.increment();
                LOG.warn("ZeroMQ SUB {}: message dropped after an error", endpoints.sub(), e);
            }
        }
    }

    /** One request, one reply: a REP socket must answer before it may read again. */
    private void readCommand() {
        byte[] request = command.recv(ZMQ.DONTWAIT);
        if (request == null) {
            return;
        }
        skipRest(command);
        byte[] reply;
        try {
            reply = commands.handle(request);
        } catch (RuntimeException | StackOverflowError e) { // e.g. encoding the answer; a REP must answer regardless
            droppedMessages.increment();
            LOG.warn("ZeroMQ command {}: request failed", endpoints.command(), e);
            reply = ZmqCommands.internalError(request, e);
        }
        if (!command.send(reply, 0)) {
            LOG.warn("ZeroMQ command {}: could not send a reply", endpoints.command());
        }
    }

    private void publish(PublishItem item) {
        pubsub.counters().publishRequest(io.holdfast.server.stats.PublishInput.ZMQ);
        pubsub.publish(List.of(item));
    }

    /** Reads and discards the remaining frames of a message; returns how many there were. */
    private static int skipRest(ZMQ.Socket s) {
        int n = 0;
        while (s.hasReceiveMore()) {
            s.recv(0);
            n++;
        }
        return n;
    }

    private void drop(String socket, String reason) {
        droppedMessages.increment();
        String at = switch (socket) {
            case "PULL" -> endpoints.pull();
            case "SUB" -> String.join(",", endpoints.sub());
            default -> endpoints.command();
        };
        LOG.warn("ZeroMQ {} {}: invalid message dropped: {}", socket, at, reason);
    }

    /**
     * Stops the thread and closes the sockets (linger 0: queued messages are discarded, as a stopping
     * Pushpin does). Safe to call more than once.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        pubsub.removeInterestListener(listener);
        if (stats != null) {
            pubsub.subscriptionListener(null);
        }
        running = false;
        wake();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeQuietly(wakePipe);
        if (thread.isAlive()) {
            LOG.warn("ZeroMQ thread did not stop within 5 s; leaving its sockets to the JVM");
            return;
        }
        context.close();
    }

    private static void closeQuietly(Pipe pipe) {
        if (pipe == null) {
            return;
        }
        try {
            pipe.sink().close();
            pipe.source().close();
        } catch (IOException e) {
            LOG.debug("closing the ZeroMQ wake-up pipe: {}", e.toString());
        }
    }
}
