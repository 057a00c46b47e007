package io.holdfast.bench.load;

import io.holdfast.bench.Net;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small keep-alive HTTP/1.1 client with up to {@code max} connections, one request in flight on
 * each: the publisher's path to {@code POST /publish/} and a plain {@code GET} client. Callers block
 * (bounded) for a free connection, so a publisher that outruns the proxy's publish API is noticed
 * instead of queueing without limit.
 */
public final class HttpClientPool implements AutoCloseable {

    /** A response: status and body text (bodies here are small). */
    public record Response(int status, String body, long nanos) {
        public boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    private final Net net;
    private final EventLoopGroup group;
    private final InetSocketAddress target;
    private final String host;
    private final int max;
    private final Semaphore slots;
    private final BlockingQueue<Conn> idle = new LinkedBlockingQueue<>();
    private final AtomicInteger open = new AtomicInteger();

    public HttpClientPool(Net net, EventLoopGroup group, String url, int max) {
        URI u = URI.create(url);
        try {
            InetAddress addr = InetAddress.getByName(u.getHost());
            if (!addr.isLoopbackAddress()) {
                throw new IllegalArgumentException(url + " is not on a loopback address");
            }
            this.target = new InetSocketAddress(addr, u.getPort() < 0 ? 80 : u.getPort());
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException("unknown host in " + url, e);
        }
        this.net = net;
        this.group = group;
        this.host = u.getHost() + ":" + target.getPort();
        this.max = max;
        this.slots = new Semaphore(max);
    }

    /**
     * Sends a request on a free connection, waiting up to {@code waitMillis} for one of the
     * {@code max} request slots.
     *
     * @return the response future; fails if no slot became free or the request failed
     */
    public CompletableFuture<Response> send(HttpMethod method, String path, byte[] body, String contentType,
                                            long waitMillis) {
        try {
            if (!slots.tryAcquire(waitMillis, TimeUnit.MILLISECONDS)) {
                return CompletableFuture.failedFuture(new IllegalStateException("all " + max + " requests to " + host
                        + " still unanswered after " + waitMillis + " ms"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CompletableFuture.failedFuture(e);
        }
        Conn c;
        try {
            c = idleOrNew();
        } catch (Exception e) {
            slots.release();
            return CompletableFuture.failedFuture(e);
        }
        return c.send(method, path, body, contentType);
    }

    public CompletableFuture<Response> post(String path, byte[] body, long waitMillis) {
        return send(HttpMethod.POST, path, body, "application/json", waitMillis);
    }

    private Conn idleOrNew() throws InterruptedException {
        Conn c;
        while ((c = idle.poll()) != null) {
            if (c.ch.isActive()) {
                return c;
            }
        }
        return connect();
    }

    private Conn connect() throws InterruptedException {
        Conn conn = new Conn();
        Channel ch = new Bootstrap()
                .group(group)
                .channel(net.socketChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast(new HttpClientCodec())
                                .addLast(new HttpObjectAggregator(1 << 20))
                                .addLast(conn);
                    }
                })
                .connect(target).sync().channel();
        conn.ch = ch;
        open.incrementAndGet();
        return conn;
    }

    /** How many connections are open. */
    public int connections() {
        return open.get();
    }

    @Override
    public void close() {
        Conn c;
        while ((c = idle.poll()) != null) {
            c.ch.close();
        }
    }

    private final class Conn extends SimpleChannelInboundHandler<FullHttpResponse> {
        volatile Channel ch;
        private CompletableFuture<Response> pending;
        private long sentNanos;

        CompletableFuture<Response> send(HttpMethod method, String path, byte[] body, String contentType) {
            CompletableFuture<Response> f = new CompletableFuture<>();
            FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, path,
                    body == null ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
            req.headers().set(HttpHeaderNames.HOST, host);
            req.headers().set(HttpHeaderNames.USER_AGENT, "holdfast-bench");
            if (body != null) {
                req.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
            }
            HttpUtil.setContentLength(req, body == null ? 0 : body.length);
            req.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            f.whenComplete((r, e) -> slots.release());
            ch.eventLoop().execute(() -> {
                pending = f;
                sentNanos = System.nanoTime();
                ch.writeAndFlush(req).addListener(w -> {
                    if (!w.isSuccess()) {
                        fail(w.cause());
                    }
                });
            });
            return f;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse res) {
            CompletableFuture<Response> f = pending;
            pending = null;
            boolean keep = HttpUtil.isKeepAlive(res);
            Response r = new Response(res.status().code(), res.content().toString(StandardCharsets.UTF_8),
                    System.nanoTime() - sentNanos);
            if (keep) {
                idle.offer(this);
            } else {
                ctx.close();
            }
            if (f != null) {
                f.complete(r);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            open.decrementAndGet();
            idle.remove(this);
            fail(new IllegalStateException("connection to " + host + " closed"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            fail(cause);
            ctx.close();
        }

        private void fail(Throwable cause) {
            CompletableFuture<Response> f = pending;
            pending = null;
            if (f != null) {
                f.completeExceptionally(cause);
            }
        }
    }
}
