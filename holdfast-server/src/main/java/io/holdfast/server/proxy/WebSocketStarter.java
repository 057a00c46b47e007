package io.holdfast.server.proxy;

import io.holdfast.server.route.Target;

/**
 * Where a client's WebSocket upgrade request goes once routed to an origin target: a
 * WebSocket-over-HTTP session for {@code over_http} targets, a passthrough WebSocket otherwise.
 */
public interface WebSocketStarter {

    /** Starts the session; returns the exchange that now owns the client connection. */
    Exchange start(ClientConnection connection, RequestContext request, Target target);
}
