package io.holdfast.server.cluster;

import io.holdfast.grip.publish.PublishItem;
import io.holdfast.server.pubsub.ChannelHistory;
import io.holdfast.server.pubsub.PubSub;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receiving half of the Redis bus, all on the bus thread: subscribes in Redis only to channels
 * with local subscribers (interest, not broadcast), keeps an unused subscription for
 * {@code subscription_linger}, and (re)subscribes in batches; then hands each channel's items to the
 * local loops in sequence order, exactly once. Each channel is {@link Track tracked} by its epoch and
 * last sequence number, so a gap (a pub/sub message lost while the connection was down, or a
 * subscription that Redis dropped because this node was slow) is found and filled from the history
 * stream, and what cannot be filled is answered with the reset signal: subscribers ask their origin
 * again, as after the recover command.
 */
final class ClusterReceiver {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterReceiver.class);
    /** Subscribe at most this many channels per command. */
    static final int SUBSCRIBE_BATCH = 500;
    /** Live items held per channel while its gap is being filled; beyond this, reset instead. */
    static final int MAX_HELD = 10_000;
    private static final long RETRY_MILLIS = 500;
    private static final long REPLAY_TIMEOUT_MILLIS = 5_000;
    /**
     * Items read from Redis but not yet ordered on the bus thread. Beyond this the node is too slow
     * to keep up: items are dropped here, counted, and the channel's next item shows the gap, which
     * is filled from history (or reset) like any other. A slow node so never grows without bound,
     * and never slows Redis or the other nodes (Redis would cut it off at its pub/sub output limit).
     */
    static final int MAX_QUEUED = 50_000;
    private final java.util.concurrent.atomic.AtomicInteger queued = new java.util.concurrent.atomic.AtomicInteger();

    private final PubSub pubsub;
    private final EventExecutor thread;
    private final RedisLink link;
    private final ClusterKeys keys;
    private final long lingerMillis;
    private final ChannelHistory historyChannels;
    private final long historyTtlMillis;
    private final Map<String, Track> tracks = new HashMap<>();
    private final Set<String> toSubscribe = new LinkedHashSet<>();
    private final Set<String> toUnsubscribe = new LinkedHashSet<>();
    private boolean flushQueued;
    final ClusterStats stats;

    /** One channel this node wants: its Redis subscription and what it has delivered. */
    private static final class Track {
        CompletableFuture<Void> subscribed = new CompletableFuture<>();
        ScheduledFuture<?> linger;
        String epoch;
        long seq;
        String lastId;
        /** Non-null while a gap is being filled: live items wait here, in order. */
        List<BusMessage> held;
        /** Resumes in flight, and the live items they must cover. */
        int replays;
        List<BusMessage> recent;
    }

    ClusterReceiver(PubSub pubsub, EventExecutor thread, RedisLink link, ClusterKeys keys, long lingerMillis,
            ChannelHistory historyChannels, long historyTtlMillis, ClusterStats stats) {
        this.pubsub = pubsub;
        this.thread = thread;
        this.link = link;
        this.keys = keys;
        this.lingerMillis = lingerMillis;
        this.historyChannels = historyChannels;
        this.historyTtlMillis = historyTtlMillis;
        this.stats = stats;
    }

    /** A channel gained or lost its local subscribers; any thread (the listener contract of PubSub). */
    void onInterestChanged(String channel) {
        thread.execute(() -> reconcile(channel));
    }

    private void reconcile(String channel) {
        Track t = tracks.get(channel);
        if (pubsub.hasSubscribers(channel)) {
            if (t == null) {
                want(channel);
            } else if (t.linger != null) {
                t.linger.cancel(false);
                t.linger = null;
            }
        } else if (t != null && t.linger == null) {
            t.linger = thread.schedule(() -> onLingerOver(channel), lingerMillis, TimeUnit.MILLISECONDS);
        }
    }

    private Track want(String channel) {
        Track t = new Track();
        tracks.put(channel, t);
        stats.channelsSubscribed.set(tracks.size());
        toUnsubscribe.remove(channel);
        toSubscribe.add(channel);
        queueFlush();
        return t;
    }

    private void onLingerOver(String channel) {
        Track t = tracks.get(channel);
        if (t == null) {
            return;
        }
        t.linger = null;
        if (pubsub.hasSubscribers(channel) || t.replays > 0) {
            return;
        }
        tracks.remove(channel);
        stats.channelsSubscribed.set(tracks.size());
        toSubscribe.remove(channel);
        toUnsubscribe.add(channel);
        queueFlush();
    }

    /** Changes queued by the tasks already waiting go out together, in one command per batch. */
    private void queueFlush() {
        if (!flushQueued) {
            flushQueued = true;
            thread.execute(this::flush);
        }
    }

    private void flush() {
        flushQueued = false;
        if (!toUnsubscribe.isEmpty()) {
            for (List<String> batch : batches(toUnsubscribe, false)) {
                link.unsubscribe(batch.toArray(String[]::new)).exceptionally(e -> {
                    LOG.debug("cluster: unsubscribe failed: {}", e.toString()); // the connection dropped them anyway
                    return null;
                });
            }
            toUnsubscribe.clear();
        }
        if (!toSubscribe.isEmpty()) {
            for (List<String> batch : batches(toSubscribe, true)) {
                List<String> channels = List.copyOf(batch);
                String[] names = channels.stream().map(keys::pubsubChannel).toArray(String[]::new);
                link.subscribe(names).whenComplete((ok, failure) -> thread.execute(() -> onSubscribed(channels, failure)));
            }
            toSubscribe.clear();
        }
    }

    /** With Redis Cluster each channel may live on another shard, so one channel per SSUBSCRIBE. */
    private List<List<String>> batches(Set<String> channels, boolean subscribing) {
        List<List<String>> out = new ArrayList<>();
        List<String> batch = new ArrayList<>();
        for (String c : channels) {
            batch.add(subscribing ? c : keys.pubsubChannel(c));
            if (batch.size() >= (link.sharded() ? 1 : SUBSCRIBE_BATCH)) {
                out.add(batch);
                batch = new ArrayList<>();
            }
        }
        if (!batch.isEmpty()) {
            out.add(batch);
        }
        return out;
    }

    private void onSubscribed(List<String> channels, Throwable failure) {
        for (String c : channels) {
            Track t = tracks.get(c);
            if (t == null) {
                continue;
            }
            if (failure == null) {
                t.subscribed.complete(null);
            } else {
                LOG.warn("cluster: subscribing to {} failed ({}); retrying", c, failure.toString());
                thread.schedule(() -> {
                    if (tracks.get(c) == t && !t.subscribed.isDone()) {
                        toSubscribe.add(c);
                        queueFlush();
                    }
                }, RETRY_MILLIS, TimeUnit.MILLISECONDS);
            }
        }
    }

    /** Whether Redis confirmed this node's subscription to a channel (for tests and stats). Any thread. */
    CompletableFuture<Boolean> isSubscribed(String channel) {
        return CompletableFuture.supplyAsync(() -> {
            Track t = tracks.get(channel);
            return t != null && t.subscribed.isDone() && !t.subscribed.isCompletedExceptionally();
        }, thread);
    }

    /** A pub/sub message from Redis, on Lettuce's thread: parsed there, then ordered on the bus thread. */
    void onMessage(String pubsubChannel, String message) {
        String channel = keys.channelOf(pubsubChannel);
        if (channel == null) {
            return;
        }
        BusMessage m;
        try {
            m = BusMessage.parse(message);
        } catch (io.holdfast.grip.publish.PublishFormatException e) {
            LOG.warn("cluster: unreadable message on {}: {}", pubsubChannel, e.getMessage());
            return;
        }
        stats.received.increment();
        if (queued.incrementAndGet() > MAX_QUEUED) {
            queued.decrementAndGet();
            stats.overflowDropped.increment();
            return;
        }
        thread.execute(() -> {
            queued.decrementAndGet();
            onIncoming(channel, m);
        });
    }

    private void onIncoming(String channel, BusMessage m) {
        Track t = tracks.get(channel);
        if (t == null) {
            return; // unsubscribed meanwhile: nobody here wants it
        }
        if (t.replays > 0) {
            t.recent.add(m);
        }
        if (t.held != null) {
            if (t.held.size() >= MAX_HELD) {
                LOG.warn("cluster: {} items wait on channel {} while its gap is filled; resetting", MAX_HELD, channel);
                t.held.clear();
                t.seq = 0;
                reset(channel);
            }
            t.held.add(m);
            return;
        }
        accept(channel, t, m);
    }

    /** The heart of the receiving side: in sequence, once, or find the gap. */
    private void accept(String channel, Track t, BusMessage m) {
        if (t.epoch != null && !t.epoch.equals(m.epoch())) {
            // Redis lost the channel's state (restart without persistence, or it expired): whatever was
            // published before is unknowable here, so subscribers start over.
            LOG.warn("cluster: channel {} restarted its sequence in Redis (epoch {} -> {}); sending reset",
                    channel, t.epoch, m.epoch());
            reset(channel);
        } else if (t.seq > 0 && m.seq() <= t.seq) {
            stats.duplicatesSkipped.increment();
            return;
        } else if (t.seq > 0 && m.seq() > t.seq + 1) {
            stats.gaps.increment();
            LOG.info("cluster: channel {} missed items {}..{}; reading them from Redis", channel, t.seq + 1, m.seq() - 1);
            t.held = new ArrayList<>();
            t.held.add(m);
            sync(channel, t);
            return;
        }
        deliver(t, m);
    }

    private void deliver(Track t, BusMessage m) {
        t.epoch = m.epoch();
        t.seq = m.seq();
        if (m.item().id() != null) {
            t.lastId = m.item().id();
        }
        pubsub.counters().publishRequest(io.holdfast.server.stats.PublishInput.CLUSTER);
        pubsub.fanOut(List.of(m.item()));
    }

    /** The reset signal for one channel: its held requests ask their origin again (as after recover). */
    private void reset(String channel) {
        stats.resets.increment();
        pubsub.updateChannel(channel);
    }

    /** Reads what the channel holds after its last delivered item, delivers it, then the held items. */
    private void sync(String channel, Track t) {
        String[] k = {keys.state(channel), keys.history(channel)};
        link.run(RedisScripts.READ, k, "(" + t.seq + "-0").whenComplete((r, failure) -> thread.execute(() -> {
            if (tracks.get(channel) != t || t.held == null) {
                return;
            }
            if (failure != null) {
                LOG.warn("cluster: reading channel {} from Redis failed ({}); retrying", channel, failure.toString());
                thread.schedule(() -> {
                    if (tracks.get(channel) == t && t.held != null) {
                        sync(channel, t);
                    }
                }, RETRY_MILLIS, TimeUnit.MILLISECONDS);
                return;
            }
            onSynced(channel, t, r);
        }));
    }

    private void onSynced(String channel, Track t, List<Object> r) {
        String epoch = String.valueOf(r.get(0));
        long n = Long.parseLong(String.valueOf(r.get(1)));
        List<BusMessage> held = t.held;
        t.held = null;
        if (t.epoch != null && !epoch.equals(t.epoch)) {
            LOG.warn("cluster: channel {} restarted its sequence in Redis; sending reset", channel);
            reset(channel);
            t.epoch = null;
            t.seq = 0;
        } else if (n > t.seq) {
            boolean gap = false;
            for (BusMessage.Entry e : BusMessage.entries(r.get(3))) {
                if (e.seq() <= t.seq) {
                    continue;
                }
                if (e.seq() != t.seq + 1) {
                    gap = true; // items without history (no id, or not a history channel) are gone
                }
                stats.replayedFromHistory.increment();
                deliver(t, new BusMessage(epoch, e.seq(), e.item()));
            }
            long firstHeld = held.isEmpty() ? n + 1 : held.get(0).seq();
            if (gap || t.seq + 1 < Math.min(firstHeld, n + 1)) {
                LOG.warn("cluster: channel {} lost items Redis keeps no history of; sending reset", channel);
                reset(channel);
                t.seq = Math.max(t.seq, Math.min(firstHeld - 1, n));
            }
        }
        for (BusMessage m : held) {
            if (t.held != null) {
                t.held.add(m);
            } else {
                accept(channel, t, m);
            }
        }
    }

    /**
     * After a reconnect: subscribe again to every channel wanted (Lettuce restores what it knew, but
     * not commands refused while down), then look in each channel for what was missed meanwhile.
     */
    void onReconnected() {
        thread.execute(() -> {
            LOG.info("cluster: reconnected to Redis; resubscribing {} channel(s) and checking for missed items", tracks.size());
            for (Map.Entry<String, Track> e : tracks.entrySet()) {
                Track t = e.getValue();
                String channel = e.getKey();
                toSubscribe.add(channel);
                if (t.seq > 0 && t.held == null) {
                    t.held = new ArrayList<>();
                    CompletableFuture<Void> again = new CompletableFuture<>();
                    t.subscribed = again;
                    again.whenComplete((ok, f) -> thread.execute(() -> {
                        if (tracks.get(channel) == t && t.held != null) {
                            sync(channel, t);
                        }
                    }));
                }
            }
            queueFlush();
        });
    }

    /**
     * Resume: items after {@code lastId} from the history stream, plus every live item of the channel
     * that arrived while the read was on its way (the subscriber skipped those), ordered by sequence
     * and without repeats; answered on {@code loop} before any later live item.
     */
    void replay(String channel, String lastId, EventLoop loop, Consumer<ChannelHistory.Replay> callback) {
        thread.execute(() -> {
            Track t = tracks.get(channel);
            if (t == null) {
                t = want(channel);
            }
            Track track = t;
            if (track.replays++ == 0) {
                track.recent = new ArrayList<>();
            }
            // Read only once subscribed: from then on, every later item reaches this node live.
            // Bounded: while Redis is unreachable the client gets the reset signal, not an endless wait.
            track.subscribed.copy().orTimeout(REPLAY_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
                    .thenCompose(ok -> link.run(RedisScripts.READ,
                            new String[] {keys.state(channel), keys.history(channel)}, "-"))
                    .whenComplete((r, failure) -> thread.execute(() -> {
                        ChannelHistory.Replay replay = failure != null ? gone(channel, failure)
                                : replayOf(track, lastId, r);
                        if (--track.replays == 0) {
                            track.recent = null;
                        }
                        loop.execute(() -> callback.accept(replay));
                    }));
        });
    }

    private static ChannelHistory.Replay gone(String channel, Throwable failure) {
        LOG.warn("cluster: history of {} could not be read ({}); the client starts over", channel, failure.toString());
        return new ChannelHistory.Replay(List.of(), true);
    }

    private ChannelHistory.Replay replayOf(Track t, String lastId, List<Object> r) {
        String epoch = String.valueOf(r.get(0));
        long now = Long.parseLong(String.valueOf(r.get(2)));
        List<BusMessage.Entry> entries = BusMessage.entries(r.get(3));
        long from = -1;
        for (BusMessage.Entry e : entries) {
            if (lastId.equals(e.item().id()) && now - e.atMillis() <= historyTtlMillis) {
                from = e.seq();
            }
        }
        if (from < 0) {
            return new ChannelHistory.Replay(List.of(), true);
        }
        TreeMap<Long, PublishItem> items = new TreeMap<>();
        for (BusMessage.Entry e : entries) {
            if (e.seq() > from) {
                items.put(e.seq(), e.item());
            }
        }
        for (BusMessage m : t.recent) {
            if (m.epoch().equals(epoch) && m.seq() > from) {
                items.putIfAbsent(m.seq(), m.item());
            }
        }
        return new ChannelHistory.Replay(List.copyOf(items.values()), false);
    }

    /** The last id delivered here on a channel, answered on {@code loop}. */
    void lastId(String channel, EventLoop loop, Consumer<String> callback) {
        thread.execute(() -> {
            Track t = tracks.get(channel);
            String id = t == null ? null : t.lastId;
            loop.execute(() -> callback.accept(id));
        });
    }

    /** The recover command reached this node: forget last ids, subscribers ask their origins again. */
    void onRecover() {
        thread.execute(() -> {
            tracks.values().forEach(t -> t.lastId = null);
            pubsub.recoverSubscribers();
        });
    }

    boolean historyEnabled(String channel) {
        return historyChannels.enabledFor(channel);
    }
}
