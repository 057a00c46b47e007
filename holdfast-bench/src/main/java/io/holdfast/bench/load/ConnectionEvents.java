package io.holdfast.bench.load;

/**
 * What a subscriber connection reports back to whoever opened it. Called on the connection's event
 * loop.
 */
public interface ConnectionEvents {

    /** The proxy answered with a usable response head (SSE 200, WebSocket 101). */
    void onOpen(Subscriber s);

    /** The connection failed before it opened, or the proxy refused it. */
    void onFailed(Subscriber s, String reason);

    /** An open connection ended (the proxy closed it, or the bench did). */
    void onClosed(Subscriber s, String why);

    /** Where received payloads go; may change between phases. */
    Payload.Sink sink();
}
