package io.holdfast.server.pubsub;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.util.concurrent.AbstractScheduledEventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.concurrent.Ticker;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The policy every subscriber connection shares, whatever protocol it speaks (HTTP stream or SSE
 * hold, WebSocket): keep-alives in quiet periods, the slow-subscriber cut-off, and the reset message
 * for a resume id that is no longer in history. Holds and WebSocket sessions compose one each, so
 * the rules exist once.
 *
 * <p><b>Cut-off.</b> Unsent bytes are read from Netty's write-buffer water marks
 * ({@link Channel#bytesBeforeUnwritable()} / {@link Channel#bytesBeforeWritable()}), and reported to
 * the loop's {@link UnsentBytes} share. A subscriber is cut off when its own queue is over
 * {@code subscriber_buffer_size}, or when it is the largest queue on its loop and the next delivery
 * would take the loop or the process over the unsent-bytes budget. A cut-off is counted once and
 * the owner closes the connection at once (no close handshake queued behind megabytes the client
 * will never read), logging one line.
 *
 * <p>After a flush that leaves bytes queued, an empty write with a promise marks the end of the
 * queue; when the socket has taken everything before it, the session samples again, so the budget
 * returns to zero when slow clients catch up, with no timer and nothing for clients that keep up.
 *
 * <p>Everything runs on the connection's event loop.
 */
public final class SubscriberSession {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The text every reset message carries (SSE event name, WebSocket message {@code type}). */
    public static final String RESET_TYPE = "holdfast-reset";

    /** What the protocol-specific side does for the policy. Called on the connection's loop. */
    public interface Owner {
        /** Writes and flushes one keep-alive now (nothing is pending, the connection was quiet). */
        void onKeepAlive();

        /**
         * The subscriber is cut off: end the session and close the connection at once, logging one
         * line that names the connection and {@code reason}. Called at most once.
         */
        void onCutOff(String reason);
    }

    /** The session's life: delivering, cut off as too slow, or ended for any other reason. */
    enum State { OPEN, CUT_OFF, ENDED }

    private final Channel channel;
    private final PubSub pubsub;
    private final UnsentBytes.Loop share;
    private final long maxPending;
    private final Owner owner;
    private State state = State.OPEN;
    /** The pending bytes last reported to {@link #share}; written only by {@link UnsentBytes.Loop}. */
    long accounted;
    /** When the queue last shrank or was empty. */
    private long lastProgressNanos;
    private static final long STALL_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    private boolean drainWatched;
    private long keepAlivePeriodMillis;
    private boolean keepAliveIdle;
    private ScheduledFuture<?> keepAliveTimer;
    /** The loop's clock (an embedded channel's can be frozen and advanced in tests). */
    private final Ticker ticker;
    private long lastWriteNanos;

    /**
     * @param maxPending {@code subscriber_buffer_size}: a queue longer than this is cut off
     */
    public SubscriberSession(PubSub pubsub, Channel channel, long maxPending, Owner owner) {
        this(pubsub, pubsub.unsentBytes().loop(channel.eventLoop()), channel, maxPending, owner);
    }

    /** With the loop's share given (tests put sessions of several embedded channels on one share). */
    SubscriberSession(PubSub pubsub, UnsentBytes.Loop share, Channel channel, long maxPending, Owner owner) {
        this.pubsub = pubsub;
        this.channel = channel;
        this.share = share;
        this.maxPending = maxPending;
        this.owner = owner;
        this.ticker = channel.eventLoop() instanceof AbstractScheduledEventExecutor loop
                ? loop.ticker() : Ticker.systemTicker();
        this.lastWriteNanos = ticker.nanoTime();
        this.lastProgressNanos = lastWriteNanos;
    }

    /** Whether deliveries may still be written. */
    public boolean open() {
        return state == State.OPEN;
    }

    // ---- deliveries and the cut-off ----

    /**
     * Call before writing {@code bytes} for a delivery on {@code channelName}. Returns false, after
     * cutting this subscriber off, when it must not be written to; may cut off other (larger)
     * subscribers of this loop to keep within the budget.
     */
    public boolean admit(String channelName, long bytes) {
        if (state != State.OPEN) {
            return false;
        }
        sample();
        if (accounted > maxPending) {
            cutOff(accounted + " bytes unsent, over subscriber_buffer_size " + maxPending
                    + " (channel " + channelName + ")", false);
            return false;
        }
        String[] limit = new String[1];
        SubscriberSession largest;
        while ((largest = share.toCutOff(bytes, limit)) != null) {
            largest.cutOffForBudget(limit[0], channelName);
            if (largest == this) {
                return false;
            }
        }
        return true;
    }

    /** Cut off as the largest queue when {@code limit} was about to be exceeded. */
    void cutOffForBudget(String limit, String channelName) {
        cutOff("largest queue (" + accounted + " bytes unsent) when " + limit + " was about to be exceeded"
                + (channelName == null ? "" : " (channel " + channelName + ")"), true);
    }

    /** Call after writing to the connection (delivery, keep-alive, initial body). */
    public void wrote() {
        lastWriteNanos = ticker.nanoTime();
        if (state == State.OPEN) {
            sample();
        }
    }

    /** Call after flushing: what the socket did not take is watched until it does. */
    public void flushed() {
        if (state != State.OPEN) {
            return;
        }
        sample();
        if (accounted > 0 && !drainWatched && channel.isActive()) {
            drainWatched = true;
            ChannelPromise drained = channel.newPromise();
            // Re-sample in a task of its own: the promise completes before the buffer has
            // subtracted this marker's own entry.
            drained.addListener(f -> channel.eventLoop().execute(() -> onDrained(f.isSuccess())));
            ChannelHandlerContext first = channel.pipeline().firstContext();
            if (first != null) {
                // Below every handler: an empty buffer changes no protocol state (TLS included).
                first.writeAndFlush(Unpooled.EMPTY_BUFFER, drained);
            } else {
                channel.writeAndFlush(Unpooled.EMPTY_BUFFER, drained);
            }
        }
    }

    private void onDrained(boolean written) {
        drainWatched = false;
        if (written) {
            flushed();
        } else if (state == State.OPEN) {
            sample(); // the connection closed under the marker; its end returns the rest
        }
    }

    /** Call when the connection's writability changed (it crossed a water mark). */
    public void writabilityChanged() {
        if (state == State.OPEN) {
            sample();
        }
    }

    private void sample() {
        long pending = pendingBytes(channel);
        if (pending == 0 || pending < accounted) {
            lastProgressNanos = ticker.nanoTime();
        }
        share.update(this, pending);
    }

    /**
     * Whether the socket has taken nothing for a while: such a queue goes before a larger one that
     * is draining (a reading client with a moment's burst is not the slow subscriber).
     */
    boolean stalled() {
        return ticker.nanoTime() - lastProgressNanos >= STALL_NANOS;
    }

    private void cutOff(String reason, boolean budget) {
        if (state != State.OPEN) {
            return;
        }
        state = State.CUT_OFF;
        pubsub.counters().slowSubscribersDropped.increment();
        pubsub.counters().deliveriesDropped.increment();
        if (budget) {
            pubsub.counters().unsentBudgetCutOffs.increment();
        }
        release();
        owner.onCutOff("cut off as a slow subscriber: " + reason);
    }

    /** Call once the session ends for any reason: stops timers and returns its bytes to the budget. */
    public void end() {
        if (state == State.OPEN) {
            state = State.ENDED;
        }
        release();
    }

    private void release() {
        cancelKeepAlive();
        share.update(this, 0);
    }

    /**
     * Bytes written to {@code channel} and not yet taken by its socket (Netty counts a small
     * overhead per queued message too), from the water marks: exact on either side of them.
     */
    public static long pendingBytes(Channel channel) {
        if (!channel.isOpen()) {
            return 0;
        }
        WriteBufferWaterMark marks = channel.config().getWriteBufferWaterMark();
        if (channel.isWritable()) {
            long before = channel.bytesBeforeUnwritable();
            return before == 0 ? 0 : Math.max(0, marks.high() + 1L - before);
        }
        long toWritable = channel.bytesBeforeWritable();
        return toWritable == Long.MAX_VALUE ? 0 : toWritable + marks.low() - 1L;
    }

    // ---- keep-alive ----

    /**
     * Sends keep-alives every {@code periodMillis} (0 stops them): in idle mode only after that long
     * without any write, otherwise at that interval regardless. Replaces any earlier setting.
     */
    public void keepAlive(long periodMillis, boolean idleOnly) {
        cancelKeepAlive();
        keepAlivePeriodMillis = periodMillis;
        keepAliveIdle = idleOnly;
        scheduleKeepAlive(periodMillis);
    }

    private void scheduleKeepAlive(long delayMillis) {
        if (keepAlivePeriodMillis <= 0 || state != State.OPEN) {
            return;
        }
        // Pushpin takes a random 0-999 ms off each timer so that many subscribers do not fire at once.
        long jittered = Math.max(1, delayMillis - ThreadLocalRandom.current().nextInt(1000));
        keepAliveTimer = channel.eventLoop().schedule(this::onKeepAliveTimer, jittered, TimeUnit.MILLISECONDS);
    }

    private void onKeepAliveTimer() {
        keepAliveTimer = null;
        if (state != State.OPEN || keepAlivePeriodMillis <= 0) {
            return;
        }
        long quietMillis = TimeUnit.NANOSECONDS.toMillis(ticker.nanoTime() - lastWriteNanos);
        if (keepAliveIdle && quietMillis + 1000 < keepAlivePeriodMillis) {
            scheduleKeepAlive(keepAlivePeriodMillis - quietMillis + 999);
            return;
        }
        if (pendingBytes(channel) == 0) {
            // A client that has not taken the last bytes is not idle; a keep-alive would only queue.
            owner.onKeepAlive();
        }
        scheduleKeepAlive(keepAlivePeriodMillis);
    }

    private void cancelKeepAlive() {
        if (keepAliveTimer != null) {
            keepAliveTimer.cancel(false);
            keepAliveTimer = null;
        }
    }

    // ---- resume ----

    /**
     * The reset message's JSON: {@code {"type":"holdfast-reset","channel":...,"last-id":...}} for
     * WebSockets ({@code withType}), the same without {@code type} as SSE {@code data}. Written by
     * Jackson, so any channel name or id is escaped correctly.
     */
    public static String resetJson(String channel, String lastId, boolean withType) {
        ObjectNode node = JSON.createObjectNode();
        if (withType) {
            node.put("type", RESET_TYPE);
        }
        node.put("channel", channel);
        node.put("last-id", lastId);
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an ObjectNode of strings always serialises", e);
        }
    }

    /** The SSE event a stream gets when its {@code Last-Event-ID} is no longer in history. */
    public static String resetSseEvent(String channel, String lastId) {
        return "event: " + RESET_TYPE + "\ndata: " + resetJson(channel, lastId, false) + "\n\n";
    }
}
