package io.holdfast.server.pubsub;

import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * One event loop's part of the channel registry. Only its loop touches it, so subscribe,
 * unsubscribe and delivery are plain map operations with no locks. A channel's entry is removed
 * with its last subscriber, so idle channels cost nothing.
 */
final class Shard {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Shard.class);
    private final EventLoop loop;
    private final PubSub owner;
    private final Map<String, LinkedHashSet<Subscriber>> channels = new HashMap<>();
    private final List<Subscriber> batch = new ArrayList<>();
    private final java.util.Set<Subscriber> touched =
            java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    /** Deliveries of the current batch per {@link io.holdfast.server.stats.SessionKind}, added to the counters once. */
    private final int[] deliveriesByKind = new int[io.holdfast.server.stats.SessionKind.values().length];
    private volatile int channelCount;
    private volatile long subscriptionCount;

    Shard(EventLoop loop, PubSub owner) {
        this.loop = loop;
        this.owner = owner;
    }

    EventLoop loop() {
        return loop;
    }

    boolean subscribe(String channel, Subscriber s) {
        LinkedHashSet<Subscriber> subs = channels.computeIfAbsent(channel, c -> new LinkedHashSet<>(4));
        boolean added = subs.add(s);
        if (added && !isImplicit(channel)) {
            subscriptionCount++;
            channelCount = channels.size();
        }
        if (added && subs.size() == 1) {
            owner.shardGained(channel); // first one on this loop: the process-wide interest may change
        }
        if (added) {
            owner.subscriptionAdded(s.statsMode(), channel);
        }
        return added;
    }

    void unsubscribe(String channel, Subscriber s) {
        LinkedHashSet<Subscriber> subs = channels.get(channel);
        if (subs != null && subs.remove(s)) {
            owner.subscriptionRemoved(s.statsMode(), channel);
            if (!isImplicit(channel)) {
                subscriptionCount--;
            }
            if (subs.isEmpty()) {
                channels.remove(channel);
                channelCount = channels.size();
                owner.shardLost(channel);
            }
        }
    }

    /** The per-connection and per-user channels every connection has; not counted as subscriptions. */
    private static boolean isImplicit(String channel) {
        return channel.startsWith(Subscriptions.CONNECTION_CHANNEL_PREFIX)
                || channel.startsWith(Subscriptions.USER_CHANNEL_PREFIX);
    }

    int subscriberCount(String channel) {
        LinkedHashSet<Subscriber> subs = channels.get(channel);
        return subs == null ? 0 : subs.size();
    }

    /**
     * Delivers messages, in order, to every local subscriber of each one's channel, then flushes each
     * subscriber touched once: a publish of many items costs one flush (one syscall) per connection,
     * not one per item. (Deferring the flush behind other queued tasks was tried: more throughput, but
     * a one-second p99 tail for single publishes to 10,000 subscribers.)
     */
    int deliver(List<Message> messages) {
        int deliveries = 0;
        try {
            for (Message message : messages) {
                LinkedHashSet<Subscriber> subs = channels.get(message.channel());
                if (subs == null) {
                    continue;
                }
                // Copy first: a delivery may end a hold, which unsubscribes it from this very set.
                batch.addAll(subs);
                int n = batch.size();
                for (int i = 0; i < n; i++) {
                    Subscriber s = batch.get(i);
                    try {
                        s.deliver(message);
                        deliveriesByKind[s.kind().ordinal()]++;
                        touched.add(s);
                    } catch (Exception | OutOfMemoryError | StackOverflowError e) {
                        failed(s, "delivery on channel " + message.channel(), e);
                    }
                }
                batch.clear();
                deliveries += n;
            }
        } finally {
            batch.clear();
        }
        flushTouched();
        countDeliveriesByKind();
        return deliveries;
    }

    private void countDeliveriesByKind() {
        io.holdfast.server.stats.SessionKind[] kinds = io.holdfast.server.stats.SessionKind.values();
        for (int i = 0; i < deliveriesByKind.length; i++) {
            if (deliveriesByKind[i] != 0) {
                owner.counters().delivered(kinds[i], deliveriesByKind[i]);
                deliveriesByKind[i] = 0;
            }
        }
    }

    /** Subscriber counts of this loop's channels, added into {@code out} (admin API, dashboard). */
    void addSubscriberCounts(Map<String, Integer> out) {
        channels.forEach((channel, subs) -> out.merge(channel, subs.size(), Integer::sum));
    }

    private void flushTouched() {
        try {
            for (Subscriber s : touched) {
                try {
                    s.flush();
                } catch (Exception | OutOfMemoryError | StackOverflowError e) {
                    failed(s, "flush", e);
                }
            }
        } finally {
            touched.clear();
        }
    }

    /**
     * One subscriber's delivery threw (a bad item, a broken connection, direct memory exhausted):
     * counted, and that subscriber ends itself with one log line; the loop goes on with the others.
     */
    private void failed(Subscriber s, String what, Throwable e) {
        owner.counters().deliveryFailures.increment();
        owner.counters().deliveriesDropped.increment();
        LOG.debug("{}: {} failed", s.describe(), what, e);
        try {
            s.deliveryFailed(e);
        } catch (RuntimeException again) {
            LOG.debug("{}: could not end after a failed delivery", s.describe(), again);
        }
    }

    /** Every subscriber of this loop once, whatever its channels. */
    /** The subscribers of one channel on this loop (a copy: updating one may unsubscribe it). */
    java.util.List<Subscriber> subscribersOf(String channel) {
        LinkedHashSet<Subscriber> subs = channels.get(channel);
        return subs == null ? java.util.List.of() : java.util.List.copyOf(subs);
    }

    java.util.Set<Subscriber> subscribers() {
        java.util.Set<Subscriber> all = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        channels.values().forEach(all::addAll);
        return all;
    }

    int channelCount() {
        return channelCount;
    }

    long subscriptionCount() {
        return subscriptionCount;
    }
}
