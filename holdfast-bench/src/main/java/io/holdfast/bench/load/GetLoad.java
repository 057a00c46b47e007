package io.holdfast.bench.load;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Closed-loop plain {@code GET} load: C keep-alive connections, each sending its next request as soon
 * as the previous response ends. Responses during the warm-up are not counted; after the measured
 * window each connection stops at its next response.
 */
public final class GetLoad {

    /** What a run measured. */
    public record Outcome(long requests, double seconds, Histogram latency, long errors, Map<String, Long> errorKinds,
                          int connectionsUsed) {
        public double perSecond() {
            return requests / Math.max(seconds, 1e-9);
        }
    }

    private final Clients clients;
    private final String path;
    private final Recorder latency = new Recorder(3);
    private final LongAdder requests = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final Map<String, LongAdder> errorKinds = new ConcurrentHashMap<>();
    private final AtomicInteger connects = new AtomicInteger();
    private volatile boolean measuring;
    private volatile boolean stopping;

    public GetLoad(Clients clients, String path) {
        this.clients = clients;
        this.path = path;
    }

    public Outcome run(int connections, double warmupSeconds, double seconds) throws InterruptedException {
        for (int i = 0; i < connections; i++) {
            connect();
        }
        Thread.sleep((long) (warmupSeconds * 1000));
        latency.reset();
        long r0 = requests.sum();
        long e0 = errors.sum();
        long t0 = System.nanoTime();
        measuring = true;
        Thread.sleep((long) (seconds * 1000));
        measuring = false;
        long t1 = System.nanoTime();
        long n = requests.sum() - r0;
        long errs = errors.sum() - e0;
        stopping = true;
        Histogram h = latency.getIntervalHistogram();
        Thread.sleep(200);
        Map<String, Long> kinds = new TreeMap<>();
        errorKinds.forEach((k, v) -> kinds.put(k, v.sum()));
        return new Outcome(n, (t1 - t0) / 1e9, h, errs, kinds, connects.get());
    }

    private void connect() {
        if (stopping) {
            return;
        }
        connects.incrementAndGet();
        Conn conn = new Conn();
        ChannelFuture f = clients.connect(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast(new HttpClientCodec(), conn);
            }
        });
        f.addListener(done -> {
            if (!done.isSuccess()) {
                error(Failures.describe(done.cause()));
                f.channel().eventLoop().schedule(this::connect, 100, TimeUnit.MILLISECONDS);
            }
        });
    }

    private void error(String kind) {
        errors.increment();
        errorKinds.computeIfAbsent(kind, k -> new LongAdder()).increment();
    }

    private final class Conn extends SimpleChannelInboundHandler<HttpObject> {
        private long sent;
        private int status;
        private boolean keepAlive;
        private boolean inFlight;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            send(ctx);
        }

        private void send(ChannelHandlerContext ctx) {
            if (stopping) {
                ctx.close();
                return;
            }
            FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path,
                    Unpooled.EMPTY_BUFFER);
            req.headers().set(HttpHeaderNames.HOST, clients.hostHeader());
            req.headers().set(HttpHeaderNames.USER_AGENT, "holdfast-bench");
            sent = System.nanoTime();
            inFlight = true;
            ctx.writeAndFlush(req, ctx.voidPromise());
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
            if (msg instanceof HttpResponse res) {
                status = res.status().code();
                keepAlive = HttpUtil.isKeepAlive(res);
            }
            if (msg instanceof LastHttpContent) {
                inFlight = false;
                long now = System.nanoTime();
                if (status == 200) {
                    if (measuring) {
                        requests.increment();
                        latency.recordValue(Math.max(0, (now - sent) / 1000));
                    }
                } else if (measuring) {
                    error("HTTP " + status);
                }
                if (keepAlive) {
                    send(ctx);
                } else {
                    ctx.close();
                    connect();
                }
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (inFlight && !stopping) {
                error("connection closed mid-request");
                connect();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (!stopping) {
                error(Failures.describe(cause));
            }
            ctx.close();
        }
    }
}
