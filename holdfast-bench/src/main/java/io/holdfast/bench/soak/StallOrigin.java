package io.holdfast.bench.soak;

import io.holdfast.bench.Net;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.LongAdder;

/**
 * An origin that stalls: it accepts connections, reads and discards whatever the proxy sends, and
 * never answers. The proxy must time such requests out on its own and keep serving everyone else.
 */
final class StallOrigin implements AutoCloseable {

    final LongAdder accepted = new LongAdder();
    private final Channel server;

    StallOrigin(Net net, EventLoopGroup group, int port) {
        this.server = new ServerBootstrap()
                .group(group)
                .channel(net.serverChannel())
                .childHandler(new Discard())
                .bind(new InetSocketAddress("127.0.0.1", port))
                .syncUninterruptibly()
                .channel();
    }

    @ChannelHandler.Sharable
    private final class Discard extends ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            accepted.increment();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ((ByteBuf) msg).release();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
    }
}
