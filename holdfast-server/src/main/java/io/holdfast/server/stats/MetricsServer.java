package io.holdfast.server.stats;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * Pushpin's {@code prometheus_port}: a small listener that answers every GET with the metrics text,
 * whatever the path (as Pushpin's does), without authentication (as Pushpin's; bind it to a private
 * address). Request bodies are refused and idle connections closed after 30 seconds.
 */
public final class MetricsServer {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(MetricsServer.class);
    private static final int MAX_REQUEST = 8192;

    private final Metrics metrics;
    private Channel channel;

    public MetricsServer(Metrics metrics) {
        this.metrics = metrics;
    }

    public InetSocketAddress bind(InetSocketAddress address, EventLoopGroup boss, EventLoopGroup workers,
                                  Class<? extends ServerChannel> channelClass) throws InterruptedException {
        ServerBootstrap b = new ServerBootstrap().group(boss, workers).channel(channelClass)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast("idle", new ReadTimeoutHandler(30));
                        ch.pipeline().addLast("http", new HttpServerCodec());
                        ch.pipeline().addLast("aggregate", new HttpObjectAggregator(MAX_REQUEST));
                        ch.pipeline().addLast("metrics", new Handler());
                    }
                });
        channel = b.bind(address).sync().channel();
        return (InetSocketAddress) channel.localAddress();
    }

    public void close() {
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
    }

    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            if (req.decoderResult().isFailure()) {
                HttpReplies.send(ctx, false, HttpResponseStatus.BAD_REQUEST, "text/plain",
                        "Malformed request\n".getBytes(StandardCharsets.UTF_8));
            } else if (!req.method().equals(HttpMethod.GET) && !req.method().equals(HttpMethod.HEAD)) {
                HttpReplies.send(ctx, keepAlive, HttpResponseStatus.METHOD_NOT_ALLOWED, "text/plain",
                        "Method Not Allowed\n".getBytes(StandardCharsets.UTF_8));
            } else {
                HttpReplies.send(ctx, keepAlive, HttpResponseStatus.OK, Metrics.CONTENT_TYPE, metrics.scrape());
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.info("metrics connection {} closed after error: {}", ctx.channel().remoteAddress(), cause.toString(), cause);
            ctx.close();
        }
    }
}
