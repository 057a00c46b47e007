package io.holdfast.bench.origin;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The bench origin's one handler: plain GETs, GRIP stream holds (SSE and plain streams) and
 * WebSocket-over-HTTP. Stateless, so one instance serves every connection.
 *
 * <ul>
 *   <li>{@code GET /plain?size=N}: {@code 200} with N bytes of text (default 100).</li>
 *   <li>{@code GET /sse?channel=X}: {@code Grip-Hold: stream}, {@code Grip-Channel: X},
 *       {@code text/event-stream}, initial body {@code :held\n\n} (an SSE comment), no keep-alive, so
 *       an idle connection stays idle.</li>
 *   <li>{@code GET /stream?channel=X}: the same as a plain {@code text/plain} stream.</li>
 *   <li>{@code GET /poll?channel=X[&timeout=S]}: {@code Grip-Hold: response} (a long-poll), answered
 *       {@code timeout\n} if nothing is published within S seconds (default 20).</li>
 *   <li>{@code POST} with {@code Content-Type: application/websocket-events} (any path,
 *       {@code ?channel=X}): OPEN is accepted with the {@code grip} extension and answered with a
 *       {@code c:{"type":"subscribe",...}} control message per channel (spec 2.2, 2.3); CLOSE is
 *       echoed; anything else gets an empty {@code 200}.</li>
 *   <li>{@code GET /origin-stats}: request counters as JSON.</li>
 * </ul>
 */
@ChannelHandler.Sharable
final class OriginHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    static final String WS_EVENTS = "application/websocket-events";
    private static final byte[] SSE_INITIAL = ":held\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] POLL_TIMEOUT = "timeout\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] STREAM_INITIAL = "[held]\n".getBytes(StandardCharsets.US_ASCII);
    private static final int DEFAULT_PLAIN_SIZE = 100;
    private static final int MAX_PLAIN_SIZE = 1 << 20;

    private final ConcurrentHashMap<Integer, byte[]> plainBodies = new ConcurrentHashMap<>();
    final LongAdder plain = new LongAdder();
    final LongAdder holds = new LongAdder();
    final LongAdder wsOpens = new LongAdder();
    final LongAdder wsOther = new LongAdder();
    final LongAdder notFound = new LongAdder();

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (!req.decoderResult().isSuccess()) {
            respond(ctx, req, text(HttpResponseStatus.BAD_REQUEST, "bad request\n"));
            return;
        }
        QueryStringDecoder uri = new QueryStringDecoder(req.uri());
        String contentType = req.headers().get(HttpHeaderNames.CONTENT_TYPE, "");
        if (req.method().equals(HttpMethod.POST) && contentType.startsWith(WS_EVENTS)) {
            onWebSocketEvents(ctx, req, uri);
            return;
        }
        switch (uri.path()) {
            case "/plain" -> onPlain(ctx, req, uri);
            case "/sse" -> onHold(ctx, req, uri, "text/event-stream", SSE_INITIAL);
            case "/stream" -> onHold(ctx, req, uri, "text/plain", STREAM_INITIAL);
            case "/poll" -> onPoll(ctx, req, uri);
            case "/origin-stats" -> respond(ctx, req, text(HttpResponseStatus.OK, stats()));
            default -> {
                notFound.increment();
                respond(ctx, req, text(HttpResponseStatus.NOT_FOUND, "no such bench resource\n"));
            }
        }
    }

    private void onPlain(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder uri) {
        plain.increment();
        int size = intParam(uri, "size", DEFAULT_PLAIN_SIZE);
        if (size < 0 || size > MAX_PLAIN_SIZE) {
            respond(ctx, req, text(HttpResponseStatus.BAD_REQUEST, "size: " + size + " (expected: 0.." + MAX_PLAIN_SIZE + ")\n"));
            return;
        }
        byte[] body = plainBodies.computeIfAbsent(size, OriginHandler::plainBody);
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.wrappedBuffer(body));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain");
        respond(ctx, req, res);
    }

    private void onHold(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder uri, String type,
                        byte[] initial) {
        holds.increment();
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.wrappedBuffer(initial));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
        res.headers().set("Grip-Hold", "stream");
        res.headers().set("Grip-Channel", String.join(", ", channels(uri)));
        res.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
        respond(ctx, req, res);
    }

    /** A long-poll: a response hold whose timeout answer is {@code timeout\n} (the soak's long-poll clients). */
    private void onPoll(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder uri) {
        holds.increment();
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.wrappedBuffer(POLL_TIMEOUT));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain");
        res.headers().set("Grip-Hold", "response");
        res.headers().set("Grip-Channel", String.join(", ", channels(uri)));
        res.headers().set("Grip-Timeout", Integer.toString(intParam(uri, "timeout", 20)));
        respond(ctx, req, res);
    }

    private void onWebSocketEvents(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder uri) {
        List<WsEvents.Event> events = WsEvents.read(ByteBufUtil.getBytes(req.content()));
        byte[] body = new byte[0];
        boolean open = false;
        for (WsEvents.Event e : events) {
            if (e.type().equals("OPEN")) {
                open = true;
                body = WsEvents.openAndSubscribe(channels(uri));
            } else if (e.type().equals("CLOSE")) {
                body = concat(body, WsEvents.close(e.content()));
            }
        }
        (open ? wsOpens : wsOther).increment();
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.wrappedBuffer(body));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, WS_EVENTS);
        if (open) {
            res.headers().set("Sec-WebSocket-Extensions", "grip");
        }
        respond(ctx, req, res);
    }

    private static List<String> channels(QueryStringDecoder uri) {
        List<String> channels = uri.parameters().get("channel");
        return channels == null || channels.isEmpty() ? List.of("test") : channels;
    }

    private static int intParam(QueryStringDecoder uri, String name, int def) {
        List<String> v = uri.parameters().get(name);
        if (v == null || v.isEmpty()) {
            return def;
        }
        try {
            return Integer.parseInt(v.get(0));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static byte[] plainBody(int size) {
        byte[] b = new byte[size];
        byte[] line = "holdfast bench origin ".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < size; i++) {
            b[i] = line[i % line.length];
        }
        if (size > 0) {
            b[size - 1] = '\n';
        }
        return b;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static FullHttpResponse text(HttpResponseStatus status, String body) {
        ByteBuf buf = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, buf);
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        return res;
    }

    private static void respond(ChannelHandlerContext ctx, FullHttpRequest req, FullHttpResponse res) {
        HttpUtil.setContentLength(res, res.content().readableBytes());
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        if (!keepAlive) {
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        var f = ctx.writeAndFlush(res);
        if (!keepAlive) {
            f.addListener(ChannelFutureListener.CLOSE);
        }
    }

    String stats() {
        return "{\"plain\":" + plain.sum() + ",\"holds\":" + holds.sum() + ",\"ws_opens\":" + wsOpens.sum()
                + ",\"ws_other\":" + wsOther.sum() + ",\"not_found\":" + notFound.sum() + "}\n";
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
