package io.holdfast.server.publish;

import io.holdfast.grip.GripLimits;
import io.holdfast.server.config.HandlerSettings;
import io.holdfast.server.pubsub.PubSub;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.ZMQ;

/**
 * The SUB socket's topics (spec 3.4), kept in line with the channels that have a subscriber here.
 * A channel whose last subscriber left stays subscribed for {@code subscription_linger} (Pushpin's
 * default 60 s): long-poll clients come straight back, and an XPUB publisher should not see
 * {@code \x00channel} and {@code \x01channel} for every poll. One second after a topic is newly
 * subscribed, the held requests on it ask their origin again ({@code update_on_first_subscription},
 * Pushpin 1.41), which covers what was published before the subscription reached the publisher.
 *
 * <p>A channel longer than {@link GripLimits#MAX_CHANNEL_BYTES} never becomes a topic (logged and
 * counted): every input checks names, but one can also be built after them (a route prefix), and
 * JeroMQ's topic trie recurses once per byte, so a 7,000-byte topic overflows the thread's stack.
 *
 * <p>Used on the ZeroMQ thread only; times are {@link System#nanoTime()}.
 */
final class ZmqSubTopics {
    private static final Logger LOG = LoggerFactory.getLogger(ZmqSubTopics.class);

    private final ZMQ.Socket sub;
    private final PubSub pubsub;
    private final HandlerSettings handler;
    private final Set<String> subscribed = new HashSet<>();
    /** Subscribed topics nobody here wants any more, and when to drop them. */
    private final Map<String, Long> lingering = new HashMap<>();
    /** Topics just subscribed, and when to update the held requests on them. */
    private final Map<String, Long> firstSubscriptions = new HashMap<>();

    private final LongAdder refused;

    /** @param refused counts channels left out for their length */
    ZmqSubTopics(ZMQ.Socket sub, PubSub pubsub, HandlerSettings handler, LongAdder refused) {
        this.sub = sub;
        this.pubsub = pubsub;
        this.handler = handler;
        this.refused = refused;
    }

    /** A channel's interest may have changed: subscribe, or start its linger. */
    void changed(String channel, long now) {
        if (pubsub.hasSubscribers(channel)) {
            lingering.remove(channel);
            if (!subscribed.contains(channel)) {
                String problem = GripLimits.channelProblem(channel);
                if (problem != null) {
                    refused.increment();
                    LOG.warn("ZeroMQ SUB: not subscribing \"{}\": {}", GripLimits.printable(channel), problem);
                    return;
                }
                sub.subscribe(channel.getBytes(StandardCharsets.UTF_8));
                subscribed.add(channel);
                LOG.debug("ZeroMQ SUB: subscribed to {}", channel);
                if (handler.updateOnFirstSubscription()) {
                    firstSubscriptions.put(channel, now + HandlerSettings.FIRST_SUBSCRIPTION_DELAY.toNanos());
                }
            }
        } else if (subscribed.contains(channel)) {
            long linger = handler.subscriptionLinger().toNanos();
            if (linger == 0) {
                unsubscribe(channel);
            } else {
                lingering.putIfAbsent(channel, now + linger);
            }
        }
    }

    private void unsubscribe(String channel) {
        subscribed.remove(channel);
        firstSubscriptions.remove(channel);
        sub.unsubscribe(channel.getBytes(StandardCharsets.UTF_8));
        LOG.debug("ZeroMQ SUB: unsubscribed from {}", channel);
    }

    /** Runs what is due; returns the nanos until the next due time, or {@link Long#MAX_VALUE}. */
    long run(long now) {
        long next = Long.MAX_VALUE;
        for (Iterator<Map.Entry<String, Long>> it = lingering.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Long> e = it.next();
            if (e.getValue() - now <= 0) {
                it.remove();
                if (!pubsub.hasSubscribers(e.getKey())) {
                    unsubscribe(e.getKey());
                }
            } else {
                next = Math.min(next, e.getValue() - now);
            }
        }
        for (Iterator<Map.Entry<String, Long>> it = firstSubscriptions.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Long> e = it.next();
            if (e.getValue() - now <= 0) {
                it.remove();
                pubsub.updateChannel(e.getKey());
            } else {
                next = Math.min(next, e.getValue() - now);
            }
        }
        return next;
    }
}
