package io.holdfast.server.ws;

import io.holdfast.grip.websocket.WebSocketContext;
import io.holdfast.grip.websocket.WebSocketEvent;
import io.holdfast.grip.websocket.WebSocketEventCodec;
import io.holdfast.server.proxy.OriginChannelHandler;
import io.holdfast.server.proxy.OriginConnector;
import io.holdfast.server.proxy.OriginListener;
import io.holdfast.server.proxy.OriginRequestFactory;
import io.holdfast.server.proxy.ProxyContext;
import io.holdfast.server.proxy.RequestContext;
import io.holdfast.server.pubsub.Subscriptions;
import io.holdfast.server.route.Route;
import io.holdfast.server.route.Target;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of WebSocket-over-HTTP (spec 2.2): builds each POST (the client's handshake headers
 * replayed, a fresh {@code Grip-Sig}, {@code Connection-Id}, bound {@code Meta-*}), reads the
 * response headers that matter ({@code Set-Meta-*}, the accepted handshake), and sends the final
 * {@code CLOSE} or {@code DISCONNECT} that no longer has a session to answer to.
 */
final class OverHttpRequests {
    private static final Logger LOG = LoggerFactory.getLogger(OverHttpRequests.class);
    static final String EVENTS_TYPE = "application/websocket-events";
    private static final String SET_META = "set-meta-";

    private final ProxyContext services;
    private final RequestContext request;
    private final String connectionId;
    private final EventLoop loop;

    OverHttpRequests(ProxyContext services, RequestContext request, String connectionId, EventLoop loop) {
        this.services = services;
        this.request = request;
        this.connectionId = connectionId;
        this.loop = loop;
    }

    FullHttpRequest build(Target target, List<WebSocketEvent> events, Map<String, String> meta) {
        return build(target, events, meta, 0);
    }

    /**
     * One POST of {@code events}; {@code replayedBytes} > 0 marks that much content at the start as
     * offered before and not accepted ({@code Content-Bytes-Replayed}, spec 2.2, Pushpin 1.41).
     */
    FullHttpRequest build(Target target, List<WebSocketEvent> events, Map<String, String> meta, int replayedBytes) {
        Route route = request.route();
        String uri = route.rewritePath(request.pathAndQuery());
        HttpRequest base = services.requestFactory().build(request.request(), uri, route, target, request.client());
        HttpHeaders h = base.headers();
        h.remove(HttpHeaderNames.ACCEPT);
        h.remove(HttpHeaderNames.CONTENT_LENGTH);
        h.remove(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS);
        h.remove("Connection-Id");
        h.remove(OriginRequestFactory.CONNECTION_ID_HEADER); // Connection-Id says it here
        h.remove(WebSocketContext.CONTENT_BYTES_REPLAYED_HEADER); // only Holdfast may say it
        // Clients cannot fake metadata: their Meta-* headers never reach the origin (spec 2.2).
        for (String name : new ArrayList<>(h.names())) {
            if (name.regionMatches(true, 0, "Meta-", 0, 5)) {
                h.remove(name);
            }
        }
        h.set(HttpHeaderNames.CONTENT_TYPE, EVENTS_TYPE);
        h.set(HttpHeaderNames.ACCEPT, EVENTS_TYPE);
        h.set("Connection-Id", connectionId);
        if (!route.noGrip()) {
            h.set(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS, "grip");
        }
        meta.forEach((name, value) -> h.set("Meta-" + name, value));
        if (replayedBytes > 0) {
            h.setInt(WebSocketContext.CONTENT_BYTES_REPLAYED_HEADER, replayedBytes);
        }
        byte[] body = WebSocketEventCodec.encode(events);
        h.setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        return new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, uri, Unpooled.wrappedBuffer(body), h,
                EmptyHttpHeaders.INSTANCE);
    }

    /** Spec 2.2: a usable answer is 200 with the events content type. */
    static boolean isEventsResponse(HttpResponse r) {
        String type = r.headers().get(HttpHeaderNames.CONTENT_TYPE, "");
        int semi = type.indexOf(';');
        return r.status().code() == 200 && (semi < 0 ? type : type.substring(0, semi)).strip().equalsIgnoreCase(EVENTS_TYPE);
    }

    /** {@code Set-Meta-Name: value} binds {@code Meta-Name} on later requests; empty removes it. */
    static void applySetMeta(HttpResponse r, Subscriptions subscriptions) {
        for (Map.Entry<String, String> e : r.headers()) {
            String name = e.getKey();
            if (name.length() > SET_META.length() && name.toLowerCase(Locale.ROOT).startsWith(SET_META)) {
                String field = name.substring(SET_META.length());
                subscriptions.setMeta(field, e.getValue());
            }
        }
    }

    /**
     * Headers of the origin's accepting response that the client's 101 carries (e.g. Set-Cookie):
     * everything but the events framing, keep-alive and meta headers, GRIP, and hop-by-hop ones.
     */
    static HttpHeaders clientHandshakeHeaders(HttpResponse r) {
        HttpHeaders out = new DefaultHttpHeaders();
        for (Map.Entry<String, String> e : r.headers()) {
            String lower = e.getKey().toLowerCase(Locale.ROOT);
            if (lower.startsWith(SET_META) || lower.startsWith("grip-") || lower.startsWith("sec-websocket-")
                    || lower.equals("content-type") || lower.equals("content-length") || lower.equals("keep-alive-interval")
                    || lower.equals("connection") || lower.equals("keep-alive") || lower.equals("transfer-encoding")
                    || lower.equals("upgrade") || lower.equals("content-bytes-accepted")) {
                continue;
            }
            out.add(e.getKey(), e.getValue());
        }
        return out;
    }

    /** The origin refused the handshake: its status, headers and body go to the client (spec 2.2). */
    static FullHttpResponse rejection(HttpResponse r, byte[] body) {
        FullHttpResponse out = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, r.status(), Unpooled.wrappedBuffer(body));
        for (Map.Entry<String, String> e : r.headers()) {
            String lower = e.getKey().toLowerCase(Locale.ROOT);
            if (!lower.equals("connection") && !lower.equals("keep-alive") && !lower.equals("transfer-encoding")
                    && !lower.equals("content-length") && !lower.startsWith(SET_META)) {
                out.headers().add(e.getKey(), e.getValue());
            }
        }
        out.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        return out;
    }

    /** Sends one last event (CLOSE, DISCONNECT) without a session to act on the answer; best effort. */
    void postAndForget(Target target, WebSocketEvent event, Map<String, String> meta) {
        FullHttpRequest post = build(target, List.of(event), Map.copyOf(meta));
        services.connector().open(loop, OriginConnector.PoolKey.of(target)).addListener(f -> {
            if (!f.isSuccess()) {
                post.release();
                LOG.info("ws-over-http {} for connection {} not delivered: {}", event.type(), connectionId,
                        f.cause().getMessage());
                return;
            }
            Channel ch = (Channel) f.getNow();
            ch.pipeline().get(OriginChannelHandler.class).attach(new Discard(ch));
            ch.writeAndFlush(post);
        });
    }

    /** Reads and drops the answer to a fire-and-forget request, then closes the connection. */
    private static final class Discard implements OriginListener {
        private final Channel channel;

        Discard(Channel channel) {
            this.channel = channel;
        }

        @Override
        public void onOriginRead(Object msg) {
            boolean last = msg instanceof LastHttpContent;
            ReferenceCountUtil.release(msg);
            if (last) {
                channel.close();
            }
        }

        @Override
        public void onOriginReadComplete() {
        }

        @Override
        public void onOriginWritabilityChanged() {
        }

        @Override
        public void onOriginClosed(Throwable cause) {
        }
    }
}
