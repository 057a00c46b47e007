package io.holdfast.server.proxy;

import io.holdfast.server.listen.HandlerNames;
import io.holdfast.server.route.Route;
import io.holdfast.server.route.RouteTable;
import io.holdfast.server.route.Target;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client HTTP connection: routes each request and hands it to an {@link Exchange}, one at a time,
 * so pipelined requests are answered in order (later ones wait, decoded, in a small queue while the
 * socket stops being read). It enforces the request limits (400, 413, 414, 431), applies
 * backpressure to request bodies on the exchange's behalf, and closes or reuses the connection once
 * a response is complete.
 */
public final class ClientConnection extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(ClientConnection.class);
    private static final AtomicLong IDS = new AtomicLong();
    /** Distinguishes this process's connection keys from another instance's (and a restart's). */
    private static final String INSTANCE = Long.toString(System.currentTimeMillis(), 36);
    /** Decoded messages of pipelined requests buffered before we stop reading the socket. */
    private static final int MAX_QUEUED_MESSAGES = 64;
    /** Unread body bytes of an already answered request we read and drop to keep the connection. */
    private static final long MAX_SKIPPED_BODY = 64 * 1024;

    private final ProxyContext services;
    private final long id = IDS.incrementAndGet();
    private final long openedNanos = System.nanoTime();
    private ChannelHandlerContext ctx;
    private String remoteAddress = "-";

    private Exchange exchange;
    private RequestContext request;
    private boolean requestBodyDone = true;
    private long requestBodyBytes;
    private boolean discardingBody;
    private boolean skippingBody;
    private boolean bodyPaused;
    private boolean draining;
    private boolean closed;
    private ArrayDeque<Object> queued;
    private boolean processingQueue;

    private final boolean tlsListener;
    private ChannelHandlerContext codecContext;
    private ClientDeadlines deadlines;

    public ClientConnection(ProxyContext services, boolean tlsListener) {
        this.services = services;
        this.tlsListener = tlsListener;
    }

    public long id() { return id; }

    /** When the connection was accepted ({@link System#nanoTime()}), for connection minutes. */
    public long openedNanos() { return openedNanos; }

    /**
     * The connection's public id: {@code Connection-Id} towards WebSocket-over-HTTP origins and the
     * implicit channel {@code conn:<key>} it is subscribed to.
     */
    public String key() { return INSTANCE + "-" + id; }
    public Channel channel() { return ctx.channel(); }
    public ChannelHandlerContext context() { return ctx; }
    public ProxyContext services() { return services; }
    public String remoteAddress() { return remoteAddress; }
    /** The request being answered now, or null between requests. */
    public RequestContext currentRequest() { return request; }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        SocketAddress remote = ctx.channel().remoteAddress();
        if (remote instanceof InetSocketAddress inet) {
            remoteAddress = inet.getAddress() != null ? inet.getAddress().getHostAddress() : inet.getHostString();
        }
        // In front of the codec, to see a request's first bytes before they make a request.
        deadlines = new ClientDeadlines(services.config().clientTimeouts(), this::onClientDeadline);
        String before = ctx.pipeline().get(HandlerNames.HTTP_CODEC) != null ? HandlerNames.HTTP_CODEC : ctx.name();
        ctx.pipeline().addBefore(before, HandlerNames.TIMEOUTS, deadlines);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        services.connections().add(this);
        services.counters().connectionsAccepted.increment();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (closed) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if ((exchange != null && requestBodyDone) || (queued != null && !queued.isEmpty())) {
            enqueue(msg);
            return;
        }
        dispatch(msg);
    }

    private void enqueue(Object msg) {
        if (queued == null) {
            queued = new ArrayDeque<>(4);
        }
        queued.add(msg);
        updateAutoRead();
    }

    private void dispatch(Object msg) {
        if (msg instanceof HttpRequest req) {
            deadlines.onHead();
            onRequest(req);
            if (msg instanceof HttpContent content) {
                onContent(content);
            }
        } else if (msg instanceof HttpContent content) {
            onContent(content);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onRequest(HttpRequest req) {
        requestBodyDone = false;
        requestBodyBytes = 0;
        discardingBody = false;
        skippingBody = false;
        DecoderResult result = req.decoderResult();
        if (result.isFailure()) {
            onMalformedRequest(req, result.cause());
            return;
        }
        String hostProblem = RequestChecks.hostProblem(req);
        if (hostProblem != null) {
            refuse(req, HttpResponseStatus.BAD_REQUEST, hostProblem);
            return;
        }
        long start = System.nanoTime();
        services.counters().requestsReceived.increment();
        boolean keepAlive = HttpUtil.isKeepAlive(req) && !draining;
        String uri = req.uri();
        String host = req.headers().get(HttpHeaderNames.HOST, "");
        String pathAndQuery = uri;
        if (uri.startsWith("http://") || uri.startsWith("https://")) {
            int slash = uri.indexOf('/', uri.indexOf("//") + 2);
            host = slash < 0 ? uri.substring(uri.indexOf("//") + 2) : uri.substring(uri.indexOf("//") + 2, slash);
            pathAndQuery = slash < 0 ? "/" : uri.substring(slash);
        }
        boolean secure = tlsListener || (services.config().acceptXForwardedProtocol() && forwardedSecure(req));
        String gripSig = req.headers().get("Grip-Sig");
        boolean trusted = gripSig != null && services.signer().isTrustedUpstream(gripSig);
        ClientInfo info = new ClientInfo(remoteAddress, secure, trusted, key());
        Route route = selectRoute(req, host, pathAndQuery, secure);
        Jsonp jsonp = route != null && (services.config().autoCrossOrigin() || route.autoCrossOrigin())
                ? Jsonp.detect(req, pathAndQuery, route) : null;
        if (jsonp != null) {
            try {
                HttpRequest described = jsonp.originRequest(req, pathAndQuery, route);
                req = described;
                pathAndQuery = described.uri();
            } catch (Jsonp.BadRequest e) {
                request = new RequestContext(id, req, host, pathAndQuery, route, info, keepAlive, start, null);
                respondText(HttpResponseStatus.BAD_REQUEST, e.getMessage(), false);
                return;
            }
        }
        request = new RequestContext(id, req, host, pathAndQuery, route, info, keepAlive, start, jsonp);

        if (!pathAndQuery.startsWith("/") && !"*".equals(pathAndQuery)) {
            respondText(HttpResponseStatus.BAD_REQUEST, "Malformed request target: " + uri, false);
            return;
        }
        long limit = services.config().maxRequestBodySize();
        if (limit > 0 && HttpUtil.getContentLength(req, -1L) > limit) {
            respondText(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                    "Request body of " + HttpUtil.getContentLength(req, -1L) + " bytes is over the limit of "
                            + limit + " bytes (max_request_body_size).", false);
            return;
        }
        if (HttpUtil.is100ContinueExpected(req)) {
            // Spec 1.1 strips Expect towards the origin, so the proxy answers it itself.
            ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE,
                    Unpooled.EMPTY_BUFFER));
        }
        if (req.headers().contains("Pushpin-Check")) {
            respondText(HttpResponseStatus.OK, "Holdfast, a GRIP proxy compatible with Pushpin.", keepAlive);
            return;
        }
        if (route == null) {
            respondText(HttpResponseStatus.BAD_GATEWAY, "Route not found", keepAlive);
            return;
        }
        Target first = route.targets().get(0);
        switch (first.kind()) {
            case TEST -> exchange = services.testTarget().handle(this, request, first);
            case ZHTTP -> respondText(HttpResponseStatus.BAD_GATEWAY,
                    "Route " + route.describe() + " uses a zhttp target, which Holdfast does not support.", keepAlive);
            default -> {
                if (services.webSockets() != null && io.holdfast.server.ws.WebSocketAccept.isUpgrade(req)) {
                    exchange = services.webSockets().start(this, request, first);
                    return;
                }
                String forged = RequestChecks.forgedEventsProblem(req, route, info);
                if (forged != null) {
                    LOG.info("conn={} {}: refused a plain request with WebSocket-over-HTTP events for over_http route {}",
                            id, remoteAddress, route.describe());
                    respondText(HttpResponseStatus.BAD_REQUEST, forged, false);
                    return;
                }
                OriginExchange origin = new OriginExchange(this, request);
                exchange = origin;
                origin.start();
            }
        }
    }

    private Route selectRoute(HttpRequest req, String host, String pathAndQuery, boolean secure) {
        RouteTable table = services.routes().current();
        if (services.config().acceptPushpinRoute()) {
            String routeId = req.headers().get("Pushpin-Route");
            if (routeId != null) {
                return table.byId(routeId).orElse(null);
            }
        }
        int q = pathAndQuery.indexOf('?');
        String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
        boolean webSocket = req.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true);
        Optional<Route> route = table.match(host, path, secure, webSocket);
        return route.orElse(null);
    }

    private static boolean forwardedSecure(HttpRequest req) {
        String proto = req.headers().get("X-Forwarded-Proto", req.headers().get("X-Forwarded-Protocol", ""));
        return proto.equalsIgnoreCase("https") || proto.equalsIgnoreCase("wss");
    }

    private void onMalformedRequest(HttpRequest req, Throwable cause) {
        HttpResponseStatus status;
        String message;
        if (cause instanceof TooLongHttpHeaderException) {
            status = HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
            message = "Request headers are larger than " + services.config().clientBufferSize()
                    + " bytes (client_buffer_size).";
        } else if (cause instanceof TooLongHttpLineException) {
            status = HttpResponseStatus.REQUEST_URI_TOO_LONG;
            message = "Request line is too long.";
        } else {
            status = HttpResponseStatus.BAD_REQUEST;
            message = "Malformed HTTP request: " + cause.getMessage();
        }
        refuse(req, status, message);
    }

    /** Answers a request that is not forwarded anywhere, logs it once, and closes after the answer. */
    private void refuse(HttpRequest req, HttpResponseStatus status, String message) {
        request = new RequestContext(id, req, "", req.uri(), null, new ClientInfo(remoteAddress, false, false, key()),
                false, System.nanoTime(), null);
        LOG.info("conn={} {}: {} ({})", id, remoteAddress, status, message);
        respondText(status, message, false);
    }

    private void onContent(HttpContent content) {
        boolean last = content instanceof LastHttpContent;
        if (content.decoderResult().isFailure()) {
            content.release();
            if (exchange != null && !discardingBody && nothingWrittenYet()) {
                // A broken body (an invalid chunk size): the origin's half-sent request is dropped and
                // the client told why, rather than left with a bare close.
                Exchange e = exchange;
                exchange = null;
                e.onClientClosed();
            }
            if (exchange == null && request != null && !discardingBody) {
                onMalformedRequest(request.request(), content.decoderResult().cause());
            } else {
                abort("malformed request body: " + content.decoderResult().cause().getMessage());
            }
            return;
        }
        requestBodyBytes += content.content().readableBytes();
        long limit = services.config().maxRequestBodySize();
        if (limit > 0 && requestBodyBytes > limit && !discardingBody) {
            content.release();
            if (exchange != null && !responseStarted()) {
                Exchange e = exchange;
                exchange = null;
                e.onClientClosed();
            }
            discardingBody = true;
            if (exchange == null) {
                respondText(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                        "Request body is over the limit of " + limit + " bytes (max_request_body_size).", false);
            } else {
                abort("request body over the limit of " + limit + " bytes");
            }
            return;
        }
        if (last) {
            requestBodyDone = true;
            deadlines.onBodyEnd();
        }
        if (exchange != null && !discardingBody) {
            exchange.onRequestContent(content);
        } else {
            content.release();
            if (last && skippingBody) {
                skippingBody = false;
                deadlines.onAwaitNext();
                processQueue();
            }
        }
    }

    private boolean responseStarted() {
        return exchange instanceof OriginExchange origin && origin.responseStarted();
    }

    /** Sends a complete plain-text response (an error, a notice) for the current request and completes it. */
    public void respondText(HttpResponseStatus status, String message, boolean keepAlive) {
        boolean keep = keepAlive && !draining;
        ctx.writeAndFlush(ErrorResponses.text(status, message, keep));
        exchange = null;
        completeExchange(status.code(), message.length() + 1, keep, null);
    }

    /**
     * The current response has been fully written. Logs it, then either closes the connection or moves
     * on to the next pipelined request.
     */
    public void completeExchange(int status, long bytes, boolean keepAlive, String note) {
        if (request != null) {
            AccessLog.log(request, status, bytes, note, services.config().logUserAgent());
        }
        exchange = null;
        RequestContext done = request;
        request = null;
        boolean smallBodyLeft = !requestBodyDone && done != null && !discardingBody
                && !HttpUtil.isTransferEncodingChunked(done.request())
                && HttpUtil.getContentLength(done.request(), 0L) - requestBodyBytes <= MAX_SKIPPED_BODY;
        if (!keepAlive || draining || (!requestBodyDone && !smallBodyLeft)) {
            closed = true;
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(this::closeLingering);
            releaseQueued();
            return;
        }
        bodyPaused = false; // the exchange that paused reading is gone
        if (!requestBodyDone) {
            // Answered before the body was read (a local target, an error): skip the rest, then go on.
            skippingBody = true;
            updateAutoRead();
            return;
        }
        deadlines.onAwaitNext();
        processQueue();
    }

    /**
     * A client timeout passed ({@link ClientDeadlines}). An unused or idle keep-alive connection is
     * closed quietly (RFC 9112 §9.8 lets either side close an idle connection); a request begun
     * but not sent in time is answered 408 when no response has started, else the connection closes.
     */
    private void onClientDeadline(ClientDeadlines.Phase phase, java.time.Duration limit) {
        if (closed) {
            return;
        }
        String after = limit.toMillis() % 1000 == 0 ? limit.toSeconds() + " s" : limit.toMillis() + " ms";
        switch (phase) {
            case FRESH, IDLE -> {
                // Routine for browsers and pools, so not worth an info line per connection.
                LOG.debug("conn={} {}: closing {} connection after {}", id, remoteAddress,
                        phase == ClientDeadlines.Phase.FRESH ? "unused" : "idle keep-alive", after);
                closed = true;
                releaseQueued();
                ctx.close();
            }
            case HEAD -> {
                LOG.info("conn={} {}: 408, request head incomplete after {} (client_header_timeout)", id, remoteAddress,
                        after);
                respondText(HttpResponseStatus.REQUEST_TIMEOUT,
                        "Request head not received within " + after + " (client_header_timeout).", false);
            }
            case BODY -> onBodyTimeout(after);
            case ANSWERING -> { }
        }
    }

    /** True while nothing of the current request's response is written, so an error status can still go out. */
    private boolean nothingWrittenYet() {
        return request != null
                && (exchange == null || (exchange instanceof OriginExchange origin && !origin.responseStarted()));
    }

    private void onBodyTimeout(String after) {
        if (!nothingWrittenYet()) {
            abort("request body stalled for " + after + " (client_body_timeout)");
            return;
        }
        if (exchange != null) {
            Exchange e = exchange;
            exchange = null;
            e.onClientClosed();
        }
        LOG.info("conn={} {}: 408, request body stalled for {} (client_body_timeout)", id, remoteAddress, after);
        discardingBody = true;
        respondText(HttpResponseStatus.REQUEST_TIMEOUT,
                "Request body stalled: nothing received for " + after + " (client_body_timeout).", false);
    }

    /**
     * Closes after the last response without losing it: a client still sending (a request body we did
     * not read, a slowloris head) would otherwise get a reset that can overtake the answer in its
     * receive buffer. So the sending side is shut, whatever arrives is dropped ({@link #closed}), and
     * the socket closes when the client closes or after {@value #LINGER_MILLIS} ms at most.
     */
    private void closeLingering(io.netty.util.concurrent.Future<? super Void> written) {
        Channel ch = ctx.channel();
        if (!written.isSuccess() || !(ch instanceof io.netty.channel.socket.DuplexChannel duplex)) {
            ch.close();
            return;
        }
        ch.config().setAutoRead(true);
        duplex.shutdownOutput().addListener(f -> {
            if (!f.isSuccess()) {
                ch.close();
            }
        });
        ch.eventLoop().schedule(() -> {
            ch.close();
        }, LINGER_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** The longest a closing connection waits for its client to read the last answer. */
    private static final long LINGER_MILLIS = 1000;

    private void processQueue() {
        if (processingQueue || queued == null) {
            updateAutoRead();
            return;
        }
        processingQueue = true;
        try {
            while (!closed && !(exchange != null && requestBodyDone) && !queued.isEmpty()) {
                dispatch(queued.poll());
            }
        } finally {
            processingQueue = false;
        }
        updateAutoRead();
    }

    /** Hands the client to the exchange that now answers it (e.g. a GRIP hold after the origin's reply). */
    public void replaceExchange(Exchange from, Exchange to) {
        if (exchange == from) {
            exchange = to;
        }
    }

    /** Called by the exchange: stop or resume reading the request body (origin backpressure). */
    public void pauseRequestBody(boolean paused) {
        bodyPaused = paused;
        updateAutoRead();
    }

    private void updateAutoRead() {
        boolean read = !bodyPaused && (queued == null || queued.size() < MAX_QUEUED_MESSAGES);
        deadlines.onReadingPaused(!read);
        if (ctx.channel().config().isAutoRead() != read) {
            ctx.channel().config().setAutoRead(read);
        }
    }

    /** Closes the connection at once (the response cannot be completed); logs why. */
    public void abort(String reason) {
        if (closed) {
            return;
        }
        LOG.info("conn={} {}: closing: {}", id, remoteAddress, reason);
        closed = true;
        if (request != null) {
            AccessLog.log(request, 0, 0, "aborted: " + reason, false);
            request = null;
        }
        ctx.close();
    }

    /** Stop taking requests: idle connections close now, busy ones after their current response. */
    public void drain() {
        draining = true;
        if (exchange == null) {
            closed = true;
            ctx.close();
        } else {
            exchange.onDrain();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.onClientWritabilityChanged(ctx.channel().isWritable());
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closed = true;
        services.connections().remove(this);
        services.counters().connectionClosed(openedNanos);
        Exchange e = exchange;
        exchange = null;
        if (e != null) {
            e.onClientClosed();
            if (request != null) {
                AccessLog.log(request, 499, 0, "client closed", false);
                request = null;
            }
        }
        releaseQueued();
        ctx.fireChannelInactive();
    }

    private void releaseQueued() {
        if (queued != null) {
            Object msg;
            while ((msg = queued.poll()) != null) {
                ReferenceCountUtil.release(msg);
            }
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (closed || !ctx.channel().isOpen()) {
            // Writes still queued when the connection closed fail one by one (hundreds for a slow
            // subscriber); the close was logged by whoever closed it. One line per event.
            LOG.debug("conn={} {}: after close: {}", id, remoteAddress, cause.toString());
            return;
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug("conn={} {}: error", id, remoteAddress, cause);
        } else {
            LOG.info("conn={} {}: closing after error: {}", id, remoteAddress, cause.toString());
        }
        ctx.close();
    }

    /** Whether responses should ask to close (client asked, or the server is draining). */
    public boolean draining() {
        return draining;
    }

    /** Writes a response head or content to the client without flushing. */
    public void write(Object msg) {
        ctx.write(msg, ctx.voidPromise());
    }

    public void flush() {
        ctx.flush();
    }

    /**
     * Writes bytes already encoded for the wire (a stream chunk shared by many subscribers), below
     * the HTTP encoder, which is mid-response in chunked mode and would frame them again.
     */
    public void writeEncoded(io.netty.buffer.ByteBuf encoded) {
        ChannelHandlerContext codec = codecContext;
        if (codec == null || codec.isRemoved()) {
            codec = codecContext = ctx.pipeline().context(HandlerNames.HTTP_CODEC);
        }
        if (codec == null) {
            encoded.release();
            return;
        }
        codec.write(encoded, codec.voidPromise());
    }

    /** Prepares a response head for this client: keep-alive or close, and chunking for unknown lengths. */
    public void prepareResponseHead(HttpResponse response, boolean keepAlive) {
        if (request != null && request.route() != null
                && (services.config().autoCrossOrigin() || request.route().autoCrossOrigin())) {
            CrossOrigin.apply(request.request(), response.headers());
        }
        boolean http10 = request != null && request.request().protocolVersion().equals(HttpVersion.HTTP_1_0);
        boolean hasLength = response.headers().contains(HttpHeaderNames.CONTENT_LENGTH);
        boolean keep = keepAlive && !draining;
        if (!hasLength && !isBodiless(response)) {
            if (http10) {
                keep = false;
            } else {
                HttpUtil.setTransferEncodingChunked(response, true);
            }
        }
        response.setProtocolVersion(HttpVersion.HTTP_1_1);
        if (!keep) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (http10) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
    }

    private boolean isBodiless(HttpResponse response) {
        int code = response.status().code();
        return code == 204 || code == 304 || (code >= 100 && code < 200)
                || (request != null && request.request().method().name().equals("HEAD"));
    }

    /** True when {@link #prepareResponseHead} decided the connection closes after this response. */
    public static boolean closesAfter(HttpResponse response) {
        return response.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE, true);
    }
}
