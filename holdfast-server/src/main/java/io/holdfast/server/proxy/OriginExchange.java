package io.holdfast.server.proxy;

import io.holdfast.grip.instruct.GripInstructParser;
import io.holdfast.server.config.HoldfastConfig;
import io.holdfast.server.route.Route;
import io.holdfast.server.route.Target;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.ConnectException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request forwarded to an origin and its response relayed back. Targets are tried in order on
 * connect failure (spec 1.7); the request body streams to the origin and the response body streams
 * to the client, each side pausing the other when its socket is full, so no body is ever held
 * whole. A GRIP stream hold starts at once and its initial body streams through the same way; any
 * other GRIP-instructed response (spec 1.2) is buffered, up to 100,000 bytes as Pushpin does, and
 * handed to {@link GripHandoff}.
 */
public final class OriginExchange implements Exchange, OriginListener {
    private static final Logger LOG = LoggerFactory.getLogger(OriginExchange.class);
    /** Spec 1.1: GRIP instruct responses are buffered up to this many bytes. */
    static final int MAX_GRIP_BODY = 100_000;
    /** JSON-P wraps whole responses; larger ones get 502. */
    static final int MAX_JSONP_BODY = 1_000_000;
    /** Request body bytes held while no origin connection exists yet, before reading pauses. */
    private static final int MAX_PENDING_BODY = 64 * 1024;
    /** The status Netty gives the placeholder message of a head whose status line did not parse. */
    private static final int INVALID_STATUS = 999;

    private final ClientConnection client;
    private final RequestContext req;
    private final ProxyContext services;
    private final EventLoop loop;
    private final Route route;
    private final boolean requestHasBody;
    private final List<String> failures = new ArrayList<>(2);

    private int nextTarget;
    private Target target;
    private OriginConnector.PoolKey key;
    private Channel origin;
    private boolean reused;
    private boolean retriedStale;
    private ArrayDeque<HttpContent> pendingBody;
    private int pendingBytes;
    private boolean requestSent;
    private ScheduledFuture<?> responseTimer;
    private boolean skippingInformational;
    private boolean responseStarted;
    private boolean originKeepAlive;
    private boolean clientKeepAlive;
    private int status;
    private long bytesOut;
    private HttpResponse gripResponse;
    private HttpResponse jsonpResponse;
    private CompositeByteBuf gripBody;
    private GripHandoff.StreamStart streamStart;
    /** The request body as it went to the origin, for a hold that must send it again (issue 12). */
    private final RequestBodyCopy requestBodyCopy;
    private boolean finished;

    OriginExchange(ClientConnection client, RequestContext req) { // created by ClientConnection only
        this.client = client;
        this.req = req;
        this.services = client.services();
        this.loop = client.channel().eventLoop();
        this.route = req.route();
        HttpRequest r = req.request();
        this.requestHasBody = HttpUtil.isTransferEncodingChunked(r) || HttpUtil.getContentLength(r, 0L) > 0;
        this.requestBodyCopy = route.noGrip() ? RequestBodyCopy.EMPTY : RequestBodyCopy.collecting(r);
    }

    boolean responseStarted() {
        return responseStarted;
    }

    void start() {
        connectNext();
    }

    private void connectNext() {
        if (nextTarget >= route.targets().size()) {
            failConnect();
            return;
        }
        target = route.targets().get(nextTarget++);
        if (target.kind() != Target.Kind.ORIGIN) {
            failures.add(target.describe() + ": not an HTTP origin");
            connectNext();
            return;
        }
        key = OriginConnector.PoolKey.of(target);
        Channel idle = services.connector().pollIdle(loop, key);
        if (idle != null) {
            reused = true;
            attach(idle);
            return;
        }
        connectFresh();
    }

    private void connectFresh() {
        reused = false;
        Target connecting = target;
        services.connector().open(loop, key).addListener(f -> {
            Channel ch = (Channel) f.getNow();
            if (finished) {
                if (ch != null) {
                    ch.close();
                }
            } else if (f.isSuccess()) {
                attach(ch);
            } else {
                failures.add(connecting.describe() + ": " + describe(f.cause()));
                connectNext();
            }
        });
    }

    private void attach(Channel ch) {
        origin = ch;
        ch.pipeline().get(OriginChannelHandler.class).attach(this);
        ch.config().setAutoRead(true);
        String uri = route.rewritePath(req.pathAndQuery());
        HttpRequest head = services.requestFactory().build(req.request(), uri, route, target, req.client());
        ch.write(head, ch.voidPromise());
        if (pendingBody != null) {
            HttpContent c;
            while ((c = pendingBody.poll()) != null) {
                writeBody(c);
            }
            pendingBytes = 0;
        }
        ch.flush();
        client.pauseRequestBody(!requestSent && !ch.isWritable());
        if (requestSent) {
            armResponseTimer();
        }
    }

    @Override
    public void onRequestContent(HttpContent content) {
        if (finished) {
            content.release();
            return;
        }
        if (origin == null) {
            if (pendingBody == null) {
                pendingBody = new ArrayDeque<>(2);
            }
            pendingBody.add(content);
            pendingBytes += content.content().readableBytes();
            if (content instanceof LastHttpContent) {
                requestSent = true;
            }
            client.pauseRequestBody(pendingBytes > MAX_PENDING_BODY);
            return;
        }
        writeBody(content);
        origin.flush();
        if (requestSent) {
            armResponseTimer();
        } else if (!origin.isWritable()) {
            client.pauseRequestBody(true);
        }
    }

    private void writeBody(HttpContent content) {
        if (content instanceof LastHttpContent) {
            requestSent = true;
            if (req.jsonp() != null && req.jsonp().body() != null) {
                // A JSON-P request carries its body in the query (spec 5.4); the client sent none.
                content.release();
                content = new DefaultLastHttpContent(Unpooled.wrappedBuffer(req.jsonp().body()));
            }
        }
        requestBodyCopy.add(content.content());
        origin.write(content, origin.voidPromise());
    }

    @Override
    public void onOriginWritabilityChanged() {
        if (!requestSent && origin != null) {
            client.pauseRequestBody(!origin.isWritable());
        }
    }

    private void armResponseTimer() {
        if (responseTimer != null || responseStarted || gripResponse != null) {
            return;
        }
        long millis = services.config().originResponseTimeout().toMillis();
        responseTimer = loop.schedule(this::onResponseTimeout, millis, TimeUnit.MILLISECONDS);
    }

    private void cancelResponseTimer() {
        if (responseTimer != null) {
            responseTimer.cancel(false);
            responseTimer = null;
        }
    }

    private void onResponseTimeout() {
        responseTimer = null;
        if (finished || responseStarted) {
            return;
        }
        LOG.warn("conn={} origin {} did not answer {} {} within {} ms", req.connectionId(), target.describe(),
                req.request().method(), req.pathAndQuery(), services.config().originResponseTimeout().toMillis());
        fail(HttpResponseStatus.GATEWAY_TIMEOUT, "The origin did not respond in time ("
                + services.config().originResponseTimeout().toSeconds() + " s, origin_response_timeout).");
    }

    @Override
    public void onOriginRead(Object msg) {
        if (finished) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpResponse response) {
            if (response.decoderResult().isFailure()) {
                // Netty's invalid message (status 999 for a bad status line, or a head cut short at
                // the bad header): never relay it, the client gets a 502 instead.
                ReferenceCountUtil.release(msg);
                onOriginBroken(malformedHead(response));
                return;
            }
            onResponseHead(response);
        }
        if (msg instanceof HttpContent content) {
            onResponseContent(content);
        } else if (!(msg instanceof HttpResponse)) {
            ReferenceCountUtil.release(msg);
        }
    }

    /** Names what is wrong with a response head the codec could not decode, for the 502 body and the log. */
    static String malformedHead(HttpResponse response) {
        Throwable cause = response.decoderResult().cause();
        String detail = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        if (cause instanceof TooLongHttpHeaderException) {
            return "the origin's response headers are over " + OriginConnector.MAX_RESPONSE_HEADER_SIZE + " bytes";
        }
        if (cause instanceof TooLongHttpLineException || response.status().code() == INVALID_STATUS) {
            return "the origin's response does not start with a valid HTTP status line (" + detail + ")";
        }
        return "the origin's response has an invalid header (" + detail + ")";
    }

    private void onResponseHead(HttpResponse response) {
        int code = response.status().code();
        if (code >= 100 && code < 200 && code != 101) {
            // We answered Expect ourselves; an origin's interim response has no client to go to.
            skippingInformational = true;
            return;
        }
        cancelResponseTimer();
        services.counters().originResponded(route.id().orElse("-"), code, req.startNanos());
        status = code;
        originKeepAlive = HttpUtil.isKeepAlive(response);
        if (!route.noGrip() && !req.client().trustedUpstream() && GripInstructParser.isGripResponse(response.headers())) {
            streamStart = services.gripHandoff().startStream(client, req, response, requestBodyCopy);
            if (streamStart != null) {
                // A stream hold: its initial body streams to the client like a plain response would.
                responseStarted = true;
                return;
            }
            gripResponse = response;
            gripBody = origin.alloc().compositeBuffer();
            return;
        }
        if (req.jsonp() != null) {
            // JSON-P needs the whole body to wrap it: buffer like a GRIP response.
            jsonpResponse = response;
            gripBody = origin.alloc().compositeBuffer();
            return;
        }
        responseStarted = true;
        HttpHeaders headers = response.headers().copy();
        HopByHop.strip(headers);
        HttpResponse out = new DefaultHttpResponse(HttpVersion.HTTP_1_1, response.status(), headers);
        client.prepareResponseHead(out, req.keepAlive());
        clientKeepAlive = !ClientConnection.closesAfter(out);
        client.write(out);
    }

    private void onResponseContent(HttpContent content) {
        boolean last = content instanceof LastHttpContent;
        if (skippingInformational) {
            content.release();
            skippingInformational = !last;
            return;
        }
        if (content.decoderResult().isFailure()) {
            content.release();
            onOriginBroken("malformed response from origin: " + content.decoderResult().cause().getMessage());
            return;
        }
        if (gripResponse != null) {
            onGripContent(content, last);
            return;
        }
        if (jsonpResponse != null) {
            onJsonpContent(content, last);
            return;
        }
        if (streamStart != null) {
            onStreamBody(content, last);
            return;
        }
        bytesOut += content.content().readableBytes();
        client.write(content);
        if (last) {
            finished = true;
            releaseOrigin();
            client.flush();
            client.completeExchange(status, bytesOut, clientKeepAlive, null);
        } else if (!client.channel().isWritable()) {
            origin.config().setAutoRead(false);
        }
    }

    private void onGripContent(HttpContent content, boolean last) {
        if (gripBody.readableBytes() + content.content().readableBytes() > MAX_GRIP_BODY) {
            content.release();
            LOG.warn("conn={} origin {} sent a GRIP response body over {} bytes", req.connectionId(),
                    target.describe(), MAX_GRIP_BODY);
            fail(HttpResponseStatus.BAD_GATEWAY, "GRIP instruct response too large (over " + MAX_GRIP_BODY + " bytes).");
            return;
        }
        gripBody.addComponent(true, content.content());
        if (!last) {
            return;
        }
        finished = true;
        releaseOrigin();
        CompositeByteBuf body = gripBody;
        gripBody = null;
        Exchange next;
        try {
            next = services.gripHandoff().accept(client, req, gripResponse, body, requestBodyCopy);
        } catch (RuntimeException e) {
            // The instructions were valid (invalid ones get a 502) but the hold failed to start, maybe
            // after writing: the client cannot be left waiting, and a response cannot be trusted.
            LOG.warn("conn={} GRIP hand-off failed for {} {}: {}", req.connectionId(), req.request().method(),
                    req.pathAndQuery(), e.toString());
            LOG.debug("conn={} GRIP hand-off failure", req.connectionId(), e);
            client.abort("GRIP hand-off failed: " + e);
            return;
        }
        client.replaceExchange(this, next);
    }

    private void onJsonpContent(HttpContent content, boolean last) {
        if (gripBody.readableBytes() + content.content().readableBytes() > MAX_JSONP_BODY) {
            content.release();
            fail(HttpResponseStatus.BAD_GATEWAY, "Response too large for JSON-P (over " + MAX_JSONP_BODY + " bytes).");
            return;
        }
        gripBody.addComponent(true, content.content());
        if (!last) {
            return;
        }
        finished = true;
        releaseOrigin();
        HttpHeaders headers = jsonpResponse.headers().copy();
        HopByHop.strip(headers);
        FullHttpResponse full = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, jsonpResponse.status(), gripBody,
                headers, io.netty.handler.codec.http.EmptyHttpHeaders.INSTANCE);
        gripBody = null;
        FullHttpResponse script = req.jsonp().wrap(full);
        client.prepareResponseHead(script, req.keepAlive());
        boolean keepAlive = !ClientConnection.closesAfter(script);
        int bytes = script.content().readableBytes();
        client.write(script);
        client.flush();
        client.completeExchange(200, bytes, keepAlive, "jsonp");
    }

    private void onStreamBody(HttpContent content, boolean last) {
        bytesOut += content.content().readableBytes();
        streamStart.onBody(content.content());
        if (!last) {
            if (!client.channel().isWritable()) {
                origin.config().setAutoRead(false);
            }
            return;
        }
        finished = true;
        releaseOrigin();
        GripHandoff.StreamStart started = streamStart;
        streamStart = null;
        client.replaceExchange(this, started.onEnd());
    }

    @Override
    public void onOriginReadComplete() {
        if (responseStarted) {
            client.flush();
        }
    }

    @Override
    public void onClientWritabilityChanged(boolean writable) {
        if (origin != null && responseStarted) {
            origin.config().setAutoRead(writable);
        }
    }

    @Override
    public void onOriginClosed(Throwable cause) {
        origin = null;
        if (finished) {
            return;
        }
        if (!responseStarted && gripResponse == null && !skippingInformational) {
            if (reused && !retriedStale && !requestHasBody) {
                // A pooled connection the origin had already closed: the request never reached it.
                retriedStale = true;
                connectFresh();
                return;
            }
        }
        onOriginBroken(cause == null ? "origin closed the connection" : describe(cause));
    }

    private void onOriginBroken(String reason) {
        if (finished) {
            return;
        }
        LOG.warn("conn={} origin {}: {} ({} {})", req.connectionId(), target.describe(), reason,
                req.request().method(), req.pathAndQuery());
        if (responseStarted) {
            finished = true;
            cancelResponseTimer();
            closeOrigin();
            abortStreamStart();
            client.flush();
            client.abort("origin " + target.describe() + " failed mid-response: " + reason);
        } else {
            fail(HttpResponseStatus.BAD_GATEWAY, "Error while proxying to origin: " + reason + ".");
        }
    }

    private void failConnect() {
        String tried = String.join("; ", failures);
        LOG.warn("conn={} unable to connect to any target of route {}: {}", req.connectionId(), route.describe(), tried);
        StringBuilder body = new StringBuilder(
                connectFailureBody(failures, services.config().debug() || route.debug()));
        if (HoldfastConfig.DEFAULT_ROUTE.equals(route.source().strip())) {
            body.append("No origin is listening on ").append(route.targets().get(0).describe())
                    .append(". Start your app there, or point Holdfast at it: ./holdfast --route \"* HOST:PORT\"")
                    .append(" (or a routes file, see README).\n");
        }
        fail(HttpResponseStatus.BAD_GATEWAY, body.toString());
    }

    /**
     * The 502 body when no target connected: the last cause always, every target tried only in debug
     * mode (target addresses are internal). The debug body starts with Pushpin's own words, "Unable to
     * connect to any targets. Tried: ...", which scripts look for.
     */
    public static String connectFailureBody(List<String> failures, boolean debug) {
        if (debug) {
            return "Unable to connect to any targets. Tried: " + String.join("; ", failures) + ".\n";
        }
        StringBuilder body = new StringBuilder("Bad gateway: Holdfast could not connect to the origin");
        if (!failures.isEmpty() && !failures.get(failures.size() - 1).contains(OutboundPolicy.BLOCKED)) {
            // A refusal names internal addresses: only debug bodies carry it.
            String last = failures.get(failures.size() - 1);
            body.append(" (").append(last.substring(last.indexOf(": ") + 2)).append(')');
        }
        return body.append(".\n").toString();
    }

    private void fail(HttpResponseStatus failure, String message) {
        finished = true;
        services.counters().originFailures.increment();
        cancelResponseTimer();
        closeOrigin();
        releaseBuffers();
        client.respondText(failure, message, req.keepAlive());
    }

    private void releaseOrigin() {
        cancelResponseTimer();
        Channel ch = origin;
        origin = null;
        if (ch == null) {
            return;
        }
        if (originKeepAlive && requestSent) {
            services.connector().release(ch, key);
        } else {
            ch.close();
        }
    }

    private void closeOrigin() {
        Channel ch = origin;
        origin = null;
        if (ch != null) {
            OriginChannelHandler.closeDetached(ch);
        }
    }

    private void releaseBuffers() {
        if (pendingBody != null) {
            pendingBody.forEach(HttpContent::release);
            pendingBody.clear();
        }
        if (gripBody != null) {
            gripBody.release();
            gripBody = null;
        }
    }

    @Override
    public void onClientClosed() {
        if (finished) {
            return;
        }
        finished = true;
        cancelResponseTimer();
        closeOrigin();
        releaseBuffers();
        abortStreamStart();
    }

    private void abortStreamStart() {
        if (streamStart != null) {
            streamStart.abort();
            streamStart = null;
        }
    }

    static String describe(Throwable cause) {
        if (cause instanceof ConnectException) {
            String m = cause.getMessage();
            if (m != null && m.toLowerCase().contains("refused")) {
                return "connection refused";
            }
            if (m != null && m.toLowerCase().contains("timed out")) {
                return "connect timed out";
            }
        }
        if (cause instanceof io.netty.channel.ConnectTimeoutException) {
            return "connect timed out";
        }
        String m = cause.getMessage();
        return m == null ? cause.getClass().getSimpleName() : m;
    }
}
