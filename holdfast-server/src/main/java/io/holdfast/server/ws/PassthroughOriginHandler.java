package io.holdfast.server.ws;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * The last handler of a passthrough WebSocket's origin connection: hands the handshake response,
 * whole messages (fragments joined by a {@code WebSocketFrameAggregator}), writability and the end of
 * the connection to its {@link PassthroughSession}, naming the channel so the session can ignore a
 * connection it has already given up.
 */
final class PassthroughOriginHandler extends ChannelInboundHandlerAdapter {
    static final String NAME = "passthrough";
    static final String FRAGMENTS = "ws-fragments";
    static final String AGGREGATOR = "ws-aggregate";

    private final PassthroughSession session;
    /** Whether the data message being joined now came in more than one frame (spec 2.1: such a c: is ignored). */
    private boolean fragmented;

    PassthroughOriginHandler(PassthroughSession session) {
        this.session = session;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof FullHttpResponse response) {
            session.onOriginHandshake(ctx.channel(), response);
        } else if (msg instanceof WebSocketFrame frame) {
            session.onOriginFrame(ctx.channel(), frame, fragmented);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        session.onOriginWritabilityChanged(ctx.channel(), ctx.channel().isWritable());
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        session.onOriginClosed(ctx.channel());
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        session.onOriginError(ctx.channel(), cause);
    }

    /** A new marker, placed before the aggregator, that notes whether each data message was fragmented. */
    FragmentMarker newFragmentMarker() {
        return new FragmentMarker();
    }

    /** Sees the first frame of each text or binary message before the aggregator joins the rest to it. */
    final class FragmentMarker extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof TextWebSocketFrame || msg instanceof BinaryWebSocketFrame) {
                fragmented = !((WebSocketFrame) msg).isFinalFragment();
            }
            ctx.fireChannelRead(msg);
        }
    }
}
