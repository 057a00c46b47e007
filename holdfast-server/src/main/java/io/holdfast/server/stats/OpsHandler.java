package io.holdfast.server.stats;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operations endpoints on the publish port, in front of the publish API: {@code /health} and
 * {@code /ready} (open, for probes), and, authenticated like publishing, {@code /metrics}, the admin
 * API under {@code /admin/}, the dashboard page and its SSE feed. Any other request passes on to the
 * publish handler untouched. Takes ownership of the requests it answers and releases them.
 */
public final class OpsHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(OpsHandler.class);

    private final Ops ops;
    private final UnaryOperator<String> auth;

    /**
     * @param auth given the {@code Authorization} header (or null), returns null when allowed, else
     *             why not: the publish API's own check
     */
    public OpsHandler(Ops ops, UnaryOperator<String> auth) {
        this.ops = ops;
        this.auth = auth;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest req) || req.decoderResult().isFailure()) {
            ctx.fireChannelRead(msg);
            return;
        }
        String path = new QueryStringDecoder(req.uri()).path();
        if (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        if (!isOurs(path)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            route(ctx, req, path);
        } finally {
            ReferenceCountUtil.release(req);
        }
    }

    static boolean isOurs(String path) {
        return switch (path) {
            case "/health", "/ready", "/metrics", "/dashboard", "/dashboard/events" -> true;
            default -> path.startsWith("/admin/");
        };
    }

    private void route(ChannelHandlerContext ctx, FullHttpRequest req, String path) {
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        boolean read = req.method().equals(HttpMethod.GET) || req.method().equals(HttpMethod.HEAD);
        switch (path) {
            case "/health" -> {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("status", "ok");
                body.put("uptime_seconds", ops.health().uptimeSeconds());
                if (ops.health().instanceId() != null) {
                    body.put("id", ops.health().instanceId());
                }
                HttpReplies.json(ctx, keepAlive, HttpResponseStatus.OK, body);
                return;
            }
            case "/ready" -> {
                Map<String, String> checks = ops.health().readiness();
                boolean ready = checks.values().stream().allMatch("ok"::equals);
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("ready", ready);
                body.put("checks", checks);
                HttpReplies.json(ctx, keepAlive, ready ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE, body);
                return;
            }
            default -> { }
        }
        String denied = auth.apply(req.headers().get(HttpHeaderNames.AUTHORIZATION));
        if (denied != null) {
            LOG.info("{} {} from {} refused: {}", req.method(), path, ctx.channel().remoteAddress(), denied);
            var r = new io.netty.handler.codec.http.DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    HttpResponseStatus.UNAUTHORIZED, io.netty.buffer.Unpooled.copiedBuffer(denied + "\n",
                    java.nio.charset.StandardCharsets.UTF_8));
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain");
            // Basic lets a browser show its login prompt for the dashboard; Bearer works for scripts.
            r.headers().add(HttpHeaderNames.WWW_AUTHENTICATE, "Basic realm=\"holdfast\"");
            r.headers().add(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"holdfast\"");
            HttpReplies.send(ctx, keepAlive, r);
            return;
        }
        if (path.startsWith("/admin/")) {
            ops.admin().handle(ctx, req, path);
            return;
        }
        if (!read) {
            HttpReplies.error(ctx, keepAlive, HttpResponseStatus.METHOD_NOT_ALLOWED, "use GET");
            return;
        }
        switch (path) {
            case "/metrics" -> HttpReplies.send(ctx, keepAlive, HttpResponseStatus.OK, Metrics.CONTENT_TYPE,
                    ops.metrics().scrape());
            case "/dashboard" -> HttpReplies.send(ctx, keepAlive, HttpResponseStatus.OK, "text/html; charset=utf-8",
                    DashboardPage.html());
            case "/dashboard/events" -> openFeed(ctx);
            default -> HttpReplies.error(ctx, keepAlive, HttpResponseStatus.NOT_FOUND, "Not Found");
        }
    }

    /** Starts the dashboard's SSE stream on this connection; it stays open until the viewer leaves. */
    private void openFeed(ChannelHandlerContext ctx) {
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream");
        head.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        head.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        ops.dashboard().open(ctx.channel(), head);
    }
}
