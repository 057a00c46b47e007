package io.holdfast.server.ws;

import io.holdfast.server.proxy.ClientConnection;
import io.holdfast.server.proxy.RequestContext;
import io.holdfast.server.pubsub.PubSub;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;

/** A client WebSocket relayed to an origin that speaks WebSocket itself (spec 2.1). Work in progress. */
final class PassthroughSession extends WsSession {

    PassthroughSession(ClientConnection connection, RequestContext request, PubSub pubsub) {
        super(connection, request, pubsub);
    }

    void start() {
        connection.respondText(io.netty.handler.codec.http.HttpResponseStatus.BAD_GATEWAY, "passthrough WebSocket not available yet", false);
    }

    @Override
    public void onClientMessage(WebSocketFrame message) {
        message.release();
    }

    @Override
    public void onClientClose(int code, String reason) {
        closeClient(code, reason, "client closed");
    }

    @Override
    protected void onEnd() {
    }
}
