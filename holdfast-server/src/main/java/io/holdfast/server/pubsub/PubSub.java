package io.holdfast.server.pubsub;

import io.holdfast.grip.publish.PublishItem;
import io.holdfast.server.config.UnsentBudget;
import io.holdfast.server.stats.Counters;
import io.netty.util.internal.PlatformDependent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.util.IdentityHashMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The channel broker. Subscriptions are sharded per event loop (design §4): a subscriber registers
 * in its own loop's {@link Shard}, and a publish prepares each item once as a {@link Message} and
 * hands it to every loop, which writes it to its local subscribers and flushes them in one batch.
 * Each loop runs hand-offs in submission order, so every subscriber sees a channel's items in
 * publish order.
 */
public final class PubSub {
    private static final Logger LOG = LoggerFactory.getLogger(PubSub.class);
    private final Map<EventExecutor, Shard> shards = new IdentityHashMap<>();
    private final Shard[] shardList;
    private final Counters counters;
    /** Channel → how many shards have local subscribers; a key exists exactly while anyone is subscribed. */
    private final ConcurrentHashMap<String, Integer> interest = new ConcurrentHashMap<>();
    private final List<InterestListener> interestListeners = new CopyOnWriteArrayList<>();
    private final UnsentBytes unsentBytes;
    private volatile PublishSequencer sequencer;

    /** With the default unsent-bytes budget, derived from the maximum direct memory. */
    public PubSub(EventLoopGroup group, Counters counters) {
        this(group, counters, UnsentBudget.DEFAULT);
    }

    public PubSub(EventLoopGroup group, Counters counters, UnsentBudget budget) {
        this.counters = counters;
        for (EventExecutor executor : group) {
            shards.put(executor, new Shard((EventLoop) executor, this));
        }
        this.shardList = shards.values().toArray(new Shard[0]);
        long[] limits = budget.resolve(PlatformDependent.maxDirectMemory(), shardList.length);
        this.unsentBytes = new UnsentBytes(group, limits[0], limits[1]);
        counters.gauge("unsent_bytes", unsentBytes::total);
        counters.gauge("unsent_bytes_max", unsentBytes::totalMax);
        // Direct memory as Netty counts it (its own allocations) and as the JDK does (java.nio.Bits).
        counters.gauge("direct_memory_netty", () -> Math.max(0, PlatformDependent.usedDirectMemory()));
        counters.gauge("direct_memory_nio", PubSub::nioDirectMemory);
        LOG.debug("unsent bytes budget: {} in all, {} per event loop (max direct memory {})", limits[0], limits[1],
                PlatformDependent.maxDirectMemory());
        if (!PlatformDependent.useDirectBufferNoCleaner() && !WARNED_BITS.getAndSet(true)) {
            LOG.warn("Netty allocates direct memory through java.nio.Bits, which can stall event loops when it runs "
                    + "short; start with 'java -jar holdfast.jar' or the holdfast script (or add "
                    + "--add-opens java.base/java.nio=ALL-UNNAMED -Dio.netty.tryReflectionSetAccessible=true)");
        }
    }

    private static long nioDirectMemory() {
        for (var pool : java.lang.management.ManagementFactory.getPlatformMXBeans(java.lang.management.BufferPoolMXBean.class)) {
            if ("direct".equals(pool.getName())) {
                return pool.getMemoryUsed();
            }
        }
        return 0;
    }

    private static final java.util.concurrent.atomic.AtomicBoolean WARNED_BITS = new java.util.concurrent.atomic.AtomicBoolean();

    /** The budget all subscribers' unsent bytes share (see {@link SubscriberSession}). */
    public UnsentBytes unsentBytes() {
        return unsentBytes;
    }

    public Counters counters() {
        return counters;
    }

    /** Subscribes on the subscriber's own loop; returns false if it already was. */
    public boolean subscribe(String channel, Subscriber subscriber) {
        return shard(subscriber).subscribe(channel, subscriber);
    }

    /** Unsubscribes on the subscriber's own loop. */
    public void unsubscribe(String channel, Subscriber subscriber) {
        shard(subscriber).unsubscribe(channel, subscriber);
    }

    private Shard shard(Subscriber subscriber) {
        EventLoop loop = subscriber.loop();
        assert loop.inEventLoop() : "subscriptions change on the subscriber's loop";
        Shard shard = shards.get(loop);
        if (shard == null) {
            throw new IllegalStateException("subscriber loop is not part of the client event loop group");
        }
        return shard;
    }

    /**
     * Publishes items, already validated, to every subscriber of their channels. Any thread; never
     * blocks. Items go through the {@link PublishSequencer} (de-duplication, ordering, history, and
     * other nodes in a cluster) when one is installed. The result completes when the items are taken
     * and exceptionally when the bus refused them (Redis down): the publisher must then get an error.
     */
    public CompletableFuture<Void> publish(List<PublishItem> items) {
        counters.itemsReceived.add(items.size());
        PublishSequencer s = sequencer;
        if (s != null) {
            return s.publish(items);
        }
        fanOut(items);
        return PublishSequencer.ACCEPTED;
    }

    /** Installs the sequencer every publish goes through (once, while wiring). */
    public void sequencer(PublishSequencer sequencer) {
        this.sequencer = sequencer;
    }

    public PublishSequencer sequencer() {
        return sequencer;
    }

    /** Hands one item to every loop, which writes it to its local subscribers. Any thread. */
    void fanOut(PublishItem item) {
        fanOut(List.of(item));
    }

    /**
     * Hands items to every loop in one task per loop, which writes them, in order, to its local
     * subscribers and flushes each once. Each item is prepared (its payload wrapped) once. Any thread.
     * Public for the buses only: items here are already sequenced, so nothing else may call it.
     */
    public void fanOut(List<PublishItem> items) {
        if (items.isEmpty()) {
            return;
        }
        counters.itemsPublished.add(items.size());
        long fannedOut = System.nanoTime();
        List<Message> messages = new ArrayList<>(items.size());
        for (PublishItem item : items) {
            messages.add(new Message(item, item.channel()));
        }
        FanOutTap tap = fanOutTap;
        if (tap != null) {
            tap.onFanOut(messages);
        }
        for (Shard shard : shardList) {
            messages.forEach(Message::retain);
            try {
                shard.loop().execute(() -> {
                    try {
                        int n = shard.deliver(messages);
                        counters.deliveries.add(n);
                        if (n > 0) {
                            counters.publishWritten(fannedOut, System.nanoTime());
                        }
                    } finally {
                        messages.forEach(Message::release);
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
                messages.forEach(Message::release); // the payloads are direct memory: give them back
            }
        }
        messages.forEach(Message::release);
    }

    /**
     * Sees every batch of messages {@link #fanOut} hands to the shards, whatever their channels: how
     * subscriptions that are not one channel name (MQTT's {@code +}/{@code #} topic filters) learn of
     * publishes, without a scan in every shard. Called on the publishing thread, before the shards
     * deliver; it must be quick and must {@link Message#retain} any message it keeps past the call.
     */
    @FunctionalInterface
    public interface FanOutTap {
        void onFanOut(List<Message> messages);
    }

    private volatile FanOutTap fanOutTap;

    /** Installs the one fan-out tap (the MQTT broker), or removes it with null. */
    public void fanOutTap(FanOutTap tap) {
        fanOutTap = tap;
    }

    /**
     * The recover command (spec 4): forget every channel's last id, and have every held request ask
     * its origin again. Any thread.
     */
    public void recover() {
        PublishSequencer s = sequencer;
        if (s != null) {
            s.recover(); // the bus forgets last ids (on every node) and calls recoverSubscribers
        } else {
            recoverSubscribers();
        }
    }

    /** Every subscriber on this node asks its origin again (the recover command, or a bus reset). Any thread. */
    public void recoverSubscribers() {
        for (Shard shard : shardList) {
            shard.loop().execute(() -> shard.subscribers().forEach(Subscriber::recover));
        }
    }

    /**
     * Has every held request on {@code channel} ask its origin again, as {@link #recover} does for all
     * (Pushpin's {@code update_on_first_subscription}). Any thread.
     */
    public void updateChannel(String channel) {
        for (Shard shard : shardList) {
            shard.loop().execute(() -> shard.subscribersOf(channel).forEach(Subscriber::recover));
        }
    }

    /**
     * Told when a (mode, channel) pair gains its first subscriber or loses its last one, and so when
     * a connection's {@code conn:} channel comes and goes: Pushpin's stats {@code sub} and {@code conn}
     * packets. Called on the loop where it happened; must be quick. Installing one costs a map update
     * per subscribe and unsubscribe, so nothing is counted while none is installed.
     */
    @FunctionalInterface
    public interface SubscriptionListener {
        void onSubscription(String mode, String channel, boolean available);
    }

    private volatile SubscriptionListener subscriptionListener;
    private final ConcurrentHashMap<String, Integer> modeCounts = new ConcurrentHashMap<>();

    /** Installs the one subscription listener (or removes it with null). */
    public void subscriptionListener(SubscriptionListener listener) {
        subscriptionListener = listener;
        if (listener == null) {
            modeCounts.clear();
        }
    }

    void subscriptionAdded(String mode, String channel) {
        SubscriptionListener l = subscriptionListener;
        if (l != null && modeCounts.merge(mode + ' ' + channel, 1, Integer::sum) == 1) {
            l.onSubscription(mode, channel, true);
        }
    }

    void subscriptionRemoved(String mode, String channel) {
        SubscriptionListener l = subscriptionListener;
        if (l != null && modeCounts.computeIfPresent(mode + ' ' + channel, (k, n) -> n == 1 ? null : n - 1) == null) {
            l.onSubscription(mode, channel, false);
        }
    }

    /** Channels with at least one subscriber, summed over shards (a moment's view). */
    public int channelCount() {
        int n = 0;
        for (Shard s : shardList) {
            n += s.channelCount();
        }
        return n;
    }

    public long subscriptionCount() {
        long n = 0;
        for (Shard s : shardList) {
            n += s.subscriptionCount();
        }
        return n;
    }

    /**
     * Told when a channel gains its first subscriber or loses its last one, across all loops: what a
     * ZeroMQ SUB socket needs to subscribe only to channels someone here listens to (spec 3.4).
     * Called on the event loop where the change happened, so it must be quick and must not block or
     * subscribe. Two loops can race, so the calls for one channel may arrive out of order: the
     * listener should read {@link #hasSubscribers} for the current truth rather than count calls.
     */
    @FunctionalInterface
    public interface InterestListener {
        void onInterestChanged(String channel);
    }

    public void addInterestListener(InterestListener listener) {
        interestListeners.add(listener);
    }

    public void removeInterestListener(InterestListener listener) {
        interestListeners.remove(listener);
    }

    /** Whether any loop has a subscriber on {@code channel} right now. Any thread. */
    public boolean hasSubscribers(String channel) {
        return interest.containsKey(channel);
    }

    /** The channels with at least one subscriber (a moment's copy). Any thread. */
    public Set<String> channelsWithSubscribers() {
        return Set.copyOf(interest.keySet());
    }

    /** A shard's first local subscriber on {@code channel}; called on that shard's loop. */
    void shardGained(String channel) {
        if (interest.merge(channel, 1, Integer::sum) == 1) {
            fireInterestChanged(channel);
        }
    }

    /** A shard's last local subscriber on {@code channel} left; called on that shard's loop. */
    void shardLost(String channel) {
        if (interest.computeIfPresent(channel, (c, n) -> n == 1 ? null : n - 1) == null) {
            fireInterestChanged(channel);
        }
    }

    private void fireInterestChanged(String channel) {
        for (InterestListener l : interestListeners) {
            l.onInterestChanged(channel);
        }
    }

    /**
     * Subscriber counts per channel over all loops (implicit {@code conn:}/{@code user:} channels
     * included; callers filter). Each loop counts its own shard; completes once all have. Any thread.
     */
    public java.util.concurrent.CompletableFuture<Map<String, Integer>> subscriberCounts() {
        java.util.concurrent.CompletableFuture<?>[] parts = new java.util.concurrent.CompletableFuture<?>[shardList.length];
        Map<String, Integer> total = new ConcurrentHashMap<>();
        for (int i = 0; i < shardList.length; i++) {
            Shard shard = shardList[i];
            parts[i] = java.util.concurrent.CompletableFuture.runAsync(() -> {
                Map<String, Integer> local = new java.util.HashMap<>();
                shard.addSubscriberCounts(local);
                local.forEach((c, n) -> total.merge(c, n, Integer::sum));
            }, shard.loop());
        }
        return java.util.concurrent.CompletableFuture.allOf(parts).thenApply(v -> total);
    }

    /**
     * Runs {@code action} on each subscriber of {@code channel}, on that subscriber's own loop, and
     * collects the results (admin API: show or disconnect a connection or a user). Any thread.
     */
    public <T> java.util.concurrent.CompletableFuture<List<T>> withSubscribersOf(String channel,
            java.util.function.Function<Subscriber, T> action) {
        java.util.concurrent.CompletableFuture<?>[] parts = new java.util.concurrent.CompletableFuture<?>[shardList.length];
        List<T> results = new CopyOnWriteArrayList<>();
        for (int i = 0; i < shardList.length; i++) {
            Shard shard = shardList[i];
            parts[i] = java.util.concurrent.CompletableFuture.runAsync(() -> {
                for (Subscriber s : shard.subscribersOf(channel)) {
                    results.add(action.apply(s));
                }
            }, shard.loop());
        }
        return java.util.concurrent.CompletableFuture.allOf(parts).thenApply(v -> List.copyOf(results));
    }
}
