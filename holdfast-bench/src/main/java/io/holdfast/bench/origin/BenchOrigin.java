package io.holdfast.bench.origin;

import io.holdfast.bench.Args;
import io.holdfast.bench.Net;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;

/**
 * A small, fast HTTP origin that both proxies sit in front of during a comparison, so neither is
 * measured against a different backend. See {@link OriginHandler} for what it answers.
 */
public final class BenchOrigin implements AutoCloseable {

    private final EventLoopGroup group;
    private final Channel server;
    private final OriginHandler handler;

    private BenchOrigin(EventLoopGroup group, Channel server, OriginHandler handler) {
        this.group = group;
        this.server = server;
        this.handler = handler;
    }

    /** Starts the origin; port 0 picks a free port. */
    public static BenchOrigin start(String host, int port, int threads) throws InterruptedException {
        Net net = Net.best();
        EventLoopGroup group = net.group(threads, "origin");
        OriginHandler handler = new OriginHandler();
        try {
            Channel server = new ServerBootstrap()
                    .group(group)
                    .channel(net.serverChannel())
                    .option(ChannelOption.SO_BACKLOG, 4096)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline()
                                    .addLast("http", new HttpServerCodec())
                                    .addLast("aggregate", new HttpObjectAggregator(1 << 20))
                                    .addLast("origin", handler);
                        }
                    })
                    .bind(new InetSocketAddress(host, port)).sync().channel();
            return new BenchOrigin(group, server, handler);
        } catch (InterruptedException | RuntimeException e) {
            group.shutdownGracefully();
            throw e;
        }
    }

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    public String stats() {
        return handler.stats();
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** {@code origin --port P [--host 127.0.0.1] [--threads 2]}: runs until SIGTERM. */
    public static void main(Args args) throws InterruptedException {
        String host = args.string("host", "127.0.0.1");
        int port = args.integer("port", 17080);
        int threads = args.integer("threads", 2);
        args.rejectUnknown();
        BenchOrigin origin = start(host, port, threads);
        System.out.printf("bench origin listening on %s:%d (%s, %d threads)%n", host, origin.port(),
                Net.best().name(), threads);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("bench origin stopping; served " + origin.stats().strip());
            origin.close();
            stopped.countDown();
        }, "origin-shutdown"));
        stopped.await();
    }
}
