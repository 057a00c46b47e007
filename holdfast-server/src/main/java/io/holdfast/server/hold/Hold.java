package io.holdfast.server.hold;

import io.holdfast.server.proxy.ClientConnection;
import io.holdfast.server.proxy.Exchange;
import io.holdfast.server.proxy.RequestContext;
import io.holdfast.server.pubsub.PubSub;
import io.holdfast.server.pubsub.Subscriber;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpContent;
import java.util.List;

/**
 * What every held request shares: it owns the client side of the connection, is subscribed to its
 * channels for as long as it lives, and unsubscribes exactly once however it ends (delivery,
 * timeout, close action, client gone, shutdown).
 */
abstract class Hold implements Exchange, Subscriber {
    final ClientConnection connection;
    final RequestContext request;
    final PubSub pubsub;
    final List<String> channels;
    final HeldResponse held;
    private boolean ended;

    Hold(ClientConnection connection, RequestContext request, PubSub pubsub, List<String> channels, HeldResponse held) {
        this.connection = connection;
        this.request = request;
        this.pubsub = pubsub;
        this.channels = channels;
        this.held = held;
    }

    void subscribeAll() {
        for (String channel : channels) {
            pubsub.subscribe(channel, this);
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
        for (String channel : channels) {
            pubsub.unsubscribe(channel, this);
        }
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
    public void onRequestContent(HttpContent content) {
        // The request body went to the origin before the hold began; anything more is not ours.
        content.release();
    }

    @Override
    public void onClientWritabilityChanged(boolean writable) {
        // Deliveries check the outbound buffer themselves (see SlowSubscribers).
    }

    @Override
    public void onClientClosed() {
        end();
    }
}
