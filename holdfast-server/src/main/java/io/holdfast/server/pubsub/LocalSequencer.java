package io.holdfast.server.pubsub;

import io.holdfast.grip.publish.PublishItem;
import io.holdfast.server.config.HoldfastConfig;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.DefaultEventExecutor;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single-node {@link PublishSequencer}: orders every publish before fan-out, on one thread of its own (spec 3.5, section 4): items whose
 * {@code (channel, id)} was seen within {@code id_cache_ttl} are dropped as duplicates; an item whose
 * {@code prev-id} is not the channel's last id waits (at most 100 per channel, at most
 * {@code message_wait}) for the missing one, so subscribers see chains in order; and channels with
 * history keep their recent items for resume. One thread means no locks and one clear order; the
 * fan-out itself still runs on every event loop in parallel.
 */
public final class LocalSequencer implements PublishSequencer {
    private static final Logger LOG = LoggerFactory.getLogger(LocalSequencer.class);
    /** Spec 4: Pushpin remembers last ids for up to 1,000,000 channels. */
    static final int MAX_CHANNELS = 1_000_000;
    /** Spec 4: at most 100 pending items per channel. */
    static final int MAX_PENDING = 100;

    private final PubSub pubsub;
    private final EventExecutor thread = new DefaultEventExecutor(new DefaultThreadFactory("holdfast-publish", true));
    private final long messageWaitMillis;
    private final long idCacheTtlNanos;
    private final ChannelHistory history;
    private final Map<String, ChannelState> states = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ChannelState> eldest) {
            return size() > MAX_CHANNELS;
        }
    };
    private final ScheduledFuture<?> sweeper;

    /** Per channel: the last id delivered, items waiting for their predecessor, ids seen recently. */
    private static final class ChannelState {
        String lastId;
        Map<String, Pending> pending;
        LinkedHashMap<String, Long> seen;
    }

    private record Pending(PublishItem item, ScheduledFuture<?> timer) {}

    public LocalSequencer(PubSub pubsub, HoldfastConfig config) {
        this.pubsub = pubsub;
        this.messageWaitMillis = config.messageWait().toMillis();
        this.idCacheTtlNanos = config.idCacheTtl().toNanos();
        this.history = new ChannelHistory(config.historyChannels(), config.historySize(), config.historyTtl().toNanos());
        this.sweeper = thread.scheduleAtFixedRate(this::sweep, 10, 10, TimeUnit.SECONDS);
    }

    /** Queues items for sequencing and fan-out, in order; nothing can refuse them, so done at once. Any thread. */
    @Override
    public CompletableFuture<Void> publish(List<PublishItem> items) {
        thread.execute(() -> {
            List<PublishItem> ready = new ArrayList<>(items.size());
            for (PublishItem item : items) {
                accept(item, ready);
            }
            pubsub.fanOut(ready);
        });
        return ACCEPTED;
    }

    /** Sequences one item; what may go out now is appended to {@code ready}, in order. */
    private void accept(PublishItem item, List<PublishItem> ready) {
        ChannelState state = states.computeIfAbsent(item.channel(), c -> new ChannelState());
        if (isDuplicate(state, item)) {
            pubsub.counters().duplicatesDropped.increment();
            LOG.debug("dropping duplicate item {} on channel {}", item.id(), item.channel());
            return;
        }
        if (!item.noSeq() && item.prevId() != null && state.lastId != null && !item.prevId().equals(state.lastId)) {
            hold(state, item);
            return;
        }
        deliver(state, item, ready);
    }

    private boolean isDuplicate(ChannelState state, PublishItem item) {
        if (item.id() == null || idCacheTtlNanos <= 0) {
            return false;
        }
        long now = System.nanoTime();
        if (state.seen == null) {
            state.seen = new LinkedHashMap<>();
        }
        expireSeen(state.seen, now);
        return state.seen.putIfAbsent(item.id(), now) != null;
    }

    /** Ids are kept in arrival order, so expired ones are at the head: stop at the first fresh one. */
    private void expireSeen(LinkedHashMap<String, Long> seen, long now) {
        var it = seen.values().iterator();
        while (it.hasNext() && now - it.next() > idCacheTtlNanos) {
            it.remove();
        }
    }

    /** Out of order: wait for the item whose id is this one's prev-id (spec 4.2). */
    private void hold(ChannelState state, PublishItem item) {
        if (state.pending == null) {
            state.pending = new HashMap<>();
        }
        if (state.pending.containsKey(item.prevId()) || state.pending.size() >= MAX_PENDING) {
            pubsub.counters().outOfOrderDropped.increment();
            LOG.warn("dropping out-of-order item {} on channel {}: {}", item.id(), item.channel(),
                    state.pending.containsKey(item.prevId()) ? "another item already waits for prev-id " + item.prevId()
                            : MAX_PENDING + " items already wait");
            return;
        }
        pubsub.counters().outOfOrderHeld.increment();
        ScheduledFuture<?> timer = thread.schedule(() -> onWaitOver(item), messageWaitMillis, TimeUnit.MILLISECONDS);
        state.pending.put(item.prevId(), new Pending(item, timer));
    }

    /** The predecessor never came: deliver anyway, so subscribers see a gap and can recover. */
    private void onWaitOver(PublishItem item) {
        ChannelState state = states.get(item.channel());
        if (state == null || state.pending == null) {
            return;
        }
        Pending p = state.pending.get(item.prevId());
        if (p != null && p.item() == item) {
            state.pending.remove(item.prevId());
            LOG.debug("releasing item {} on channel {} after message_wait", item.id(), item.channel());
            List<PublishItem> ready = new ArrayList<>();
            deliver(state, item, ready);
            pubsub.fanOut(ready);
        }
    }

    private void deliver(ChannelState state, PublishItem item, List<PublishItem> ready) {
        PublishItem next = item;
        while (next != null) {
            if (next.id() != null) {
                state.lastId = next.id();
            }
            history.add(next, System.nanoTime());
            ready.add(next);
            next = releaseWaiting(state);
        }
    }

    private PublishItem releaseWaiting(ChannelState state) {
        if (state.pending == null || state.lastId == null) {
            return null;
        }
        Pending p = state.pending.remove(state.lastId);
        if (p == null) {
            return null;
        }
        p.timer().cancel(false);
        return p.item();
    }

    /**
     * Asks for the items after {@code lastId} on a channel with history; the answer runs on
     * {@code loop} after every item already published has been handed to the loops, so a subscriber
     * that subscribed first and ignores live items until the answer sees each item exactly once.
     */
    @Override
    public void replay(String channel, String lastId, EventLoop loop, Consumer<ChannelHistory.Replay> callback) {
        thread.execute(() -> {
            ChannelHistory.Replay replay = history.after(channel, lastId, System.nanoTime());
            loop.execute(() -> callback.accept(replay));
        });
    }

    @Override
    public java.util.concurrent.CompletableFuture<List<PublishItem>> history(String channel) {
        return java.util.concurrent.CompletableFuture.supplyAsync(() -> history.all(channel, System.nanoTime()), thread);
    }

    /** Whether a channel keeps history (decides if a resume is possible at all). */
    @Override
    public boolean historyEnabled(String channel) {
        return history.enabledFor(channel);
    }

    /** The channel's last delivered id, answered on {@code loop}. */
    @Override
    public void lastId(String channel, EventLoop loop, Consumer<String> callback) {
        thread.execute(() -> {
            ChannelState state = states.get(channel);
            String id = state == null ? null : state.lastId;
            loop.execute(() -> callback.accept(id));
        });
    }

    /** The recover command (spec 4): forget every channel's last id, and every hold asks its origin again. */
    @Override
    public void recover() {
        thread.execute(() -> states.values().forEach(s -> s.lastId = null));
        pubsub.recoverSubscribers();
    }

    private void sweep() {
        long now = System.nanoTime();
        history.sweep(now);
        states.values().removeIf(s -> {
            if (s.seen != null) {
                expireSeen(s.seen, now);
            }
            return s.lastId == null && (s.pending == null || s.pending.isEmpty()) && (s.seen == null || s.seen.isEmpty());
        });
    }

    @Override
    public void close() {
        sweeper.cancel(false);
        thread.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
