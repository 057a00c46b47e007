package io.holdfast.server.ws;

import io.holdfast.server.config.HoldfastConfig;
import io.holdfast.server.proxy.ClientConnection;
import io.holdfast.server.proxy.OriginExchange;
import io.holdfast.server.proxy.ProxyContext;
import io.holdfast.server.proxy.RequestContext;
import io.holdfast.server.pubsub.PubSub;
import io.holdfast.server.route.Route;
import io.holdfast.server.route.Target;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketHandshakeException;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client WebSocket relayed to an origin that speaks WebSocket itself (spec 2.1). The origin
 * connection lives on the client's event loop, so relaying is a method call. Targets are tried in
 * order until one connects; the client gets its 101 only once the origin has given one, and a
 * refusal is passed back as the origin's own status and body.
 *
 * <p>If the origin's 101 accepts the {@code grip} extension the session is in GRIP mode: origin text
 * messages are {@code c:} control messages (acted on by {@link WsSession}) or carry the message
 * prefix, which is stripped before the client sees them; anything else is dropped. Otherwise it is a
 * transparent proxy. Each side stops reading while the other cannot take more.
 */
final class PassthroughSession extends WsSession {
    private static final Logger LOG = LoggerFactory.getLogger(PassthroughSession.class);
    /** The origin's refusal (status and body) is buffered up to this size to pass on to the client. */
    static final int MAX_HANDSHAKE_RESPONSE = 64 * 1024;

    private final ProxyContext services;
    private final Route route;
    private final List<String> failures = new ArrayList<>(2);
    private int nextTarget;
    private Target target;
    /** The origin connection (or connection attempt); null once closed or given up. */
    private Channel origin;
    private PassthroughHandshaker handshaker;
    private ScheduledFuture<?> handshakeTimer;
    private boolean handshakeSent;
    private boolean gripOffered;
    private boolean upgraded;
    /** Answered with an HTTP error, or the client left, before the upgrade: nothing more to do. */
    private boolean finished;
    /** GRIP mode's message prefix as UTF-8, or null for a transparent proxy. */
    private GripMode grip = GripMode.OFF;
    private boolean clientPaused;

    PassthroughSession(ClientConnection connection, RequestContext request, PubSub pubsub) {
        super(connection, request, pubsub);
        this.services = connection.services();
        this.route = request.route();
    }

    /**
     * Starts connecting. The first attempt runs as a task of its own, so the connection has made this
     * session its exchange before any answer, even a synchronous failure, reaches the client.
     */
    void start() {
        loop().execute(this::connectNext);
    }

    // ---- connecting and the origin handshake ----

    private void connectNext() {
        if (finished) {
            return;
        }
        if (nextTarget >= route.targets().size()) {
            failConnect();
            return;
        }
        Target next = route.targets().get(nextTarget++);
        if (next.kind() != Target.Kind.ORIGIN) {
            failures.add(next.describe() + ": not a WebSocket origin");
            connectNext();
            return;
        }
        target = next;
        HoldfastConfig config = services.config();
        Bootstrap b = new Bootstrap()
                .group(loop())
                .channel(services.connector().transport().socketChannelClass())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) config.originConnectTimeout().toMillis())
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) throws Exception {
                        ChannelPipeline p = ch.pipeline();
                        if (next.ssl()) {
                            p.addLast("tls", services.connector().newTlsHandler(ch, next));
                        }
                        p.addLast("http", new HttpClientCodec(new HttpDecoderConfig()
                                .setMaxInitialLineLength(16 * 1024)
                                .setMaxHeaderSize(64 * 1024), false, false));
                        p.addLast("http-aggregate", new HttpObjectAggregator(MAX_HANDSHAKE_RESPONSE));
                        p.addLast(PassthroughOriginHandler.NAME, new PassthroughOriginHandler(PassthroughSession.this));
                    }
                });
        ChannelFuture connect = b.connect(next.host(), next.port());
        origin = connect.channel();
        connect.addListener(f -> onConnect(connect.channel(), next, f.isSuccess() ? null : f.cause()));
    }

    private void onConnect(Channel ch, Target connecting, Throwable cause) {
        if (ch != origin || finished || ended()) {
            ch.close();
            return;
        }
        if (cause != null) {
            origin = null;
            failures.add(connecting.describe() + ": " + describe(cause));
            connectNext();
            return;
        }
        SslHandler tls = ch.pipeline().get(SslHandler.class);
        if (tls == null) {
            sendHandshake(ch);
            return;
        }
        tls.handshakeFuture().addListener(h -> {
            if (ch != origin || finished || ended()) {
                ch.close();
            } else if (h.isSuccess()) {
                sendHandshake(ch);
            } else {
                origin = null;
                ch.close();
                failures.add(connecting.describe() + ": TLS handshake failed: " + h.cause().getMessage());
                connectNext();
            }
        });
    }

    private void sendHandshake(Channel ch) {
        String uri = route.rewritePath(request.pathAndQuery());
        HttpRequest head = services.requestFactory().build(request.request(), uri, route, target, request.client());
        HttpHeaders headers = head.headers();
        removeMatching(headers, "sec-websocket-", HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL.toString());
        headers.remove(HttpHeaderNames.CONTENT_LENGTH);
        headers.remove(HttpHeaderNames.TRANSFER_ENCODING);
        // Spec 2.1: the client's extensions are not forwarded; a GRIP route offers its own.
        gripOffered = !route.noGrip();
        if (gripOffered) {
            headers.set(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS, GripMode.EXTENSION);
        }
        URI server;
        try {
            server = new URI(target.ssl() ? "wss" : "ws", null, target.host(), target.port(), "/", null, null);
        } catch (URISyntaxException e) {
            fail(HttpResponseStatus.BAD_GATEWAY, "Bad origin address " + target.describe() + ".");
            return;
        }
        handshaker = new PassthroughHandshaker(server, uri, headers, services.config().webSocketMaxMessageSize());
        handshakeSent = true;
        handshaker.handshake(ch).addListener(f -> {
            if (!f.isSuccess()) {
                onOriginError(ch, f.cause());
            }
        });
        long millis = services.config().originResponseTimeout().toMillis();
        handshakeTimer = loop().schedule(this::onHandshakeTimeout, millis, TimeUnit.MILLISECONDS);
    }

    private void onHandshakeTimeout() {
        handshakeTimer = null;
        if (finished || upgraded) {
            return;
        }
        LOG.warn("conn={} origin {} did not answer the WebSocket handshake for {} within {} ms", connection.id(),
                target.describe(), request.pathAndQuery(), services.config().originResponseTimeout().toMillis());
        fail(HttpResponseStatus.GATEWAY_TIMEOUT, "The origin did not respond in time ("
                + services.config().originResponseTimeout().toSeconds() + " s, origin_response_timeout).");
    }

    void onOriginHandshake(Channel ch, FullHttpResponse response) {
        try {
            if (ch != origin || finished || ended() || upgraded) {
                return;
            }
            cancelHandshakeTimer();
            if (response.status().code() != HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
                relayRefusal(response);
                return;
            }
            upgrade(ch, response);
        } finally {
            response.release();
        }
    }

    private void upgrade(Channel ch, FullHttpResponse response) {
        HttpHeaders originHeaders = response.headers();
        String subprotocol = originHeaders.get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL);
        if (subprotocol != null && !offered(subprotocol.strip())) {
            LOG.warn("conn={} origin {} chose WebSocket subprotocol {} the client did not offer", connection.id(),
                    target.describe(), subprotocol);
            fail(HttpResponseStatus.BAD_GATEWAY, "The origin chose a WebSocket subprotocol the client did not offer.");
            return;
        }
        GripMode mode = gripOffered
                ? GripMode.fromExtensions(originHeaders.getAll(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS))
                : GripMode.OFF;
        HttpHeaders toClient = clientHeaders(originHeaders);
        // Checked above; Netty would otherwise refuse any choice, as it was told of no offer.
        originHeaders.remove(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL);
        try {
            handshaker.finishHandshake(ch, response);
        } catch (WebSocketHandshakeException e) {
            LOG.warn("conn={} origin {} sent a bad WebSocket handshake: {}", connection.id(), target.describe(),
                    e.getMessage());
            fail(HttpResponseStatus.BAD_GATEWAY, "Bad WebSocket handshake from origin: " + e.getMessage() + ".");
            return;
        }
        // Frames sent right behind the 101 are decoded as soon as this returns: install these now.
        PassthroughOriginHandler handler = (PassthroughOriginHandler) ch.pipeline().get(PassthroughOriginHandler.NAME);
        ch.pipeline().addBefore(PassthroughOriginHandler.NAME, PassthroughOriginHandler.FRAGMENTS,
                handler.newFragmentMarker());
        ch.pipeline().addBefore(PassthroughOriginHandler.NAME, PassthroughOriginHandler.AGGREGATOR,
                new WebSocketFrameAggregator(services.config().webSocketMaxMessageSize()));

        socket = WebSocketAccept.accept(connection, request, toClient, subprotocol, this);
        upgraded = true;
        grip = mode;
        LOG.debug("conn={} passthrough WebSocket to {} open{}", connection.id(), target.describe(),
                mode.enabled() ? " in GRIP mode, message prefix \"" + mode.messagePrefix() + "\"" : "");
        onAccepted(target);
        ch.config().setAutoRead(connection.channel().isWritable());
    }

    private boolean offered(String chosen) {
        for (String value : request.request().headers().getAll(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL)) {
            for (String token : value.split(",")) {
                if (token.strip().equals(chosen)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The origin's 101 headers worth passing on (e.g. {@code Set-Cookie}): not the handshake's own, nor GRIP's. */
    private static HttpHeaders clientHeaders(HttpHeaders origin) {
        HttpHeaders out = new DefaultHttpHeaders();
        for (Map.Entry<String, String> h : origin) {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            if (!name.startsWith("sec-websocket-") && !name.startsWith("grip-") && !isHopByHop(name)
                    && !name.equals("content-length")) {
                out.add(h.getKey(), h.getValue());
            }
        }
        return out;
    }

    /** The origin refused the upgrade: the client gets its status, headers and body (spec 2.1). */
    private void relayRefusal(FullHttpResponse response) {
        finished = true;
        LOG.info("conn={} origin {} refused the WebSocket for {}: {}", connection.id(), target.describe(),
                request.pathAndQuery(), response.status());
        closeOriginNow();
        HttpHeaders headers = new DefaultHttpHeaders();
        for (Map.Entry<String, String> h : response.headers()) {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            if (!isHopByHop(name) && !name.startsWith("sec-websocket-") && !name.equals("content-length")) {
                headers.add(h.getKey(), h.getValue());
            }
        }
        for (String value : response.headers().getAll(HttpHeaderNames.CONNECTION)) {
            for (String token : value.split(",")) {
                headers.remove(token.strip());
            }
        }
        ByteBuf body = response.content().retainedDuplicate();
        int length = body.readableBytes();
        headers.set(HttpHeaderNames.CONTENT_LENGTH, length);
        FullHttpResponse out = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, response.status(), body, headers,
                new DefaultHttpHeaders());
        connection.prepareResponseHead(out, request.keepAlive());
        boolean keepAlive = !ClientConnection.closesAfter(out);
        connection.write(out);
        connection.flush();
        connection.completeExchange(response.status().code(), length, keepAlive, "origin refused the WebSocket");
    }

    private static boolean isHopByHop(String lowerName) {
        return switch (lowerName) {
            case "connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade",
                 "proxy-authenticate" -> true;
            default -> false;
        };
    }

    private void failConnect() {
        String tried = String.join("; ", failures);
        LOG.warn("conn={} unable to connect to any WebSocket target of route {}: {}", connection.id(),
                route.describe(), tried);
        fail(HttpResponseStatus.BAD_GATEWAY,
                OriginExchange.connectFailureBody(failures, services.config().debug() || route.debug()));
    }

    /** Answers the client with an HTTP error before any upgrade; the session is over. */
    private void fail(HttpResponseStatus status, String message) {
        finished = true;
        cancelHandshakeTimer();
        closeOriginNow();
        connection.respondText(status, message, request.keepAlive());
    }

    private void cancelHandshakeTimer() {
        if (handshakeTimer != null) {
            handshakeTimer.cancel(false);
            handshakeTimer = null;
        }
    }

    // ---- origin → client ----

    void onOriginFrame(Channel ch, WebSocketFrame frame, boolean fragmented) {
        if (ch != origin || !upgraded || ended()) {
            frame.release();
            return;
        }
        if (frame instanceof CloseWebSocketFrame close) {
            onOriginClose(close);
            return;
        }
        if (frame instanceof TextWebSocketFrame text && grip.enabled()) {
            onGripText(text, fragmented);
        } else if (frame instanceof BinaryWebSocketFrame && grip.enabled()) {
            GripMode.Meaning meaning = grip.classifyBinary(frame.content());
            if (meaning instanceof GripMode.Relay relay) {
                frame.content().skipBytes(relay.prefixLength());
                sendToClient(frame);
            } else {
                LOG.debug("conn={} dropping an origin binary message without the message prefix", connection.id());
                frame.release();
            }
        } else {
            if (frame instanceof PingWebSocketFrame) {
                // The client's pong stops at our edge (ClientWebSocket), so the origin gets ours.
                ch.writeAndFlush(new PongWebSocketFrame(frame.content().retainedDuplicate()), ch.voidPromise());
            }
            sendToClient(frame);
        }
        if (ch == origin && !connection.channel().isWritable()) {
            ch.config().setAutoRead(false);
        }
    }

    /** Spec 2.1, GRIP mode: a {@code c:} control message, a prefixed message for the client, or dropped. */
    private void onGripText(TextWebSocketFrame frame, boolean fragmented) {
        GripMode.Meaning meaning = grip.classify(frame.content());
        if (meaning instanceof GripMode.Relay relay) {
            frame.content().skipBytes(relay.prefixLength());
            sendToClient(frame);
            return;
        }
        frame.release();
        if (meaning instanceof GripMode.Control control) {
            if (fragmented) {
                LOG.debug("conn={} ignoring a control message sent in more than one frame", connection.id());
            } else {
                applyControl(control.message());
            }
        } else if (meaning instanceof GripMode.Drop drop) {
            LOG.debug("conn={} dropping origin message: {}", connection.id(), drop.why());
        }
    }

    /**
     * The origin closed: answer its close (RFC 6455 §5.5.1) and close the client with its code and
     * reason. A code no endpoint may send (§7.4; Netty's decoder lets 5000 and up through) is not
     * relayed: the origin gets 1002 and the client 1011.
     */
    private void onOriginClose(CloseWebSocketFrame close) {
        int code = close.statusCode() < 0 ? WebSocketCloseStatus.EMPTY.code() : close.statusCode();
        String reason = close.reasonText();
        close.release();
        if (code != WebSocketCloseStatus.EMPTY.code() && !CloseCodes.isValid(code)) {
            LOG.info("conn={} origin {} closed with invalid code {}; answering 1002", connection.id(),
                    target.describe(), code);
            closeOrigin(WebSocketCloseStatus.PROTOCOL_ERROR.code(), "invalid close code");
            closeClient(WebSocketCloseStatus.INTERNAL_SERVER_ERROR.code(), "origin error", "origin sent close code " + code);
            return;
        }
        closeOrigin(code, reason);
        closeClient(code, reason, "origin closed");
    }

    void onOriginWritabilityChanged(Channel ch, boolean writable) {
        if (ch == origin && upgraded) {
            pauseClient(!writable);
        }
    }

    void onOriginClosed(Channel ch) {
        if (ch != origin || finished || ended()) {
            return;
        }
        origin = null;
        if (!handshakeSent) {
            return; // the connect or TLS listener goes on to the next target
        }
        if (!upgraded) {
            LOG.warn("conn={} origin {} closed the connection during the WebSocket handshake", connection.id(),
                    target.describe());
            fail(HttpResponseStatus.BAD_GATEWAY, "Error while proxying to origin: the origin closed the connection.");
            return;
        }
        pauseClient(false);
        if (!detached()) {
            LOG.info("conn={} origin {} connection lost", connection.id(), target.describe());
            closeClient(WebSocketCloseStatus.INTERNAL_SERVER_ERROR.code(), "", "origin connection lost");
        }
    }

    void onOriginError(Channel ch, Throwable cause) {
        if (ch != origin || finished || ended()) {
            return;
        }
        if (!handshakeSent) {
            LOG.debug("conn={} origin {} error while connecting: {}", connection.id(), target.describe(),
                    cause.toString());
            return; // the TLS listener reports it
        }
        LOG.info("conn={} origin {} WebSocket error: {}", connection.id(), target.describe(), cause.toString());
        if (!upgraded) {
            fail(HttpResponseStatus.BAD_GATEWAY, "Error while proxying to origin: " + describe(cause) + ".");
            return;
        }
        WebSocketCloseStatus status = cause instanceof CorruptedWebSocketFrameException corrupt
                ? corrupt.closeStatus() : null;
        int clientCode = WebSocketCloseStatus.INTERNAL_SERVER_ERROR.code();
        String clientReason = "origin error";
        if (cause instanceof TooLongFrameException || WebSocketCloseStatus.MESSAGE_TOO_BIG.equals(status)) {
            // Over websocket_max_message_size: both sides learn why (RFC 6455 §7.4.1).
            closeOrigin(WebSocketCloseStatus.MESSAGE_TOO_BIG.code(), "message too large");
            clientCode = WebSocketCloseStatus.MESSAGE_TOO_BIG.code();
            clientReason = "origin message too large";
        } else if (status != null) {
            // A protocol error (bad close code, bad UTF-8): the origin gets the code, e.g. 1002 or 1007.
            closeOrigin(status.code(), String.valueOf(cause.getMessage()));
        } else {
            closeOriginNow();
        }
        if (!detached()) {
            closeClient(clientCode, clientReason, "origin error");
        }
    }

    @Override
    public void onClientWritabilityChanged(boolean writable) {
        Channel ch = origin;
        if (ch != null && upgraded) {
            ch.config().setAutoRead(writable);
        }
    }

    // ---- client → origin ----

    @Override
    public void onClientMessage(WebSocketFrame message) {
        countClientMessage();
        Channel ch = origin;
        if (ch == null || !upgraded || detached() || ended()) {
            message.release();
            return;
        }
        ch.writeAndFlush(message, ch.voidPromise());
        if (!ch.isWritable()) {
            pauseClient(true);
        }
    }

    @Override
    public void onClientClose(int code, String reason) {
        closeClient(code, reason, "client closed");
    }

    private void pauseClient(boolean paused) {
        if (clientPaused != paused) {
            clientPaused = paused;
            connection.pauseRequestBody(paused);
        }
    }

    // ---- teardown ----

    /** However the client is closed, the origin hears the same code and reason. */
    @Override
    protected void closeClient(int code, String reason, String why) {
        if (!ended()) {
            closeOrigin(code, reason);
        }
        super.closeClient(code, reason, why);
    }

    @Override
    protected void onDetach() {
        LOG.debug("conn={} origin {} detached", connection.id(), target.describe());
        closeOrigin(WebSocketCloseStatus.NORMAL_CLOSURE.code(), "");
        pauseClient(false);
    }

    @Override
    public void onClientClosed() {
        if (!upgraded) {
            // Gone before its 101: nothing was logged yet; the connection logs it as 499.
            if (!finished) {
                finished = true;
                cancelHandshakeTimer();
                closeOriginNow();
            }
            return;
        }
        super.onClientClosed();
    }

    @Override
    protected void onClientGone() {
        closeOrigin(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE.code(), "");
    }

    @Override
    public void onDrain() {
        if (!upgraded) {
            if (!finished) {
                fail(HttpResponseStatus.SERVICE_UNAVAILABLE, "Server shutting down.");
            }
            return;
        }
        super.onDrain();
    }

    @Override
    protected void onEnd() {
        cancelHandshakeTimer();
        closeOrigin(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE.code(), "");
    }

    /** Sends the origin a close frame (once) and closes the connection when it is written. */
    private void closeOrigin(int code, String reason) {
        Channel ch = origin;
        if (ch == null) {
            return;
        }
        origin = null;
        if (!upgraded || !ch.isActive() || !ch.isWritable()) {
            ch.close();
            return;
        }
        CloseWebSocketFrame close = CloseCodes.isValid(code)
                ? new CloseWebSocketFrame(code, CloseCodes.fit(reason)) : new CloseWebSocketFrame();
        ch.writeAndFlush(close).addListener(ChannelFutureListener.CLOSE);
    }

    private void closeOriginNow() {
        Channel ch = origin;
        origin = null;
        if (ch != null) {
            ch.close();
        }
    }

    private static void removeMatching(HttpHeaders headers, String lowerPrefix, String keep) {
        Iterator<Map.Entry<String, String>> it = headers.iteratorAsString();
        List<String> doomed = new ArrayList<>(4);
        while (it.hasNext()) {
            String name = it.next().getKey();
            if (name.toLowerCase(Locale.ROOT).startsWith(lowerPrefix) && !name.equalsIgnoreCase(keep)) {
                doomed.add(name);
            }
        }
        doomed.forEach(headers::remove);
    }

    private static String describe(Throwable cause) {
        if (cause instanceof ConnectTimeoutException) {
            return "connect timed out";
        }
        String m = cause.getMessage();
        if (cause instanceof ConnectException && m != null && m.toLowerCase(Locale.ROOT).contains("refused")) {
            return "connection refused";
        }
        return m == null ? cause.getClass().getSimpleName() : m;
    }
}
