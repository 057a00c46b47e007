package io.holdfast.server.ws;

import io.holdfast.server.proxy.ClientConnection;
import io.holdfast.server.proxy.RequestContext;
import io.holdfast.server.pubsub.PubSub;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.List;

/**
 * The built-in test target's WebSocket ({@code /test/websocket}, as in Fastly's Fanout starter kits,
 * and Pushpin's {@code /ws}): echoes every message back and is subscribed to its channels, so a
 * {@code ws-message} publish to {@code test} reaches it.
 */
public final class TestWebSocketSession extends WsSession {

    private TestWebSocketSession(ClientConnection connection, RequestContext request, PubSub pubsub) {
        super(connection, request, pubsub);
    }

    /** Accepts the client's handshake at once; returns null if the handshake was refused (and answered). */
    public static TestWebSocketSession accept(ClientConnection connection, RequestContext request, PubSub pubsub,
                                              List<String> channels) {
        if (!HandshakeCheck.passes(connection, request.request())) {
            return null;
        }
        TestWebSocketSession session = new TestWebSocketSession(connection, request, pubsub);
        session.socket = WebSocketAccept.accept(connection, request, EmptyHttpHeaders.INSTANCE, null, session);
        session.onAccepted(request.route().targets().get(0));
        channels.forEach(session::subscribe);
        return session;
    }

    @Override
    public void onClientMessage(WebSocketFrame message) {
        countClientMessage();
        sendToClient(message);
    }

    @Override
    public void onClientClose(int code, String reason) {
        closeClient(code, reason, "client closed");
    }

    @Override
    protected void onEnd() {
    }
}
