package io.holdfast.server.hold;

import io.holdfast.server.proxy.ClientConnection;
import io.holdfast.server.proxy.Exchange;
import io.holdfast.server.proxy.RequestContext;
import io.holdfast.grip.instruct.ChannelSpec;
import io.holdfast.grip.instruct.GripInstruct;
import io.holdfast.server.pubsub.PubSub;
import io.holdfast.server.pubsub.Subscriber;
import io.holdfast.server.pubsub.Subscriptions;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpContent;

/**
 * What every held request shares: it owns the client side of the connection, is subscribed to its
 * channels (filters and meta included, see {@link Subscriptions}) for as long as it lives, and unsubscribes exactly once however it ends (delivery,
 * timeout, close action, client gone, shutdown).
 */
abstract class Hold implements Exchange, Subscriber {
    final ClientConnection connection;
    final RequestContext request;
    final PubSub pubsub;
    final GripInstruct instruct;
    final Subscriptions subscriptions;
    final HeldResponse held;
    private boolean ended;

    Hold(ClientConnection connection, RequestContext request, PubSub pubsub, GripInstruct instruct, HeldResponse held) {
        this.connection = connection;
        this.request = request;
        this.pubsub = pubsub;
        this.instruct = instruct;
        this.held = held;
        this.subscriptions = new Subscriptions(pubsub, this, request.route().prefix().orElse(""),
                connection.services().config().connectionSubscriptionMax());
    }

    /**
     * Subscribes the origin's channels (with their filters and prev-ids), the route target's implicit
     * {@code sub=} channels, {@code conn:<id>}, and {@code user:<id>} when {@code Grip-Set-Meta} names one.
     */
    void subscribeAll() {
        subscriptions.subscribeConnection(connection.key());
        subscriptions.setAllMeta(instruct.meta());
        for (ChannelSpec spec : instruct.channels()) {
            subscriptions.add(spec.name(), spec.filters(), spec.prevId());
        }
        for (String implicit : request.route().targets().get(0).subscriptions()) {
            subscriptions.addRouteChannel(implicit);
        }
    }

    boolean ended() {
        return ended;
    }

    /** Ends the hold: unsubscribes and releases; returns false if it had already ended. */
    boolean end() {
        if (ended) {
            return false;
        }
        ended = true;
        subscriptions.clear();
        cancelTimers();
        held.release();
        return true;
    }

    abstract void cancelTimers();

    @Override
    public EventLoop loop() {
        return connection.channel().eventLoop();
    }

    @Override
    public void flush() {
        connection.flush();
    }

    @Override
    public Subscriptions subscriptions() {
        return subscriptions;
    }

    @Override
    public void disconnect() {
        connection.channel().close();
    }

    @Override
    public void onRequestContent(HttpContent content) {
        // The request body went to the origin before the hold began; anything more is not ours.
        content.release();
    }

    @Override
    public void onClientWritabilityChanged(boolean writable) {
        // Long-polls write once and end; streams watch their queue (see StreamHold).
    }

    @Override
    public String describe() {
        return "conn=" + connection.id() + " " + connection.remoteAddress();
    }

    @Override
    public void deliveryFailed(Throwable cause) {
        if (end()) {
            connection.abort("delivery failed: " + cause);
        }
    }

    @Override
    public void onClientClosed() {
        if (end()) {
            instruct.goneLink().ifPresent(link -> Recovery.sendGone(this, link));
        }
    }

    /** Origin prev-ids older than what the broker delivered mean the origin's answer is stale. */
    void checkPrevIds(Runnable onStale) {
        Recovery.checkPrevIds(pubsub.sequencer(), subscriptions, loop(), () -> {
            if (!ended()) {
                onStale.run();
            }
        });
    }

    /**
     * Spec 4.3: an item whose prev-id is not the id this subscriber last saw on the channel means a
     * gap. Null when in order (or nothing to compare).
     */
    String gapIn(io.holdfast.server.pubsub.Message message) {
        String prevId = message.item().prevId();
        String seen = subscriptions.lastIdOf(message.channel());
        return prevId != null && seen != null && !prevId.equals(seen)
                ? "prev-id " + prevId + " after " + seen + " on " + message.channel() : null;
    }
}
