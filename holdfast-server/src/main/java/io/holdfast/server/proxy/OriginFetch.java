package io.holdfast.server.proxy;

import io.holdfast.server.route.Route;
import io.holdfast.server.route.Target;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A request Holdfast makes to an origin on its own behalf, with the response buffered whole: a
 * long-poll retried with {@code Grip-Last}, a {@code Grip-Link} next or gone request. It goes through
 * the route's targets in order like a proxied request, carries the same headers (spec 1.1, so the
 * origin sees {@code Grip-Sig}), and runs on the client's event loop.
 */
public final class OriginFetch implements OriginListener {

    /** The outcome: a response head and its body (caller releases), or a failure reason. */
    public interface Callback {
        void onResponse(HttpResponse response, ByteBuf body);

        void onFailure(String reason);
    }

    private final ProxyContext services;
    private final EventLoop loop;
    private final Route route;
    private final List<Target> targets;
    private final FullHttpRequest template;
    private final List<Map.Entry<String, String>> extraHeaders;
    private final ClientInfo client;
    private final int maxBody;
    private final Callback callback;
    private int nextTarget;
    private Target target;
    private OriginConnector.PoolKey key;
    private Channel origin;
    private HttpResponse response;
    private CompositeByteBuf body;
    private ScheduledFuture<?> timer;
    private boolean done;
    private String lastFailure;

    private OriginFetch(ProxyContext services, EventLoop loop, Route route, List<Target> targets, FullHttpRequest template,
                        List<Map.Entry<String, String>> extraHeaders, ClientInfo client, int maxBody, Callback callback) {
        this.targets = targets;
        this.extraHeaders = extraHeaders;
        this.services = services;
        this.loop = loop;
        this.route = route;
        this.template = template;
        this.client = client;
        this.maxBody = maxBody;
        this.callback = callback;
    }

    /**
     * Sends {@code method uri} to the route's origin with the client's original headers plus
     * {@code extraHeaders} (e.g. {@code Grip-Last}), and an optional body. Calls back on {@code loop}.
     */
    public static void send(ProxyContext services, EventLoop loop, RequestContext original, HttpMethod method, String uri,
                            List<Map.Entry<String, String>> extraHeaders, byte[] body, int maxBody, Callback callback) {
        send(services, loop, original, null, method, uri, extraHeaders, body, maxBody, callback);
    }

    /**
     * Like {@link #send(ProxyContext, EventLoop, RequestContext, HttpMethod, String, List, byte[], int, Callback)},
     * but to {@code foreign} instead of the route's targets when it is not null: an absolute
     * {@code Grip-Link} URL on another host ({@link Target#forUrl}). Such a request is policed by the
     * outbound network policy and carries no {@code Grip-Sig}, which is meant for the route's origin.
     */
    public static void send(ProxyContext services, EventLoop loop, RequestContext original, Target foreign,
                            HttpMethod method, String uri, List<Map.Entry<String, String>> extraHeaders, byte[] body,
                            int maxBody, Callback callback) {
        HttpRequest head = original.request();
        HttpHeaders headers = head.headers().copy();
        headers.remove(HttpHeaderNames.CONTENT_LENGTH);
        headers.remove(HttpHeaderNames.TRANSFER_ENCODING);
        headers.remove(HttpHeaderNames.UPGRADE);
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri,
                body == null ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body), headers, EmptyHttpHeaders.INSTANCE);
        List<Target> targets = foreign == null ? original.route().targets() : List.of(foreign);
        new OriginFetch(services, loop, original.route(), targets, request, extraHeaders, original.client(), maxBody,
                callback).next();
    }

    private void next() {
        if (nextTarget >= targets.size()) {
            finishFailure(lastFailure != null ? lastFailure : "no target of the route connected");
            return;
        }
        target = targets.get(nextTarget++);
        if (target.kind() != Target.Kind.ORIGIN) {
            next();
            return;
        }
        key = OriginConnector.PoolKey.of(target);
        services.connector().open(loop, key).addListener(f -> {
            if (f.isSuccess()) {
                onConnected((Channel) f.getNow());
            } else {
                lastFailure = target.describe() + ": " + OriginExchange.describe(f.cause());
                next();
            }
        });
    }

    private void onConnected(Channel ch) {
        origin = ch;
        ch.pipeline().get(OriginChannelHandler.class).attach(this);
        HttpRequest head = services.requestFactory().build(template, template.uri(), route, target, client);
        if (target.untrusted() && !route.targets().contains(target)) {
            head.headers().remove("Grip-Sig"); // a foreign link's host is not the route's origin
        }
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, template.method(), template.uri(),
                template.content().retainedDuplicate(), head.headers(), EmptyHttpHeaders.INSTANCE);
        // Added after the client's Grip-* headers were stripped: these are Holdfast's own (Grip-Last).
        for (Map.Entry<String, String> h : extraHeaders) {
            request.headers().add(h.getKey(), h.getValue());
        }
        HttpUtil.setContentLength(request, request.content().readableBytes());
        request.headers().remove(HttpHeaderNames.TRANSFER_ENCODING);
        ch.writeAndFlush(request);
        long millis = services.config().originResponseTimeout().toMillis();
        timer = loop.schedule(() -> finishFailure("the origin did not answer in time"), millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void onOriginRead(Object msg) {
        if (done) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpResponse r) {
            if (r.decoderResult().isFailure()) {
                ReferenceCountUtil.release(msg);
                finishFailure(OriginExchange.malformedHead(r));
                return;
            }
            response = r;
            body = origin.alloc().compositeBuffer();
        }
        if (msg instanceof HttpContent c) {
            if (body == null || c.decoderResult().isFailure()) {
                c.release();
                finishFailure("malformed response from origin");
                return;
            }
            if (body.readableBytes() + c.content().readableBytes() > maxBody) {
                c.release();
                finishFailure("response body over " + maxBody + " bytes");
                return;
            }
            body.addComponent(true, c.content());
            if (c instanceof LastHttpContent) {
                done = true;
                cancelTimer();
                Channel ch = origin;
                origin = null;
                if (HttpUtil.isKeepAlive(response)) {
                    services.connector().release(ch, key);
                } else {
                    OriginChannelHandler.closeDetached(ch);
                }
                template.release();
                CompositeByteBuf b = body;
                body = null;
                callback.onResponse(response, b);
            }
        } else if (!(msg instanceof HttpResponse)) {
            ReferenceCountUtil.release(msg);
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
        origin = null;
        finishFailure(cause == null ? "origin closed the connection" : String.valueOf(cause.getMessage()));
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void finishFailure(String reason) {
        if (done) {
            return;
        }
        done = true;
        cancelTimer();
        if (origin != null) {
            OriginChannelHandler.closeDetached(origin);
            origin = null;
        }
        if (body != null) {
            body.release();
            body = null;
        }
        template.release();
        callback.onFailure(reason);
    }
}
