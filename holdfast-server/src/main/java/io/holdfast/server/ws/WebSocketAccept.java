package io.holdfast.server.ws;

import io.holdfast.server.listen.HandlerNames;
import io.holdfast.server.proxy.ClientConnection;
import io.holdfast.server.proxy.RequestContext;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.compression.ZlibCodecFactory;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker13;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionData;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionUtil;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtension;
import io.netty.handler.codec.http.websocketx.extensions.compression.PerMessageDeflateServerExtensionHandshaker;

/**
 * Completes a client's WebSocket handshake once the origin (or a local target) has accepted it, and
 * switches the connection's pipeline from HTTP to frames. The {@link ClientConnection} stays last in
 * the pipeline as the owner of the connection's lifecycle; frames stop at the {@link ClientWebSocket}.
 */
public final class WebSocketAccept {
    static final String AGGREGATOR = "ws-aggregate";
    static final String SOCKET = "ws";
    /** Netty's default compression level for permessage-deflate. */
    private static final int DEFLATE_LEVEL = 6;

    private WebSocketAccept() {}

    /** True for a request asking to upgrade to a WebSocket (RFC 6455 §4.2.1). */
    public static boolean isUpgrade(HttpRequest req) {
        return req.method().equals(HttpMethod.GET)
                && req.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)
                && req.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true);
    }

    /**
     * Sends the 101 (with {@code responseHeaders}, e.g. the origin's {@code Set-Cookie} and chosen
     * subprotocol) and installs the frame handlers. The request must have passed {@link HandshakeCheck}.
     */
    public static ClientWebSocket accept(ClientConnection connection, RequestContext request, HttpHeaders responseHeaders,
                                         String subprotocol, ClientWebSocket.Listener listener) {
        HttpRequest req = request.request();
        int maxMessage = connection.services().config().webSocketMaxMessageSize();
        boolean compression = connection.services().config().allowCompression();
        WebSocketDecoderConfig decoder = WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(maxMessage)
                .allowExtensions(compression)
                // ClientWebSocket sends the close frame itself: Netty's decoder, once it has read a close
                // frame (even one with an invalid code), only drops the connection (RFC 6455 §7.4 wants 1002).
                .closeOnProtocolViolation(false)
                .withUTF8Validator(true)
                .build();
        String url = "ws://" + (request.host().isEmpty() ? "localhost" : request.host()) + request.pathAndQuery();
        // HandshakeCheck let only version 13 with a well-formed key come this far.
        WebSocketServerHandshaker handshaker = new WebSocketServerHandshaker13(url, subprotocol, decoder);
        ChannelPipeline p = connection.channel().pipeline();
        ClientWebSocket socket = new ClientWebSocket(connection.id(), listener);
        p.addBefore(HandlerNames.CLIENT, AGGREGATOR, new WebSocketFrameAggregator(maxMessage));
        p.addBefore(HandlerNames.CLIENT, SOCKET, socket);
        WebSocketServerExtension deflate = compression ? negotiateDeflate(req, maxMessage) : null;
        if (deflate != null) {
            responseHeaders = responseHeaders.copy().set(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS,
                    format(deflate.newReponseData()));
            p.addBefore(AGGREGATOR, "ws-inflate", deflate.newExtensionDecoder());
            p.addBefore(AGGREGATOR, "ws-deflate", deflate.newExtensionEncoder());
        }
        // Text is checked after inflation; invalid UTF-8 closes with 1007 (RFC 6455 §8.1).
        p.addBefore(AGGREGATOR, "ws-utf8", new Utf8FrameValidator(false));
        FullHttpRequest full = headOnly(req);
        handshaker.handshake(connection.channel(), full, responseHeaders, connection.channel().newPromise());
        return socket;
    }

    /**
     * permessage-deflate (RFC 7692), when the client offered it and {@code allow_compression} is on.
     * A frame may inflate to at most {@code maxMessage} bytes, so the size limit holds for compressed
     * messages too (Netty's default has no bound).
     */
    private static WebSocketServerExtension negotiateDeflate(HttpRequest req, int maxMessage) {
        String offered = req.headers().get(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS);
        if (offered == null) {
            return null;
        }
        PerMessageDeflateServerExtensionHandshaker handshaker = new PerMessageDeflateServerExtensionHandshaker(
                DEFLATE_LEVEL, ZlibCodecFactory.isSupportingWindowSizeAndMemLevel(), PerMessageDeflateServerExtensionHandshaker.MAX_WINDOW_SIZE, false, false,
                maxMessage);
        for (WebSocketExtensionData data : WebSocketExtensionUtil.extractExtensions(offered)) {
            WebSocketServerExtension extension = handshaker.handshakeExtension(data);
            if (extension != null) {
                return extension;
            }
        }
        return null;
    }

    private static String format(WebSocketExtensionData data) {
        StringBuilder sb = new StringBuilder(data.name());
        data.parameters().forEach((k, v) -> {
            sb.append("; ").append(k);
            if (v != null) {
                sb.append('=').append(v);
            }
        });
        return sb.toString();
    }

    private static FullHttpRequest headOnly(HttpRequest req) {
        return new DefaultFullHttpRequest(req.protocolVersion(), req.method(), req.uri(), Unpooled.EMPTY_BUFFER,
                req.headers().copy(), EmptyHttpHeaders.INSTANCE);
    }
}
