package io.holdfast.server.testing;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Many concurrent streaming HTTP clients on a few threads (Netty), for tests that hold hundreds or
 * thousands of streams: each client records the status, headers and body text it has received.
 */
public final class StreamClients implements AutoCloseable {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());

    /** One open request and what has arrived on it so far. */
    public static final class Stream {
        private final StringBuilder body = new StringBuilder();
        private volatile HttpResponse head;
        private volatile boolean ended;
        private volatile boolean closed;
        private Channel channel;

        public synchronized String body() {
            return body.toString();
        }

        synchronized void append(String s) {
            body.append(s);
        }

        public HttpResponse head() { return head; }
        /** The response finished (last chunk). */
        public boolean ended() { return ended; }
        /** The connection closed. */
        public boolean closed() { return closed; }
        public Channel channel() { return channel; }
    }

    public Stream open(int port, String pathAndQuery) throws InterruptedException {
        return openWithHeader(port, pathAndQuery, null, null);
    }

    /** Opens a stream whose request carries one extra header (e.g. {@code Last-Event-ID}). */
    public Stream openWithHeader(int port, String pathAndQuery, String header, String value) throws InterruptedException {
        Stream stream = new Stream();
        Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpClientCodec());
                        ch.pipeline().addLast(new SimpleChannelInboundHandler<HttpObject>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
                                if (msg instanceof HttpResponse r) {
                                    stream.head = r;
                                }
                                if (msg instanceof HttpContent c) {
                                    stream.append(c.content().toString(StandardCharsets.UTF_8));
                                    if (msg instanceof LastHttpContent) {
                                        stream.ended = true;
                                    }
                                }
                            }

                            @Override
                            public void channelInactive(ChannelHandlerContext ctx) {
                                stream.closed = true;
                            }
                        });
                    }
                });
        Channel ch = b.connect("127.0.0.1", port).sync().channel();
        stream.channel = ch;
        DefaultFullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, pathAndQuery);
        req.headers().set(HttpHeaderNames.HOST, "127.0.0.1:" + port);
        if (header != null) {
            req.headers().set(header, value);
        }
        ch.writeAndFlush(req);
        return stream;
    }

    public List<Stream> open(int port, String pathAndQuery, int count) throws InterruptedException {
        List<Stream> streams = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            streams.add(open(port, pathAndQuery));
        }
        return streams;
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
}
