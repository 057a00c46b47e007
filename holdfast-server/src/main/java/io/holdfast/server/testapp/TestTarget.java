package io.holdfast.server.testapp;

import io.holdfast.grip.GripLimits;
import io.holdfast.server.proxy.ClientConnection;
import io.holdfast.server.proxy.Exchange;
import io.holdfast.server.proxy.GripHandoff;
import io.holdfast.server.proxy.LocalTarget;
import io.holdfast.server.proxy.RequestContext;
import io.holdfast.server.pubsub.PubSub;
import io.holdfast.server.route.Target;
import io.holdfast.server.ws.TestWebSocketSession;
import io.holdfast.server.ws.WebSocketAccept;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in {@code test} target (spec 5.6, and Fastly's Fanout starter-kit paths, including the
 * {@code /test/websocket} echo): a tiny origin
 * inside Holdfast that answers with real GRIP instructions, so a new user can hold a stream and
 * publish to it with no app of their own. Its responses go through the same {@link GripHandoff} as
 * any origin's. Channels come from {@code ?channel=}, default {@code test}; a name that breaks
 * {@link GripLimits} (empty, or over {@link GripLimits#MAX_CHANNEL_BYTES}) is the client's mistake
 * and gets 400 with the shared error text, before anything subscribes.
 */
public final class TestTarget implements LocalTarget {
    private static final Logger LOG = LoggerFactory.getLogger(TestTarget.class);
    public static final String DEFAULT_CHANNEL = "test";
    /** Keep-alive for the SSE endpoint: an SSE comment every 20 s keeps idle proxies from cutting it. */
    private static final String SSE_KEEP_ALIVE = ":\\n\\n; format=cstring; timeout=20";

    private final GripHandoff handoff;
    private final PubSub pubsub;

    public TestTarget(GripHandoff handoff, PubSub pubsub) {
        this.handoff = handoff;
        this.pubsub = pubsub;
    }

    @Override
    public Exchange handle(ClientConnection connection, RequestContext request, Target target) {
        QueryStringDecoder query = new QueryStringDecoder(request.pathAndQuery());
        String path = localPath(request, query.path());
        List<String> channels = query.parameters().getOrDefault("channel", List.of(DEFAULT_CHANNEL));
        for (String channel : channels) {
            String problem = GripLimits.channelProblem(channel);
            if (problem != null) {
                LOG.info("conn={} from {}: test target refused: channel: {}", connection.id(),
                        connection.remoteAddress(), problem);
                connection.respondText(HttpResponseStatus.BAD_REQUEST, "channel: " + problem, request.keepAlive());
                return null;
            }
        }
        if (WebSocketAccept.isUpgrade(request.request()) && (path.equals("/websocket") || path.equals("/ws"))) {
            // Null when the handshake was malformed; the client has had its 400 then.
            return TestWebSocketSession.accept(connection, request, pubsub, channels);
        }
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        String body;
        switch (path) {
            case "/" -> {
                connection.respondText(HttpResponseStatus.OK, "Hello from the Holdfast test handler!\n"
                        + "Try /test/stream, /test/sse or /test/long-poll, then publish to channel 'test'.",
                        request.keepAlive());
                return null;
            }
            case "/response", "/long-poll" -> {
                response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain");
                response.headers().set("Grip-Hold", "response");
                body = "nothing for now\n";
            }
            case "/stream" -> {
                response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain");
                response.headers().set("Grip-Hold", "stream");
                body = "[stream opened]\n";
            }
            case "/sse" -> {
                response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream");
                response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
                response.headers().set("Grip-Hold", "stream");
                response.headers().set("Grip-Keep-Alive", SSE_KEEP_ALIVE);
                body = ": stream opened\n\n";
            }
            default -> {
                connection.respondText(HttpResponseStatus.NOT_FOUND, "no such test resource", request.keepAlive());
                return null;
            }
        }
        for (String channel : channels) {
            response.headers().add("Grip-Channel", channel);
        }
        ByteBuf content = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
        return handoff.accept(connection, request, response, content);
    }

    /** Spec 5.6: with {@code path_beg} on the route, that prefix is removed before matching. */
    private static String localPath(RequestContext request, String path) {
        String prefix = request.route().pathBeg().orElse("");
        if (!prefix.isEmpty() && path.startsWith(prefix)) {
            String rest = path.substring(prefix.length());
            return rest.startsWith("/") ? rest : "/" + rest;
        }
        return path.isEmpty() ? "/" : path;
    }
}
