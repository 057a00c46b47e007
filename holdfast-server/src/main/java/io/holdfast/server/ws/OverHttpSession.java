package io.holdfast.server.ws;

import io.holdfast.grip.websocket.WebSocketContext;
import io.holdfast.grip.websocket.WebSocketEvent;
import io.holdfast.grip.websocket.WebSocketEventCodec;
import io.holdfast.grip.websocket.WebSocketEventException;
import io.holdfast.server.proxy.ClientConnection;
import io.holdfast.server.proxy.OriginChannelHandler;
import io.holdfast.server.proxy.OriginConnector;
import io.holdfast.server.proxy.OriginListener;
import io.holdfast.server.proxy.RequestContext;
import io.holdfast.server.pubsub.PubSub;
import io.holdfast.server.route.Route;
import io.holdfast.server.route.Target;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client WebSocket served by an origin that speaks only HTTP (spec 2.2, target option
 * {@code over_http}): every client event becomes part of a POST with an
 * {@code application/websocket-events} body, one request in flight at a time, with events that
 * arrive meanwhile batched into the next. The first exchange ({@code OPEN}) decides the handshake;
 * later responses carry messages, control messages and the close handshake back. Requests that
 * cannot reach the origin are retried with Pushpin's backoff, then the client is closed with 1011.
 */
final class OverHttpSession extends WsSession implements OriginListener {
    private static final Logger LOG = LoggerFactory.getLogger(OverHttpSession.class);
    /**
     * Spec 2.2: response bodies over 1,000,000 bytes are an error. Holdfast adds
     * {@code websocket_max_message_size} to it, so one message of the largest size a client may get
     * fits with room for other events (Pushpin's limit would refuse a 1 MiB message).
     */
    static final int MAX_RESPONSE_BODY = 1_000_000;
    /** Spec 2.2: a rejection body is relayed up to 100,000 bytes. */
    static final int MAX_REJECTION_BODY = 100_000;
    /** Spec 2.2: about 200,000 bytes of client messages go in one request, and are buffered at most. */
    static final int MAX_BATCH_BYTES = 200_000;

    private final Route route;
    private final int maxMessage;
    private final int maxResponseBody;
    private final OverHttpRequests requests;
    private final OverHttpOutbox outbox = new OverHttpOutbox(MAX_BATCH_BYTES);
    private int targetIndex;
    private Target target;
    private OriginConnector.PoolKey key;
    private GripMode grip = GripMode.OFF;
    private boolean opened;
    private boolean clientClosing;
    private long keepAliveMillis;
    private ScheduledFuture<?> keepAliveTimer;
    private ScheduledFuture<?> retryTimer;
    private int retries;

    // The request in flight.
    private OverHttpOutbox.Batch inFlight;
    private Channel origin;
    private boolean reusedConnection;
    private boolean staleRetried;
    private boolean requestWritten;
    private HttpResponse response;
    private CompositeByteBuf responseBody;
    private ScheduledFuture<?> responseTimer;

    OverHttpSession(ClientConnection connection, RequestContext request, PubSub pubsub) {
        super(connection, request, pubsub);
        this.route = request.route();
        this.maxMessage = connection.services().config().webSocketMaxMessageSize();
        this.maxResponseBody = MAX_RESPONSE_BODY + maxMessage;
        this.requests = new OverHttpRequests(connection.services(), request, connection.key(), connection.channel().eventLoop());
    }

    void start() {
        target = route.targets().get(0);
        send(OverHttpOutbox.Batch.of(List.of(WebSocketEvent.open())));
    }

    // ---- requests to the origin ----

    private void send(OverHttpOutbox.Batch batch) {
        inFlight = batch;
        cancelKeepAlive();
        acquire();
    }

    private void acquire() {
        retryTimer = null;
        if (ended()) {
            return;
        }
        key = OriginConnector.PoolKey.of(target);
        OriginConnector connector = connection.services().connector();
        Channel idle = staleRetried ? null : connector.pollIdle(loop(), key);
        if (idle != null) {
            reusedConnection = true;
            onConnected(idle);
            return;
        }
        reusedConnection = false;
        connector.open(loop(), key).addListener(f -> {
            Channel ch = (Channel) f.getNow();
            if (inFlight == null) {
                if (ch != null) {
                    ch.close();
                }
            } else if (f.isSuccess()) {
                onConnected(ch);
            } else {
                onUnreachable(f.cause().getMessage() == null ? f.cause().toString() : f.cause().getMessage());
            }
        });
    }

    private void onConnected(Channel ch) {
        origin = ch;
        requestWritten = false;
        ch.pipeline().get(OriginChannelHandler.class).attach(this);
        ch.config().setAutoRead(true);
        FullHttpRequest post = requests.build(target, inFlight.events(), meta(), inFlight.replayedBytes());
        connection.services().counters().wsOverHttpRequests.increment();
        ch.writeAndFlush(post).addListener(f -> {
            if (f.isSuccess() && origin == ch) {
                requestWritten = true;
                long millis = connection.services().config().originResponseTimeout().toMillis();
                responseTimer = loop().schedule(this::onResponseTimeout, millis, TimeUnit.MILLISECONDS);
            }
        });
    }

    /** The request never reached the origin: next target during OPEN, else retry with backoff. */
    private void onUnreachable(String reason) {
        dropOrigin();
        if (!opened) {
            if (++targetIndex < route.targets().size()) {
                target = route.targets().get(targetIndex);
                acquire();
                return;
            }
            reject(HttpResponseStatus.BAD_GATEWAY, "Bad gateway: Holdfast could not connect to the origin (" + reason + ").");
            return;
        }
        int max = connection.services().config().webSocketRetries();
        if (retries >= max) {
            fail("origin unreachable after " + max + " retries: " + reason);
            return;
        }
        long base = connection.services().config().webSocketRetryDelay().toMillis() << retries;
        long delay = base + ThreadLocalRandom.current().nextLong(Math.min(1000, base));
        retries++;
        connection.services().counters().wsOverHttpRetries.increment();
        LOG.info("conn={} ws-over-http request to {} failed ({}); retry {}/{} in {} ms", connection.id(),
                target.describe(), reason, retries, max, delay);
        retryTimer = loop().schedule(this::acquire, delay, TimeUnit.MILLISECONDS);
    }

    private void onResponseTimeout() {
        responseTimer = null;
        if (inFlight != null) {
            fail("origin did not answer within " + connection.services().config().originResponseTimeout().toSeconds()
                    + " s");
        }
    }

    @Override
    public void onOriginRead(Object msg) {
        if (inFlight == null) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpResponse r) {
            response = r;
            responseBody = origin.alloc().compositeBuffer();
        }
        if (msg instanceof HttpContent content) {
            if (content.decoderResult().isFailure() || responseBody == null) {
                content.release();
                fail("malformed response from origin");
                return;
            }
            if (responseBody.readableBytes() + content.content().readableBytes() > maxResponseBody) {
                content.release();
                String why = "response body over " + maxResponseBody + " bytes";
                if (opened) {
                    originTooLarge(why);
                } else {
                    fail(why);
                }
                return;
            }
            responseBody.addComponent(true, content.content());
            if (content instanceof LastHttpContent) {
                onResponse();
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
        if (inFlight == null) {
            return;
        }
        String reason = cause == null ? "origin closed the connection" : String.valueOf(cause.getMessage());
        if (response != null) {
            fail(reason + " mid-response");
        } else if (!requestWritten) {
            onUnreachable(reason);
        } else if (reusedConnection && !staleRetried) {
            // A pooled connection the origin had closed just as we wrote to it: the request went nowhere.
            staleRetried = true;
            acquire();
        } else {
            // Spec 2.2: a request that was fully sent is not retried, to avoid duplicates.
            fail(reason + " before responding");
        }
    }

    private void onResponse() {
        cancelResponseTimer();
        HttpResponse r = response;
        byte[] body = ByteBufUtil.getBytes(responseBody);
        responseBody.release();
        responseBody = null;
        response = null;
        boolean keepAlive = HttpUtil.isKeepAlive(r);
        Channel ch = origin;
        origin = null;
        if (ch != null) {
            if (keepAlive) {
                connection.services().connector().release(ch, key);
            } else {
                OriginChannelHandler.closeDetached(ch);
            }
        }
        OverHttpOutbox.Batch sent = inFlight;
        inFlight = null;
        retries = 0;
        staleRetried = false;
        if (!opened) {
            onOpenResponse(r, body);
        } else {
            onLaterResponse(r, body, sent);
        }
    }

    private void onOpenResponse(HttpResponse r, byte[] body) {
        if (!OverHttpRequests.isEventsResponse(r)) {
            rejectWithOriginResponse(r, body);
            return;
        }
        OverHttpOutbox.Outcome accepted = outbox.onAnswer(OverHttpOutbox.Batch.of(List.of()),
                r.headers().get(WebSocketContext.CONTENT_BYTES_ACCEPTED_HEADER));
        if (!accepted.ok()) {
            fail(accepted.error());
            return;
        }
        List<WebSocketEvent> events;
        try {
            events = WebSocketEventCodec.decode(body);
        } catch (WebSocketEventException e) {
            LOG.warn("conn={} origin {} sent a malformed events body: {}", connection.id(), target.describe(), e.getMessage());
            reject(HttpResponseStatus.BAD_GATEWAY, "Bad gateway: the origin's WebSocket-over-HTTP response was malformed.");
            return;
        }
        if (events.isEmpty() || events.get(0).type() != WebSocketEvent.Type.OPEN) {
            LOG.warn("conn={} origin {} did not accept the WebSocket (no OPEN event)", connection.id(), target.describe());
            reject(HttpResponseStatus.BAD_GATEWAY, "Bad gateway: the origin did not accept the WebSocket (no OPEN event).");
            return;
        }
        grip = route.noGrip() ? GripMode.OFF
                : GripMode.fromExtensions(r.headers().getAll(io.netty.handler.codec.http.HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS));
        socket = WebSocketAccept.accept(connection, request, OverHttpRequests.clientHandshakeHeaders(r),
                r.headers().get(io.netty.handler.codec.http.HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL), this);
        opened = true;
        onAccepted(target);
        applyHeaders(r);
        onEvents(events.subList(1, events.size()), false);
        afterResponse();
    }

    private void onLaterResponse(HttpResponse r, byte[] body, OverHttpOutbox.Batch sent) {
        if (!OverHttpRequests.isEventsResponse(r)) {
            fail("origin answered " + r.status() + " instead of 200 application/websocket-events");
            return;
        }
        // Spec 2.2, Pushpin 1.41: what the origin did not accept is offered again in the next request.
        OverHttpOutbox.Outcome accepted = outbox.onAnswer(sent,
                r.headers().get(WebSocketContext.CONTENT_BYTES_ACCEPTED_HEADER));
        if (!accepted.ok()) {
            fail(accepted.error());
            return;
        }
        resumeClientIfDrained();
        List<WebSocketEvent> events;
        try {
            events = WebSocketEventCodec.decode(body);
        } catch (WebSocketEventException e) {
            fail("malformed events body: " + e.getMessage());
            return;
        }
        applyHeaders(r);
        boolean sentClose = accepted.closeSent();
        onEvents(events, sentClose);
        if (!ended() && sentClose) {
            // Spec 2.2: no CLOSE in the answer to ours counts as an unclean disconnect; close anyway.
            closeClient(WebSocketCloseStatus.NORMAL_CLOSURE.code(), "", "origin did not confirm close");
            return;
        }
        afterResponse();
    }

    private void applyHeaders(HttpResponse r) {
        OverHttpRequests.applySetMeta(r, subscriptions);
        String interval = r.headers().get("Keep-Alive-Interval");
        if (interval != null) {
            try {
                // Spec 2.2: values below 20 are raised to 20.
                keepAliveMillis = Math.max(20, Integer.parseInt(interval.strip())) * 1000L;
            } catch (NumberFormatException e) {
                LOG.debug("conn={} ignoring Keep-Alive-Interval {}", connection.id(), interval);
            }
        }
    }

    private void onEvents(List<WebSocketEvent> events, boolean awaitingCloseAck) {
        for (WebSocketEvent e : events) {
            if (ended()) {
                return;
            }
            switch (e.type()) {
                case TEXT, BINARY -> {
                    if (e.content().length > maxMessage) {
                        originTooLarge("a message of " + e.content().length + " bytes (websocket_max_message_size "
                                + maxMessage + ")");
                    } else if (e.type() == WebSocketEvent.Type.TEXT) {
                        onOriginText(e.content());
                    } else {
                        onOriginBinary(e.content());
                    }
                }
                case PING -> sendToClient(new PingWebSocketFrame(Unpooled.wrappedBuffer(e.content())));
                case PONG -> sendToClient(new PongWebSocketFrame(Unpooled.wrappedBuffer(e.content())));
                case CLOSE -> onOriginClose(e, awaitingCloseAck);
                case DISCONNECT -> {
                    LOG.info("conn={} origin dropped the WebSocket (DISCONNECT)", connection.id());
                    connection.channel().close();
                    end("origin disconnected");
                }
                default -> { }
            }
        }
    }

    private void onOriginText(byte[] text) {
        if (!grip.enabled()) {
            sendToClient(new TextWebSocketFrame(Unpooled.wrappedBuffer(text)));
            return;
        }
        var content = Unpooled.wrappedBuffer(text);
        GripMode.Meaning meaning = grip.classify(content);
        if (meaning instanceof GripMode.Control c) {
            applyControl(c.message());
        } else if (meaning instanceof GripMode.Relay relay) {
            sendToClient(new TextWebSocketFrame(content.skipBytes(relay.prefixLength())));
        } else if (meaning instanceof GripMode.Drop drop) {
            LOG.debug("conn={} dropping origin message: {}", connection.id(), drop.why());
        }
    }

    private void onOriginBinary(byte[] data) {
        var content = Unpooled.wrappedBuffer(data);
        GripMode.Meaning meaning = grip.enabled() ? grip.classifyBinary(content) : new GripMode.Relay(0);
        if (meaning instanceof GripMode.Relay relay) {
            sendToClient(new BinaryWebSocketFrame(content.skipBytes(relay.prefixLength())));
        } else if (meaning instanceof GripMode.Drop drop) {
            LOG.debug("conn={} dropping origin message: {}", connection.id(), drop.why());
        }
    }

    /**
     * The origin's CLOSE. A code no endpoint may send (RFC 6455 §7.4) or a reason that is not UTF-8
     * (§5.5.1) is not relayed: the origin gets CLOSE 1002 or 1007 and the client 1011.
     */
    private void onOriginClose(WebSocketEvent close, boolean awaitingCloseAck) {
        int code = close.closeCode();
        byte[] content = close.content();
        int problem = 0;
        // 1005 is read as "no code", which is what an origin echoing a code-less close means by it.
        if (content.length >= 2 && code != WebSocketCloseStatus.EMPTY.code() && !CloseCodes.isValid(code)) {
            problem = WebSocketCloseStatus.PROTOCOL_ERROR.code();
        } else if (content.length > 2 && !ByteBufUtil.isText(Unpooled.wrappedBuffer(content, 2, content.length - 2),
                StandardCharsets.UTF_8)) {
            problem = WebSocketCloseStatus.INVALID_PAYLOAD_DATA.code();
        }
        if (problem != 0) {
            LOG.info("conn={} origin {} sent a bad CLOSE (code {}); answering {}", connection.id(), target.describe(),
                    code, problem);
            if (!awaitingCloseAck) {
                requests.postAndForget(target, WebSocketEvent.close(problem, ""), meta());
            }
            closeClient(WebSocketCloseStatus.INTERNAL_SERVER_ERROR.code(), "origin error", "bad close from origin");
            return;
        }
        String reason = close.closeReason();
        if (!awaitingCloseAck) {
            // The origin closes first: close the client, then send our own CLOSE (spec 2.2).
            requests.postAndForget(target, closeEvent(code, reason), meta());
        }
        closeClient(code, reason, awaitingCloseAck ? "closed by client" : "closed by origin");
    }

    /** A CLOSE event; 1005 ("no code") becomes a CLOSE without content, as Pushpin sends it. */
    private static WebSocketEvent closeEvent(int code, String reason) {
        return code == WebSocketCloseStatus.EMPTY.code() ? WebSocketEvent.close() : WebSocketEvent.close(code, reason);
    }

    /**
     * After a response: send what queued meanwhile, or wait with the keep-alive timer running. Content
     * the origin did not accept waits for new data, a keep-alive or a refresh (as in Pushpin).
     */
    private void afterResponse() {
        if (ended()) {
            return;
        }
        if (outbox.hasNewData() && !detached()) {
            sendQueued();
        } else {
            scheduleKeepAlive();
        }
    }

    private void sendQueued() {
        send(outbox.next(target.oneEvent()));
    }

    private void scheduleKeepAlive() {
        cancelKeepAlive();
        if (keepAliveMillis > 0 && !detached()) {
            keepAliveTimer = loop().schedule(this::onKeepAlive, keepAliveMillis, TimeUnit.MILLISECONDS);
        }
    }

    private void onKeepAlive() {
        keepAliveTimer = null;
        if (!ended() && inFlight == null) {
            if (!outbox.isEmpty() && !detached()) {
                sendQueued(); // content waiting for a replay goes along, as Pushpin sends it
            } else {
                send(OverHttpOutbox.Batch.of(List.of())); // an empty body is a keep-alive (spec 2.2)
            }
        }
    }

    private void cancelKeepAlive() {
        if (keepAliveTimer != null) {
            keepAliveTimer.cancel(false);
            keepAliveTimer = null;
        }
    }

    // ---- the client side ----

    @Override
    public void onClientMessage(WebSocketFrame message) {
        try {
            if (detached() || clientClosing) {
                return;
            }
            countClientMessage();
            byte[] content = ByteBufUtil.getBytes(message.content());
            enqueue(message instanceof TextWebSocketFrame
                    ? new WebSocketEvent(WebSocketEvent.Type.TEXT, content) : WebSocketEvent.binary(content));
        } finally {
            message.release();
        }
    }

    @Override
    public void onClientClose(int code, String reason) {
        if (clientClosing) {
            return;
        }
        clientClosing = true;
        enqueue(closeEvent(code, reason));
    }

    private void enqueue(WebSocketEvent event) {
        outbox.add(event);
        if (outbox.queuedBytes() > MAX_BATCH_BYTES && socket != null) {
            socket.channel().config().setAutoRead(false);
        }
        if (opened && inFlight == null && retryTimer == null) {
            sendQueued();
        }
    }

    private void resumeClientIfDrained() {
        if (outbox.queuedBytes() <= MAX_BATCH_BYTES / 2 && socket != null && !socket.channel().config().isAutoRead()) {
            socket.channel().config().setAutoRead(true);
        }
    }

    @Override
    protected void onRefresh() {
        if (opened && inFlight == null && !detached()) {
            if (outbox.isEmpty()) {
                send(OverHttpOutbox.Batch.of(List.of()));
            } else {
                sendQueued();
            }
        }
    }

    @Override
    protected void onDetach() {
        cancelKeepAlive();
        outbox.clear();
        resumeClientIfDrained();
    }

    @Override
    protected void onClientGone() {
        if (opened && !clientClosing) {
            // Spec 2.2: DISCONNECT is sent even though the session is over.
            requests.postAndForget(target, WebSocketEvent.disconnect(), meta());
        }
    }

    // ---- failures and teardown ----

    /**
     * The origin sent more than {@code websocket_max_message_size} allows: like a passthrough origin,
     * it gets CLOSE 1009 and so does the client (RFC 6455 §7.4.1).
     */
    private void originTooLarge(String what) {
        LOG.warn("conn={} ws-over-http origin {} sent {}; closing with 1009", connection.id(), target.describe(), what);
        requests.postAndForget(target, WebSocketEvent.close(WebSocketCloseStatus.MESSAGE_TOO_BIG.code(),
                "message too large"), meta());
        closeClient(WebSocketCloseStatus.MESSAGE_TOO_BIG.code(), "origin message too large", "origin message too large");
    }

    /** The session cannot go on: 1011 to an open client, 502 before the handshake. */
    private void fail(String reason) {
        LOG.warn("conn={} ws-over-http session with {} failed: {}", connection.id(), target.describe(), reason);
        if (!opened) {
            reject(HttpResponseStatus.BAD_GATEWAY, "Bad gateway: " + reason + ".");
        } else {
            closeClient(WebSocketCloseStatus.INTERNAL_SERVER_ERROR.code(), "origin error", reason);
        }
    }

    private void reject(HttpResponseStatus status, String message) {
        dropOrigin();
        inFlight = null;
        connection.respondText(status, message, false);
        end("rejected");
    }

    private void rejectWithOriginResponse(HttpResponse r, byte[] body) {
        byte[] shown = body.length > MAX_REJECTION_BODY ? java.util.Arrays.copyOf(body, MAX_REJECTION_BODY) : body;
        var out = OverHttpRequests.rejection(r, shown);
        connection.prepareResponseHead(out, false);
        connection.write(out);
        connection.flush();
        LOG.info("conn={} origin refused the WebSocket with {}", connection.id(), r.status());
        connection.completeExchange(r.status().code(), shown.length, false, "websocket refused by origin");
        end("refused");
    }

    private void cancelResponseTimer() {
        if (responseTimer != null) {
            responseTimer.cancel(false);
            responseTimer = null;
        }
    }

    private void dropOrigin() {
        cancelResponseTimer();
        Channel ch = origin;
        origin = null;
        if (ch != null) {
            OriginChannelHandler.closeDetached(ch);
        }
        if (responseBody != null) {
            responseBody.release();
            responseBody = null;
        }
        response = null;
    }

    @Override
    protected void onEnd() {
        inFlight = null;
        dropOrigin();
        cancelKeepAlive();
        if (retryTimer != null) {
            retryTimer.cancel(false);
            retryTimer = null;
        }
        outbox.clear();
    }
}
