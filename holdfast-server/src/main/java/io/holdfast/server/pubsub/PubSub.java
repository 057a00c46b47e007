package io.holdfast.server.pubsub;

import io.holdfast.grip.publish.PublishItem;
import io.holdfast.server.stats.Counters;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The channel broker. Subscriptions are sharded per event loop (design §4): a subscriber registers
 * in its own loop's {@link Shard}, and a publish prepares each item once as a {@link Message} and
 * hands it to every loop, which writes it to its local subscribers and flushes them in one batch.
 * Each loop runs hand-offs in submission order, so every subscriber sees a channel's items in
 * publish order.
 */
public final class PubSub {
    private final Map<EventExecutor, Shard> shards = new IdentityHashMap<>();
    private final Shard[] shardList;
    private final Counters counters;

    public PubSub(EventLoopGroup group, Counters counters) {
        this.counters = counters;
        for (EventExecutor executor : group) {
            shards.put(executor, new Shard((EventLoop) executor));
        }
        this.shardList = shards.values().toArray(new Shard[0]);
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

    /** Publishes items, already validated, to every subscriber of their channels. Any thread. */
    public void publish(List<PublishItem> items) {
        for (PublishItem item : items) {
            counters.itemsPublished.increment();
            Message message = new Message(item, item.channel());
            for (Shard shard : shardList) {
                message.retain();
                shard.loop().execute(() -> {
                    try {
                        counters.deliveries.add(shard.deliver(message));
                    } finally {
                        message.release();
                    }
                });
            }
            message.release();
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
}
