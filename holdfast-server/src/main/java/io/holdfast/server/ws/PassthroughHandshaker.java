package io.holdfast.server.ws;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker13;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import java.net.URI;

/**
 * Netty's RFC 6455 client handshake, sending the client's own request instead of one made up from a
 * URL: the request target exactly as the client sent it (after route rewriting, which a
 * {@link URI} could reject or re-encode) and the client's headers as processed for the origin (spec
 * 1.1, 2.1). Netty still makes the key, checks the {@code Sec-WebSocket-Accept} answer and installs
 * the frame codec.
 */
final class PassthroughHandshaker extends WebSocketClientHandshaker13 {
    /** Netty's wait for the peer's close reply; we close the origin ourselves, so it rarely matters. */
    private static final long FORCE_CLOSE_MILLIS = 10_000;

    private final String requestTarget;
    private final HttpHeaders headers;

    /**
     * @param server        {@code ws://host:port/} of the target; only its host is ever used by Netty
     * @param requestTarget the origin-form path and query to ask for
     * @param headers       the request headers, without any {@code Sec-WebSocket-Key/Version}
     */
    PassthroughHandshaker(URI server, String requestTarget, HttpHeaders headers, int maxFramePayload) {
        // No expected subprotocol: the session checks the origin's choice itself (Netty would refuse
        // an origin that picks none of the offered ones, which RFC 6455 clients are free to accept).
        super(server, WebSocketVersion.V13, null, false, null, maxFramePayload, true, false, FORCE_CLOSE_MILLIS);
        this.requestTarget = requestTarget;
        this.headers = headers;
    }

    /**
     * Netty's decoder, except that a protocol error (an invalid close code, a close reason that is not
     * UTF-8, a frame over the limit) is left to the session to answer: Netty's own answer, once it has
     * read a close frame, is to drop the connection without one.
     */
    @Override
    protected WebSocketFrameDecoder newWebsocketDecoder() {
        return new WebSocket13FrameDecoder(WebSocketDecoderConfig.newBuilder()
                .expectMaskedFrames(false)
                .allowMaskMismatch(false)
                .allowExtensions(false)
                .maxFramePayloadLength(maxFramePayloadLength())
                .closeOnProtocolViolation(false)
                .build());
    }

    @Override
    protected FullHttpRequest newHandshakeRequest() {
        FullHttpRequest request = super.newHandshakeRequest();
        String key = request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_KEY);
        request.setUri(requestTarget);
        request.headers().clear()
                .add(headers)
                .set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE)
                .set(HttpHeaderNames.SEC_WEBSOCKET_KEY, key)
                .set(HttpHeaderNames.SEC_WEBSOCKET_VERSION, "13");
        return request;
    }
}
