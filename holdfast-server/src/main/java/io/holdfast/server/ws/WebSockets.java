package io.holdfast.server.ws;

import io.holdfast.server.proxy.ClientConnection;
import io.holdfast.server.proxy.Exchange;
import io.holdfast.server.proxy.RequestContext;
import io.holdfast.server.proxy.WebSocketStarter;
import io.holdfast.server.pubsub.PubSub;
import io.holdfast.server.route.Target;

/**
 * Chooses how a client WebSocket reaches its origin (spec 2): as WebSocket-over-HTTP POSTs for an
 * {@code over_http} target, or as a passthrough WebSocket to an origin that speaks it. A malformed
 * handshake is refused here, before any origin hears of it.
 */
public final class WebSockets implements WebSocketStarter {
    private final PubSub pubsub;

    public WebSockets(PubSub pubsub) {
        this.pubsub = pubsub;
    }

    @Override
    public Exchange start(ClientConnection connection, RequestContext request, Target target) {
        if (!HandshakeCheck.passes(connection, request.request())) {
            return null;
        }
        if (target.overHttp()) {
            OverHttpSession session = new OverHttpSession(connection, request, pubsub);
            session.start();
            return session;
        }
        PassthroughSession session = new PassthroughSession(connection, request, pubsub);
        session.start();
        return session;
    }
}
