package io.holdfast.server.cluster;

import io.holdfast.grip.publish.PublishItem;
import io.holdfast.server.config.ClusterConfig;
import io.holdfast.server.config.HoldfastConfig;
import io.holdfast.server.pubsub.ChannelHistory;
import io.holdfast.server.pubsub.PubSub;
import io.holdfast.server.pubsub.PublishSequencer;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.DefaultEventExecutor;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's {@link PublishSequencer}: every publish, whichever node takes it, goes through one
 * Lua script in Redis ({@link RedisScripts#PUBLISH}) that de-duplicates, checks {@code prev-id},
 * numbers the item, appends it to the channel's history stream and publishes it, atomically; every
 * node subscribed to the channel then delivers it to its own subscribers ({@link ClusterReceiver}).
 * A node never delivers its own publish directly: it arrives back through Redis like everyone
 * else's, so every node sees one order.
 *
 * <p>The publish result completes when Redis answered, so a publisher is told 503 when Redis did not
 * take its item. An item whose {@code prev-id} is not the channel's last id yet is retried with
 * growing pauses for up to {@code message_wait}, then forced through (as a single node releases it),
 * so the predecessor, possibly published on another node, goes first.
 */
public final class RedisBus implements PublishSequencer {
    private static final Logger LOG = LoggerFactory.getLogger(RedisBus.class);
    /** Spec 4: at most 100 items wait per channel. */
    static final int MAX_WAITING = 100;
    private static final String RECOVER = "recover";
    private static final long FIRST_RETRY_MILLIS = 2;

    private final EventExecutor thread = new DefaultEventExecutor(new DefaultThreadFactory("holdfast-cluster", true));
    private final ClusterKeys keys;
    private final RedisLink link;
    private final ClusterReceiver receiver;
    private final ClusterStats stats = new ClusterStats();
    private final PubSub pubsub;
    private final String nodeId;
    private final long messageWaitMillis;
    private final String idTtlMillis;
    private final String historySize;
    private final String stateTtlMillis;
    private final ChannelHistory historyChannels;
    private final long historyTtlMillis;
    /** Per channel, the prev-ids that items wait for; bus thread only. */
    private final Map<String, Set<String>> waiting = new HashMap<>();

    private RedisBus(PubSub pubsub, HoldfastConfig config, String nodeId) {
        ClusterConfig cluster = config.cluster();
        this.pubsub = pubsub;
        this.nodeId = nodeId;
        this.keys = new ClusterKeys(cluster.keyPrefix());
        this.messageWaitMillis = config.messageWait().toMillis();
        this.idTtlMillis = Long.toString(config.idCacheTtl().toMillis());
        this.historySize = Integer.toString(config.historySize());
        this.historyChannels = new ChannelHistory(config.historyChannels(), config.historySize(),
                config.historyTtl().toNanos());
        this.historyTtlMillis = config.historyTtl().toMillis();
        // A channel's sequence and last id must outlive its history and its id cache; a day of silence
        // beyond that starts a new epoch, which subscribers see as a reset.
        Duration stateTtl = max(Duration.ofDays(1), config.historyTtl(), config.idCacheTtl());
        this.stateTtlMillis = Long.toString(stateTtl.toMillis());
        ClusterReceiver[] r = new ClusterReceiver[1];
        this.link = RedisLink.connect(cluster, "holdfast-" + nodeId.replaceAll("[^A-Za-z0-9._:-]", "_"),
                new RedisLink.Listener() {
                    @Override
                    public void onMessage(String channel, String message) {
                        if (channel.equals(keys.control())) {
                            onControl(message);
                        } else {
                            r[0].onMessage(channel, message);
                        }
                    }

                    @Override
                    public void onReconnected() {
                        r[0].onReconnected();
                        link().subscribeGlobal(keys.control());
                    }
                });
        this.receiver = new ClusterReceiver(pubsub, thread, link, keys, config.handler().subscriptionLinger().toMillis(),
                historyChannels, config.historyTtl().toMillis(), stats);
        r[0] = receiver;
    }

    private RedisLink link() {
        return link;
    }

    /**
     * Connects to Redis and joins the cluster: from now on {@code pubsub}'s interest drives this
     * node's Redis subscriptions. Throws if Redis cannot be reached (the node does not start alone
     * by mistake).
     */
    public static RedisBus start(PubSub pubsub, HoldfastConfig config, int httpPort) {
        String nodeId = config.cluster().nodeId() != null ? config.cluster().nodeId() : defaultNodeId(httpPort);
        RedisBus bus;
        try {
            bus = new RedisBus(pubsub, config, nodeId);
        } catch (io.lettuce.core.RedisException e) {
            throw new IllegalStateException("cluster: cannot connect to Redis at "
                    + redacted(config.cluster().redisUrl()) + ": " + rootMessage(e), e);
        }
        try {
            bus.link.subscribeGlobal(bus.keys.control()).get(RedisLink.COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            bus.close();
            throw new IllegalStateException("cluster: cannot subscribe in Redis: " + e, e);
        }
        pubsub.addInterestListener(bus.receiver::onInterestChanged);
        for (String channel : pubsub.channelsWithSubscribers()) {
            bus.receiver.onInterestChanged(channel);
        }
        LOG.info("cluster: node {} joined through Redis {} ({}), key prefix \"{}\"", nodeId,
                redacted(config.cluster().redisUrl()), bus.link.sharded() ? "Redis Cluster, sharded pub/sub" : "pub/sub",
                config.cluster().keyPrefix());
        return bus;
    }

    /** Host name plus port: unique per process on a machine, readable in {@code CLIENT LIST}. */
    static String defaultNodeId(int httpPort) {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            host = "localhost";
        }
        return host + ":" + httpPort;
    }

    /** The URL without its password, for logs. */
    static String redacted(String url) {
        return url.replaceAll("//[^@/]*@", "//***@");
    }

    public String nodeId() {
        return nodeId;
    }

    /** Whether Redis is reachable now (both connections up); cheap, for readiness and metrics. */
    public boolean redisConnected() {
        return link.connected();
    }

    public ClusterStats clusterStats() {
        return stats;
    }

    @Override
    public Map<String, Long> stats() {
        return stats.snapshot();
    }

    /** Whether Redis confirmed this node's subscription to {@code channel} (tests wait on it). */
    public boolean isSubscribed(String channel) {
        return receiver.isSubscribed(channel).join();
    }

    @Override
    public CompletableFuture<Void> publish(List<PublishItem> items) {
        if (items.size() == 1) {
            return publishOne(items.get(0), false);
        }
        CompletableFuture<?>[] all = new CompletableFuture<?>[items.size()];
        for (int i = 0; i < all.length; i++) {
            all[i] = publishOne(items.get(i), false);
        }
        return CompletableFuture.allOf(all);
    }

    /** Runs the script for one item; the result completes when Redis took (or de-duplicated or holds) it. */
    private CompletableFuture<Void> publishOne(PublishItem item, boolean force) {
        String channel = item.channel();
        String id = item.id() == null ? "" : item.id();
        String[] k = {keys.state(channel), keys.history(channel),
                item.id() == null ? keys.state(channel) : keys.seenId(channel, item.id())};
        boolean history = item.id() != null && historyChannels.enabledFor(channel);
        return link.run(RedisScripts.PUBLISH, k, id, item.prevId() == null ? "" : item.prevId(), force ? "1" : "0",
                idTtlMillis, history ? historySize : "0", stateTtlMillis, keys.pubsubChannel(channel),
                link.sharded() ? "1" : "0", BusMessage.json(item), item.noSeq() ? "1" : "0")
                .handle((r, failure) -> {
                    if (failure != null) {
                        stats.publishFailed.increment();
                        throw new java.util.concurrent.CompletionException(
                                new IllegalStateException("Redis did not take the item: " + rootMessage(failure)));
                    }
                    String outcome = String.valueOf(r.get(0));
                    switch (outcome) {
                        case "ok" -> stats.published.increment();
                        case "dup" -> {
                            stats.duplicatesInRedis.increment();
                            pubsub.counters().duplicatesDropped.increment();
                        }
                        case "wait" -> thread.execute(() -> hold(item));
                        default -> throw new IllegalStateException("unexpected script answer " + r);
                    }
                    return null;
                });
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getMessage() == null ? c.toString() : c.getMessage();
    }

    /** Out of order: its predecessor may still come, from any node; ask again after growing pauses. */
    private void hold(PublishItem item) {
        Set<String> prevIds = waiting.computeIfAbsent(item.channel(), c -> new HashSet<>());
        if (prevIds.size() >= MAX_WAITING || !prevIds.add(item.prevId())) {
            pubsub.counters().outOfOrderDropped.increment();
            LOG.warn("cluster: dropping out-of-order item {} on channel {}: {}", item.id(), item.channel(),
                    prevIds.contains(item.prevId()) ? "another item already waits for prev-id " + item.prevId()
                            : MAX_WAITING + " items already wait");
            return;
        }
        stats.heldForPrevId.increment();
        pubsub.counters().outOfOrderHeld.increment();
        retry(item, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(messageWaitMillis), FIRST_RETRY_MILLIS);
    }

    private void retry(PublishItem item, long deadline, long pauseMillis) {
        thread.schedule(() -> {
            boolean last = System.nanoTime() >= deadline;
            retryOnce(item, last).whenComplete((waitsStill, failure) -> thread.execute(() -> {
                if (failure == null && waitsStill && !last) {
                    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                    retry(item, deadline, Math.max(1, Math.min(pauseMillis * 2, left)));
                    return;
                }
                if (failure != null) {
                    LOG.warn("cluster: held item {} on channel {} lost: {}", item.id(), item.channel(), rootMessage(failure));
                }
                Set<String> prevIds = waiting.get(item.channel());
                if (prevIds != null && prevIds.remove(item.prevId()) && prevIds.isEmpty()) {
                    waiting.remove(item.channel());
                }
            }));
        }, pauseMillis, TimeUnit.MILLISECONDS);
    }

    /** One more try for a held item; completes with true if it still waits. */
    private CompletableFuture<Boolean> retryOnce(PublishItem item, boolean force) {
        String channel = item.channel();
        String[] k = {keys.state(channel), keys.history(channel),
                item.id() == null ? keys.state(channel) : keys.seenId(channel, item.id())};
        boolean history = item.id() != null && historyChannels.enabledFor(channel);
        return link.run(RedisScripts.PUBLISH, k, item.id() == null ? "" : item.id(), item.prevId(), force ? "1" : "0",
                idTtlMillis, history ? historySize : "0", stateTtlMillis, keys.pubsubChannel(channel),
                link.sharded() ? "1" : "0", BusMessage.json(item), item.noSeq() ? "1" : "0")
                .thenApply(r -> "wait".equals(String.valueOf(r.get(0))));
    }

    @Override
    public void replay(String channel, String lastId, EventLoop loop, Consumer<ChannelHistory.Replay> callback) {
        receiver.replay(channel, lastId, loop, callback);
    }

    /**
     * The channel's history as the cluster keeps it (its Redis Stream), oldest first, without entries
     * older than {@code history_ttl} (a resume would not use them either). Fails when Redis cannot answer.
     */
    @Override
    public CompletableFuture<List<PublishItem>> history(String channel) {
        return link.run(RedisScripts.READ, new String[] {keys.state(channel), keys.history(channel)}, "-")
                .thenApply(r -> {
                    long now = Long.parseLong(String.valueOf(r.get(2)));
                    List<PublishItem> items = new java.util.ArrayList<>();
                    for (BusMessage.Entry e : BusMessage.entries(r.get(3))) {
                        if (now - e.atMillis() <= historyTtlMillis) {
                            items.add(e.item());
                        }
                    }
                    return items;
                });
    }

    @Override
    public boolean historyEnabled(String channel) {
        return historyChannels.enabledFor(channel);
    }

    @Override
    public void lastId(String channel, EventLoop loop, Consumer<String> callback) {
        receiver.lastId(channel, loop, callback);
    }

    /** Tells every node (this one included, through Redis); if Redis cannot, at least this node. */
    @Override
    public void recover() {
        link.publishGlobal(keys.control(), RECOVER).whenComplete((n, failure) -> {
            if (failure != null) {
                LOG.warn("cluster: recover could not reach the other nodes ({}); recovering this node only",
                        rootMessage(failure));
                receiver.onRecover();
            }
        });
    }

    private void onControl(String message) {
        if (RECOVER.equals(message)) {
            receiver.onRecover();
        } else {
            LOG.warn("cluster: unknown control message {}", message);
        }
    }

    private static Duration max(Duration a, Duration... more) {
        Duration m = a;
        for (Duration d : more) {
            if (d.compareTo(m) > 0) {
                m = d;
            }
        }
        return m;
    }

    @Override
    public void close() {
        try {
            link.close();
        } finally {
            thread.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }
}
