package io.holdfast.server.publish;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.holdfast.grip.publish.PublishFormatException;
import io.holdfast.grip.publish.PublishItem;
import io.holdfast.grip.publish.PublishRequestParser;
import io.holdfast.server.pubsub.PubSub;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP publish API (spec 3.1), answering as Pushpin does so GRIP libraries work unchanged:
 * {@code POST /publish/} with {@code {"items":[...]}} validated whole before anything is delivered,
 * {@code Published} or its JSON form, and Pushpin's error texts. Beyond Pushpin, it checks
 * {@code publish_key} when set and reports delivery counters at {@code GET /stats}.
 */
final class PublishHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(PublishHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PubSub pubsub;
    private final PublishAuth auth;

    PublishHandler(PubSub pubsub, PublishAuth auth) {
        this.pubsub = pubsub;
        this.auth = auth;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (req.decoderResult().isFailure()) {
            send(ctx, req, HttpResponseStatus.BAD_REQUEST, "Malformed request: " + req.decoderResult().cause().getMessage());
            return;
        }
        String path = new QueryStringDecoder(req.uri()).path();
        if (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        switch (path) {
            case "", "/" -> {
                if (req.method().equals(HttpMethod.GET) || req.method().equals(HttpMethod.HEAD)) {
                    send(ctx, req, HttpResponseStatus.OK, "Pushpin API");
                } else {
                    methodNotAllowed(ctx, req, "GET");
                }
            }
            case "/publish" -> onPublish(ctx, req);
            case "/recover" -> onRecover(ctx, req);
            case "/stats" -> onStats(ctx, req);
            default -> send(ctx, req, HttpResponseStatus.NOT_FOUND, "Not Found");
        }
    }

    private void onPublish(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (!req.method().equals(HttpMethod.POST)) {
            methodNotAllowed(ctx, req, "POST");
            return;
        }
        ResponseType type = ResponseType.fromAccept(req.headers().get(HttpHeaderNames.ACCEPT));
        if (type == null) {
            send(ctx, req, HttpResponseStatus.NOT_ACCEPTABLE, "Not Acceptable");
            return;
        }
        String denied = auth.check(req.headers().get(HttpHeaderNames.AUTHORIZATION));
        if (denied != null) {
            LOG.warn("publish from {} refused: {}", ctx.channel().remoteAddress(), denied);
            FullHttpResponse r = response(HttpResponseStatus.UNAUTHORIZED, denied, type);
            r.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"holdfast\"");
            write(ctx, req, r);
            return;
        }
        List<PublishItem> items;
        try {
            items = PublishRequestParser.parse(ByteBufUtil.getBytes(req.content()));
        } catch (PublishFormatException e) {
            LOG.info("publish from {} rejected: {}", ctx.channel().remoteAddress(), e.getMessage());
            write(ctx, req, response(HttpResponseStatus.BAD_REQUEST, e.getMessage(), type));
            return;
        }
        pubsub.counters().publishRequest(io.holdfast.server.stats.PublishInput.HTTP);
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        // Answered when the bus took the items: at once alone, after Redis stored them in a cluster.
        pubsub.publish(items).whenComplete((done, failure) -> {
            FullHttpResponse r = failure == null ? response(HttpResponseStatus.OK, "Published", type)
                    : publishFailed(ctx, failure, type);
            if (ctx.executor().inEventLoop()) {
                write(ctx, keepAlive, r);
            } else {
                ctx.executor().execute(() -> write(ctx, keepAlive, r));
            }
        });
    }

    /** The bus refused the items (Redis down or too slow): 503, never 200, so the publisher retries. */
    private static FullHttpResponse publishFailed(ChannelHandlerContext ctx, Throwable failure, ResponseType type) {
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        LOG.warn("publish from {} not delivered: {}", ctx.channel().remoteAddress(), cause.getMessage());
        return response(HttpResponseStatus.SERVICE_UNAVAILABLE, "Publish failed: " + cause.getMessage(), type);
    }

    /** Spec 3.1: answers {@code Updated}, then triggers recovery (spec 4). */
    private void onRecover(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (!req.method().equals(HttpMethod.POST)) {
            methodNotAllowed(ctx, req, "POST");
            return;
        }
        String denied = auth.check(req.headers().get(HttpHeaderNames.AUTHORIZATION));
        if (denied != null) {
            send(ctx, req, HttpResponseStatus.UNAUTHORIZED, denied);
            return;
        }
        send(ctx, req, HttpResponseStatus.OK, "Updated");
        pubsub.recover();
    }

    private void onStats(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (!req.method().equals(HttpMethod.GET)) {
            methodNotAllowed(ctx, req, "GET");
            return;
        }
        String denied = auth.check(req.headers().get(HttpHeaderNames.AUTHORIZATION));
        if (denied != null) {
            send(ctx, req, HttpResponseStatus.UNAUTHORIZED, denied);
            return;
        }
        Map<String, Object> stats = new LinkedHashMap<>(pubsub.counters().snapshot());
        stats.put("channels", pubsub.channelCount());
        stats.put("subscriptions", pubsub.subscriptionCount());
        if (pubsub.sequencer() != null) {
            stats.putAll(pubsub.sequencer().stats());
        }
        try {
            byte[] body = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(stats);
            FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    Unpooled.wrappedBuffer(body));
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
            write(ctx, req, r);
        } catch (java.io.IOException e) {
            send(ctx, req, HttpResponseStatus.INTERNAL_SERVER_ERROR, e.getMessage());
        }
    }

    private void methodNotAllowed(ChannelHandlerContext ctx, FullHttpRequest req, String allow) {
        FullHttpResponse r = response(HttpResponseStatus.METHOD_NOT_ALLOWED, "Method Not Allowed", ResponseType.TEXT);
        r.headers().set(HttpHeaderNames.ALLOW, allow);
        write(ctx, req, r);
    }

    private void send(ChannelHandlerContext ctx, FullHttpRequest req, HttpResponseStatus status, String text) {
        write(ctx, req, response(status, text, ResponseType.TEXT));
    }

    private static FullHttpResponse response(HttpResponseStatus status, String message, ResponseType type) {
        String body;
        String contentType;
        if (type == ResponseType.JSON) {
            try {
                body = JSON.writeValueAsString(Map.of("message", message)) + "\n";
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            contentType = "application/json";
        } else {
            body = message + "\n";
            contentType = "text/plain";
        }
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        return r;
    }

    private static void write(ChannelHandlerContext ctx, FullHttpRequest req, FullHttpResponse r) {
        write(ctx, HttpUtil.isKeepAlive(req), r);
    }

    private static void write(ChannelHandlerContext ctx, boolean keepAlive, FullHttpResponse r) {
        HttpUtil.setContentLength(r, r.content().readableBytes());
        HttpUtil.setKeepAlive(r, keepAlive);
        var f = ctx.writeAndFlush(r);
        if (!keepAlive) {
            f.addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.info("publish connection {} closed after error: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }

    /** Pushpin answers text unless the client asks for JSON, and 406 if it accepts neither. */
    enum ResponseType {
        TEXT, JSON;

        static ResponseType fromAccept(String accept) {
            if (accept == null || accept.isBlank()) {
                return TEXT;
            }
            boolean json = false;
            for (String part : accept.split(",")) {
                String type = part.split(";", 2)[0].strip().toLowerCase(java.util.Locale.ROOT);
                switch (type) {
                    case "text/plain", "text/*", "*/*" -> {
                        return json ? JSON : TEXT;
                    }
                    case "application/json" -> json = true;
                    default -> { }
                }
            }
            return json ? JSON : null;
        }
    }
}
