package io.holdfast.server.ws;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.compression.DecompressionException;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client side of an accepted WebSocket (RFC 6455): whole messages (fragments already joined) go
 * to the {@link Listener}, pings are answered at once, and protocol errors end the connection with
 * the right close code (1002 malformed or an invalid close code, 1007 bad UTF-8 in a text message or a
 * close reason, 1009 too large).
 */
public final class ClientWebSocket extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(ClientWebSocket.class);

    /** Receives what the client sends. All calls happen on the connection's event loop. */
    public interface Listener {
        /** A complete text or binary message; the listener owns (and releases) it. */
        void onClientMessage(WebSocketFrame message);

        /** The client started the close handshake. */
        void onClientClose(int code, String reason);
    }

    private final long connectionId;
    private final Listener listener;
    private ChannelHandlerContext ctx;
    private boolean closeSent;

    ClientWebSocket(long connectionId, Listener listener) {
        this.connectionId = connectionId;
        this.listener = listener;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    public Channel channel() {
        return ctx.channel();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof WebSocketFrame frame)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (frame instanceof PingWebSocketFrame) {
            ctx.writeAndFlush(new PongWebSocketFrame(frame.content()));
        } else if (frame instanceof PongWebSocketFrame) {
            frame.release();
        } else if (frame instanceof CloseWebSocketFrame close) {
            onClose(close);
        } else {
            listener.onClientMessage(frame);
        }
    }

    /**
     * The client's close frame. An invalid code (RFC 6455 §7.4) is answered with 1002 and a reason that
     * is not UTF-8 (§5.5.1) with 1007, and neither reaches the listener: the session sees a client that
     * went away, so the bad code is never relayed to the origin.
     */
    private void onClose(CloseWebSocketFrame close) {
        int code;
        String reason;
        boolean utf8;
        try {
            ByteBuf payload = close.content();
            code = close.statusCode();
            utf8 = payload.readableBytes() <= 2
                    || ByteBufUtil.isText(payload, payload.readerIndex() + 2, payload.readableBytes() - 2, StandardCharsets.UTF_8);
            reason = utf8 ? close.reasonText() : null;
        } finally {
            close.release();
        }
        if (code >= 0 && !CloseCodes.isValid(code)) {
            protocolError(WebSocketCloseStatus.PROTOCOL_ERROR.code(), "invalid close code " + code);
        } else if (!utf8) {
            protocolError(WebSocketCloseStatus.INVALID_PAYLOAD_DATA.code(), "close reason is not UTF-8");
        } else {
            listener.onClientClose(code < 0 ? WebSocketCloseStatus.EMPTY.code() : code, reason);
        }
    }

    private void protocolError(int code, String why) {
        LOG.info("conn={} WebSocket protocol error: {}; closing with {}", connectionId, why, code);
        close(code, why);
    }

    /** Writes a frame without flushing. */
    public void send(WebSocketFrame frame) {
        if (closeSent) {
            frame.release();
            return;
        }
        ctx.write(frame, ctx.voidPromise());
    }

    public void flush() {
        ctx.flush();
    }

    /**
     * Sends a close frame (once) and closes the connection once it is written. 1005 sends a close frame
     * without a code; a code that may not be sent (RFC 6455 §7.4) becomes 1011, and a reason is cut to
     * the 123 bytes a close frame can carry.
     */
    public void close(int code, String reason) {
        if (closeSent) {
            return;
        }
        closeSent = true;
        CloseWebSocketFrame frame;
        if (code == WebSocketCloseStatus.EMPTY.code()) {
            frame = new CloseWebSocketFrame();
        } else if (CloseCodes.isValid(code)) {
            frame = new CloseWebSocketFrame(code, CloseCodes.fit(reason));
        } else {
            LOG.debug("conn={} close code {} may not be sent; sending 1011", connectionId, code);
            frame = new CloseWebSocketFrame(WebSocketCloseStatus.INTERNAL_SERVER_ERROR.code(), "");
        }
        ctx.writeAndFlush(frame).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!ctx.channel().isOpen()) {
            return; // queued writes failing after the close, which was logged once (issue 10, defect 7)
        }
        if (cause instanceof TooLongFrameException || cause instanceof DecompressionException) {
            // A DecompressionException is a permessage-deflate message inflating past the limit.
            LOG.info("conn={} WebSocket message too large: {}", connectionId, cause.getMessage());
            close(WebSocketCloseStatus.MESSAGE_TOO_BIG.code(), "message too large");
        } else if (cause instanceof CorruptedWebSocketFrameException corrupt) {
            // Netty's decoder and UTF-8 validator leave the close frame to us (WebSocketAccept).
            WebSocketCloseStatus status = corrupt.closeStatus();
            protocolError(status == null ? WebSocketCloseStatus.PROTOCOL_ERROR.code() : status.code(),
                    String.valueOf(cause.getMessage()));
        } else {
            LOG.info("conn={} WebSocket error: {}", connectionId, cause.toString());
            ctx.close();
        }
    }
}
