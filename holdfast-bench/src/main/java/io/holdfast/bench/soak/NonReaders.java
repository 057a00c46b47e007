package io.holdfast.bench.soak;

import io.holdfast.bench.Net;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * Subscribers that never read: each opens an SSE subscription through the proxy with auto-read off and
 * a small receive buffer, so whatever the proxy sends piles up in its own queues. The proxy must cut
 * them off (one log line and one count each) before they hurt anyone else. {@link #refresh()} replaces
 * the whole set, so a long soak keeps producing slow subscribers.
 */
final class NonReaders {

    final LongAdder opened = new LongAdder();
    final LongAdder connectFailures = new LongAdder();
    private final Net net;
    private final EventLoopGroup group;
    private final InetSocketAddress proxy;
    private final byte[] request;
    private final int count;
    private final List<Channel> channels = new ArrayList<>();

    NonReaders(Net net, EventLoopGroup group, InetSocketAddress proxy, String path, int count) {
        this.net = net;
        this.group = group;
        this.proxy = proxy;
        this.count = count;
        this.request = ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
                + "User-Agent: holdfast-soak-nonreader\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** Closes the current set (if any) and opens {@code count} fresh non-readers. */
    synchronized void refresh() {
        closeAll();
        for (int i = 0; i < count; i++) {
            ChannelFuture f = new Bootstrap()
                    .group(group)
                    .channel(net.socketChannel())
                    .option(ChannelOption.AUTO_READ, false)
                    .option(ChannelOption.SO_RCVBUF, 4096)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
                    .handler(new ChannelInboundHandlerAdapter())
                    .connect(proxy);
            channels.add(f.channel());
            f.addListener(done -> {
                if (done.isSuccess()) {
                    opened.increment();
                    f.channel().writeAndFlush(Unpooled.wrappedBuffer(request));
                } else {
                    connectFailures.increment();
                }
            });
        }
    }

    synchronized void closeAll() {
        for (Channel ch : channels) {
            ch.close();
        }
        for (Channel ch : channels) {
            ch.closeFuture().awaitUninterruptibly(2000);
        }
        channels.clear();
    }
}
