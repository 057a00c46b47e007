package io.holdfast.example.qaboard;

/**
 * What the board needs from one client WebSocket while it handles one WebSocket-over-HTTP request:
 * read the meta Holdfast replays, bind new meta, queue messages for this socket, and change its
 * subscriptions. {@link WsEndpoint} backs it with the library's {@code WebSocketContext}; tests use a
 * recording fake, so the board's rules are tested without HTTP.
 */
interface Connection {

    /** Holdfast's {@code Connection-Id}: stable for the socket's life, new after a reconnect. */
    String id();

    /** A meta value bound earlier with {@link #setMeta}, or null. */
    String meta(String name);

    /** Binds meta (Holdfast sends it back as {@code Meta-<name>} on every later request); null unbinds. */
    void setMeta(String name, String value);

    /** Queues a text message for this socket only, in the response. */
    void send(String text);

    void subscribe(String channel);

    void unsubscribe(String channel);
}
