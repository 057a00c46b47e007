package io.holdfast.server.pubsub;

import io.holdfast.grip.publish.PublishItem;
import io.netty.channel.EventLoop;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The bus every publish goes through before fan-out: it de-duplicates ({@code id_cache_ttl}), orders
 * {@code prev-id} chains, keeps channel history for resume, and decides which node's subscribers see
 * an item. {@link LocalSequencer} does this in one process; the cluster package's Redis bus does it
 * for many nodes at once. {@link PubSub} and the subscriber side only ever see this interface, so the
 * single-node path is unchanged when no cluster is configured.
 */
public interface PublishSequencer extends AutoCloseable {
    /** Shared by the buses whose publish cannot fail once queued. */
    CompletableFuture<Void> ACCEPTED = CompletableFuture.completedFuture(null);

    /**
     * Accepts validated items for sequencing and fan-out, in order. Any thread, never blocks. The
     * result completes when the items are taken (queued here, or stored by Redis), and completes
     * exceptionally when they were not, so the publisher is answered with an error instead of 200.
     */
    CompletableFuture<Void> publish(List<PublishItem> items);

    /**
     * Asks for the items after {@code lastId} on a channel with history; the answer runs on
     * {@code loop} after every live item it covers has been handed to the loops, so a subscriber
     * that subscribed first and ignores live items until the answer sees each item exactly once.
     */
    void replay(String channel, String lastId, EventLoop loop, Consumer<ChannelHistory.Replay> callback);

    /**
     * The items a channel's history holds now, oldest first (admin API); any thread. A sequencer that
     * cannot list them answers with a failed future.
     */
    default java.util.concurrent.CompletableFuture<java.util.List<io.holdfast.grip.publish.PublishItem>> history(
            String channel) {
        return java.util.concurrent.CompletableFuture.failedFuture(
                new UnsupportedOperationException("this node's sequencer cannot list history"));
    }

    /** Whether a channel keeps history (decides if a resume is possible at all). */
    boolean historyEnabled(String channel);

    /** The channel's last delivered id (null if none known), answered on {@code loop}. */
    void lastId(String channel, EventLoop loop, Consumer<String> callback);

    /**
     * The recover command (spec 4) arrived here: forget the channels' last ids and have every held
     * request ask its origin again, on every node the bus reaches.
     */
    void recover();

    /** Counters of the bus for {@code GET /stats} (the Redis bus reports refused publishes, gaps, resets). */
    default java.util.Map<String, Long> stats() {
        return java.util.Map.of();
    }

    @Override
    void close();
}
