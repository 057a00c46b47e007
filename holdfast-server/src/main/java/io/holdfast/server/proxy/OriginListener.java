package io.holdfast.server.proxy;

/**
 * Receives the events of an origin connection while it is in use: by a proxied request
 * ({@link OriginExchange}) or by a WebSocket-over-HTTP session. Called on the connection's loop.
 */
public interface OriginListener {
    /** An {@code HttpResponse} or {@code HttpContent} from the origin; the listener owns it. */
    void onOriginRead(Object msg);

    void onOriginReadComplete();

    void onOriginWritabilityChanged();

    /** The connection closed or failed ({@code cause} null for a plain close). */
    void onOriginClosed(Throwable cause);
}
