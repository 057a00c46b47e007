package io.holdfast.server.ws;

import io.holdfast.grip.publish.WsMessageFormat;
import io.holdfast.grip.publish.WsMessageType;
import io.holdfast.grip.websocket.ControlMessage;
import io.holdfast.server.proxy.ClientConnection;
import io.holdfast.server.proxy.Exchange;
import io.holdfast.server.proxy.RequestContext;
import io.holdfast.server.pubsub.Filters;
import io.holdfast.server.pubsub.Message;
import io.holdfast.server.pubsub.PubSub;
import io.holdfast.server.pubsub.Subscriber;
import io.holdfast.server.pubsub.SubscriberSession;
import io.holdfast.server.pubsub.Subscriptions;
import io.holdfast.server.route.Target;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every client WebSocket shares, whatever answers it (WebSocket-over-HTTP origin, passthrough
 * origin, built-in test target): its channel subscriptions and {@code ws-message} delivery (spec
 * 2.4), the GRIP control messages that act at the edge (spec 2.3: subscribe, unsubscribe, detach,
 * set-meta, keep-alive, send-delayed, flush-delayed, close), and one clean teardown however the
 * socket ends. Keep-alives, the slow-subscriber cut-off and the reset message are the shared
 * {@link SubscriberSession} policy, the same as for HTTP streams.
 */
public abstract class WsSession implements Exchange, Subscriber, ClientWebSocket.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(WsSession.class);

    protected final ClientConnection connection;
    protected final RequestContext request;
    protected final PubSub pubsub;
    protected final Subscriptions subscriptions;
    protected ClientWebSocket socket;
    private boolean detached;
    private boolean ended;
    private final SubscriberSession session;
    private ControlMessage.KeepAlive keepAlive;
    private WebSocketFrame delayed;
    private ScheduledFuture<?> delayedTimer;
    private long messagesIn;
    private long messagesOut;

    protected WsSession(ClientConnection connection, RequestContext request, PubSub pubsub) {
        this.connection = connection;
        this.request = request;
        this.pubsub = pubsub;
        this.subscriptions = new Subscriptions(pubsub, this, request.route().prefix().orElse(""),
                connection.services().config().connectionSubscriptionMax());
        this.session = new SubscriberSession(pubsub, connection.channel(),
                connection.services().config().subscriberBufferSize(), new SubscriberSession.Owner() {
                    @Override
                    public void onKeepAlive() {
                        if (keepAlive != null) {
                            sendToClient(frame(keepAlive.messageType(), Unpooled.wrappedBuffer(keepAlive.content())));
                        }
                    }

                    @Override
                    public void onCutOff(String reason) {
                        // At once, no close frame: it would wait behind everything the client is not reading.
                        connection.abort(reason);
                        end("cut off as a slow subscriber");
                    }
                });
    }

    // ---- client socket ----

    /** Writes a message to the client now (flushing), and notes the activity for idle keep-alives. */
    protected void sendToClient(WebSocketFrame frame) {
        if (socket == null || ended) {
            frame.release();
            return;
        }
        messagesOut++;
        socket.send(frame);
        session.wrote();
        socket.flush();
        session.flushed();
    }

    protected boolean detached() {
        return detached;
    }

    protected boolean ended() {
        return ended;
    }

    /** Subscription meta (spec 1.6), set by {@code set-meta} or an origin's {@code Set-Meta-*}. */
    protected Map<String, String> meta() {
        return subscriptions.meta();
    }

    /**
     * Call once the client handshake is done: subscribes {@code conn:<id>} and the route target's
     * implicit {@code sub=} channels.
     */
    protected void onAccepted(Target target) {
        subscriptions.subscribeConnection(connection.key());
        for (String channel : target.subscriptions()) {
            subscriptions.addRouteChannel(channel);
        }
    }

    protected void countClientMessage() {
        messagesIn++;
    }

    // ---- subscriptions and publishing ----

    protected boolean subscribe(String channel) {
        return subscribe(channel, List.of());
    }

    protected boolean subscribe(String channel, List<String> filters) {
        boolean added = subscriptions.add(channel, filters, null);
        if (!added) {
            LOG.debug("conn={} subscription limit reached; {} ignored", connection.id(), channel);
        }
        return added;
    }

    protected void unsubscribe(String channel) {
        subscriptions.remove(channel);
    }

    @Override
    public EventLoop loop() {
        return connection.channel().eventLoop();
    }

    @Override
    public io.holdfast.server.stats.SessionKind kind() {
        return io.holdfast.server.stats.SessionKind.WEBSOCKET;
    }

    @Override
    public Subscriptions subscriptions() {
        return subscriptions;
    }

    @Override
    public void disconnect() {
        closeClient(WebSocketCloseStatus.POLICY_VIOLATION.code(), "disconnected by an operator", "admin disconnect");
    }

    @Override
    public String statsMode() {
        return "ws";
    }

    @Override
    public void deliver(Message message) {
        WsMessageFormat format = message.item().wsMessage().orElse(null);
        if (format == null || ended || socket == null || subscriptions.isResuming(message.channel())) {
            return;
        }
        switch (format.action()) {
            case SEND -> deliverSend(format, message);
            case CLOSE -> closeClient(format.code() == null ? WebSocketCloseStatus.NORMAL_CLOSURE.code() : format.code(),
                    format.reason(), "closed by publish on channel " + message.channel());
            case REFRESH -> onRefresh();
            default -> { }
        }
    }

    private void deliverSend(WsMessageFormat format, Message message) {
        if (!session.admit(message.channel(), format.content() == null ? 0 : format.content().length)) {
            return;
        }
        Filters.Outcome outcome = subscriptions.filter(message, format.contentFilters(), format.content());
        if (!outcome.deliver()) {
            return;
        }
        messagesOut++;
        socket.send(frame(format.type(), outcome.content() != null ? Unpooled.wrappedBuffer(outcome.content())
                : message.wsContent()));
        session.wrote();
    }

    @Override
    public void flush() {
        if (socket != null) {
            socket.flush();
            session.flushed();
        }
    }

    @Override
    public String describe() {
        return "conn=" + connection.id() + " " + connection.remoteAddress();
    }

    @Override
    public void deliveryFailed(Throwable cause) {
        if (!ended) {
            connection.abort("delivery failed: " + cause);
            end("delivery failed");
        }
    }

    /** A published {@code refresh} (spec 3.3): only WebSocket-over-HTTP sessions act on it. */
    protected void onRefresh() {
    }

    static WebSocketFrame frame(WsMessageType type, ByteBuf content) {
        return switch (type) {
            case TEXT -> new TextWebSocketFrame(content);
            case BINARY -> new BinaryWebSocketFrame(content);
            case PING -> new PingWebSocketFrame(content);
            case PONG -> new PongWebSocketFrame(content);
        };
    }


    // ---- GRIP control messages acted on at the edge (spec 2.3) ----

    /** Applies a control message from the origin. */
    protected void applyControl(ControlMessage control) {
        if (control instanceof ControlMessage.Subscribe s) {
            subscribe(s.channel(), s.filters() == null ? List.of() : s.filters());
        } else if (control instanceof ControlMessage.Resume r) {
            resume(r.channel(), r.lastId());
        } else if (control instanceof ControlMessage.Unsubscribe u) {
            unsubscribe(u.channel());
        } else if (control instanceof ControlMessage.Detach) {
            detached = true;
            onDetach();
        } else if (control instanceof ControlMessage.SetMeta m) {
            subscriptions.setMeta(m.name(), m.value());
        } else if (control instanceof ControlMessage.KeepAlive k) {
            setKeepAlive(k);
        } else if (control instanceof ControlMessage.SendDelayed d) {
            sendDelayed(d);
        } else if (control instanceof ControlMessage.FlushDelayed) {
            flushDelayed();
        } else if (control instanceof ControlMessage.Close c) {
            closeClient(c.code() == null ? WebSocketCloseStatus.NORMAL_CLOSURE.code() : c.code(), c.reason(),
                    "closed by origin control message");
        } else if (control instanceof ControlMessage.Unknown u) {
            LOG.debug("conn={} ignoring unknown control message type {}", connection.id(), u.type());
        }
        // Session (spec 1.8) needs an external state service; Holdfast does not implement it.
    }

    /** The text message a WebSocket client gets when its resume id is no longer in the history. */
    static final String RESET_TYPE = SubscriberSession.RESET_TYPE;

    /**
     * Beyond Pushpin: subscribes and replays the channel's history after {@code lastId}, before live
     * messages; when that id has aged out, the client gets {@code {"type":"holdfast-reset",...}}.
     */
    private void resume(String channel, String lastId) {
        if (!subscribe(channel)) {
            return;
        }
        String full = subscriptions.prefixed(channel);
        subscriptions.resume(full, lastId, loop(), replay -> {
            if (ended || socket == null) {
                return;
            }
            if (replay.gone()) {
                sendToClient(new TextWebSocketFrame(SubscriberSession.resetJson(channel, lastId, true)));
                return;
            }
            for (var item : replay.items()) {
                WsMessageFormat format = item.wsMessage().orElse(null);
                if (format != null && format.action() == io.holdfast.grip.publish.Action.SEND && !ended) {
                    Message message = new Message(item, full);
                    try {
                        deliverSend(format, message);
                    } finally {
                        message.release();
                    }
                }
            }
            flush();
        });
    }

    /** The origin detached: a session stops sending client messages to it. */
    protected void onDetach() {
    }

    private void setKeepAlive(ControlMessage.KeepAlive k) {
        keepAlive = k.content() == null ? null : k;
        session.keepAlive(keepAlive == null ? 0 : keepAlive.timeoutSeconds() * 1000L,
                keepAlive != null && keepAlive.mode() == io.holdfast.grip.instruct.KeepAliveMode.IDLE);
    }

    private void sendDelayed(ControlMessage.SendDelayed d) {
        flushDelayed();
        delayed = frame(d.messageType(), Unpooled.wrappedBuffer(d.content() == null ? new byte[0] : d.content()));
        delayedTimer = loop().schedule(this::flushDelayed, d.timeoutSeconds() * 1000L, TimeUnit.MILLISECONDS);
    }

    private void flushDelayed() {
        cancel(delayedTimer);
        delayedTimer = null;
        WebSocketFrame frame = delayed;
        delayed = null;
        if (frame != null) {
            sendToClient(frame);
        }
    }

    private static void cancel(ScheduledFuture<?> timer) {
        if (timer != null) {
            timer.cancel(false);
        }
    }

    // ---- teardown ----

    /** Closes the client with a close frame, then ends the session. */
    protected void closeClient(int code, String reason, String why) {
        if (ended) {
            return;
        }
        LOG.debug("conn={} closing WebSocket {}: {}", connection.id(), code, why);
        if (socket != null) {
            socket.close(code, reason);
        }
        end(code + " " + why);
    }

    /**
     * Ends the session once: unsubscribes, stops timers, logs the access line and lets the connection
     * close. Subclasses release their own resources in {@link #onEnd}.
     */
    protected final void end(String note) {
        if (ended) {
            return;
        }
        ended = true;
        subscriptions.clear();
        session.end();
        cancel(delayedTimer);
        if (delayed != null) {
            delayed.release();
            delayed = null;
        }
        onEnd();
        connection.completeExchange(101, messagesOut, false,
                "websocket in=" + messagesIn + " out=" + messagesOut + " " + note);
    }

    protected abstract void onEnd();

    // ---- Exchange: the client connection's lifecycle ----

    @Override
    public void onRequestContent(HttpContent content) {
        content.release();
    }

    @Override
    public void onClientWritabilityChanged(boolean writable) {
        session.writabilityChanged();
    }

    @Override
    public void onClientClosed() {
        if (!ended) {
            onClientGone();
            end("client gone");
        }
    }

    /** The client vanished without a close handshake (before {@link #end} runs). */
    protected void onClientGone() {
    }

    @Override
    public void onDrain() {
        closeClient(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE.code(), "server shutting down", "shutdown");
    }
}
