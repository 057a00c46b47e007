package io.holdfast.server.ws;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client side of an accepted WebSocket (RFC 6455): whole messages (fragments already joined) go
 * to the {@link Listener}, pings are answered at once, and protocol errors end the connection with
 * the right close code (1002 malformed, 1007 bad UTF-8 via Netty's validator, 1009 too large).
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
            int code = close.statusCode();
            String reason = close.reasonText();
            close.release();
            listener.onClientClose(code < 0 ? WebSocketCloseStatus.EMPTY.code() : code, reason);
        } else {
            listener.onClientMessage(frame);
        }
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

    /** Sends a close frame (once) and closes the connection once it is written. */
    public void close(int code, String reason) {
        if (closeSent) {
            return;
        }
        closeSent = true;
        CloseWebSocketFrame frame = code == WebSocketCloseStatus.EMPTY.code()
                ? new CloseWebSocketFrame() : new CloseWebSocketFrame(code, reason == null ? "" : reason);
        ctx.writeAndFlush(frame).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!ctx.channel().isOpen()) {
            return; // queued writes failing after the close, which was logged once (issue 10, defect 7)
        }
        if (cause instanceof TooLongFrameException) {
            LOG.info("conn={} WebSocket message too large: {}", connectionId, cause.getMessage());
            close(WebSocketCloseStatus.MESSAGE_TOO_BIG.code(), "message too large");
        } else if (cause instanceof CorruptedWebSocketFrameException) {
            // Netty's decoder has already sent the close frame (1002 or 1007) and is closing.
            LOG.info("conn={} WebSocket protocol error: {}", connectionId, cause.getMessage());
            closeSent = true;
            ctx.close();
        } else {
            LOG.info("conn={} WebSocket error: {}", connectionId, cause.toString());
            ctx.close();
        }
    }
}
