package io.holdfast.server.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * The last handler of an origin connection: passes events to the {@link OriginListener} using the
 * connection, if any. A pooled connection that receives data nobody asked for, or that stays idle
 * past {@code origin_idle_timeout}, is closed.
 */
public final class OriginChannelHandler extends ChannelInboundHandlerAdapter {
    private OriginListener exchange;

    public void attach(OriginListener exchange) {
        this.exchange = exchange;
    }

    public void detach() {
        this.exchange = null;
    }

    /** Closes an origin connection without telling its current user (who is giving it up). */
    public static void closeDetached(Channel ch) {
        OriginChannelHandler handler = ch.pipeline().get(OriginChannelHandler.class);
        if (handler != null) {
            handler.detach();
        }
        ch.close();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (exchange != null) {
            exchange.onOriginRead(msg);
        } else {
            ReferenceCountUtil.release(msg);
            ctx.close();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.onOriginReadComplete();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.onOriginWritabilityChanged();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent && exchange == null) {
            ctx.close();
        }
        ReferenceCountUtil.release(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        OriginListener e = exchange;
        exchange = null;
        if (e != null) {
            e.onOriginClosed(null);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        OriginListener e = exchange;
        exchange = null;
        ctx.close();
        if (e != null) {
            e.onOriginClosed(cause);
        }
    }
}
