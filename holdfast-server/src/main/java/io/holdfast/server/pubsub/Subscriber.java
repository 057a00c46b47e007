package io.holdfast.server.pubsub;

import io.netty.channel.EventLoop;

/**
 * Something subscribed to channels: a held HTTP request or stream, later a WebSocket. It lives on
 * one event loop, and {@link PubSub} only ever calls it there, so it needs no synchronisation.
 */
public interface Subscriber {

    /** The loop that owns this subscriber's connection. */
    EventLoop loop();

    /** Writes the message (without flushing). The subscriber does not own {@code message}. */
    void deliver(Message message);

    /** Flushes what {@link #deliver} wrote; called once per batch. */
    void flush();

    /**
     * The recover command (spec 4): ask the origin again (long-polls retry, streams fetch their next
     * link). Subscribers without an origin to ask ignore it.
     */
    default void recover() {
    }

    /** What kind of connection this is, for metrics and the admin API. */
    default io.holdfast.server.stats.SessionKind kind() {
        return io.holdfast.server.stats.SessionKind.OTHER;
    }

    /** Its channels and meta, for the admin API; null when it has none to show. */
    default Subscriptions subscriptions() {
        return null;
    }

    /** Closes the client connection (admin API); on this subscriber's loop. */
    default void disconnect() {
    }

    /**
     * {@link #deliver} or {@link #flush} threw ({@link Shard} has counted it, and goes on with the
     * other subscribers): the output may be half written, so the subscriber ends itself, closing its
     * connection and logging one line that names it. Not called again once it has ended.
     */
    default void deliveryFailed(Throwable cause) {
        org.slf4j.LoggerFactory.getLogger(Subscriber.class).warn("{}: delivery failed: {}", describe(), cause.toString());
    }

    /** Names the subscriber in a log line (connection id and peer). */
    default String describe() {
        return toString();
    }

    /**
     * How this subscriber appears in Pushpin's stats {@code sub} packets: {@code response} (long-poll),
     * {@code stream} (HTTP stream, SSE) or {@code ws}.
     */
    default String statsMode() {
        return "stream";
    }
}
