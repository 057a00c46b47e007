package io.holdfast.server.proxy;

import io.netty.handler.codec.http.HttpContent;

/**
 * Whatever currently answers a client's request: an origin round trip, a held GRIP connection, the
 * built-in test target. The {@link ClientConnection} feeds it the rest of the request and tells it
 * about the client's socket; the exchange writes the response and calls
 * {@link ClientConnection#completeExchange} when done. All calls happen on the client's event loop.
 */
public interface Exchange {

    /** More of the request body; the exchange owns (and must release) the content. */
    void onRequestContent(HttpContent content);

    /** The client socket's writability changed: pause or resume whatever produces the response. */
    void onClientWritabilityChanged(boolean writable);

    /** The client went away before the exchange completed; release everything. */
    void onClientClosed();

    /** The server is shutting down; an exchange that can end early (a held stream) should. */
    default void onDrain() {}
}
