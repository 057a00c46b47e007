package io.holdfast.bench.load;

import io.netty.channel.ChannelFuture;

/**
 * Starts single subscriber connections outside a {@link SubscriberPool} (the churn scenario opens and
 * closes them one after another) and keeps their lifecycle state, which the decoders read.
 */
public final class Connections {

    private Connections() {
    }

    public static Subscriber newSubscriber(int index, String channel, Subscriber.Kind kind) {
        return new Subscriber(index, channel, kind);
    }

    /**
     * Connects and sends the subscriber's request; a connect failure is reported to
     * {@code events.onFailed}. The events must move the state on with {@link #opened}, {@link #failed}
     * and {@link #closed}.
     */
    public static void start(Clients clients, Subscriber s, ConnectionEvents events) {
        s.state = Subscriber.State.CONNECTING;
        s.startNanos = System.nanoTime();
        String path = (s.kind == Subscriber.Kind.SSE ? "/sse?channel=" : "/ws?channel=") + s.channelName;
        var handler = s.kind == Subscriber.Kind.SSE
                ? new SseClientHandler(s, events, clients.hostHeader(), path)
                : new WsClientHandler(s, events, clients.hostHeader(), path);
        ChannelFuture f = clients.connect(handler);
        s.channel = f.channel();
        f.addListener(done -> {
            if (!done.isSuccess()) {
                s.failure = Failures.describe(done.cause());
                events.onFailed(s, s.failure);
            }
        });
    }

    /** @return whether this moved the subscriber from connecting to open */
    public static boolean opened(Subscriber s) {
        if (s.state != Subscriber.State.CONNECTING) {
            return false;
        }
        s.state = Subscriber.State.OPEN;
        return true;
    }

    /** @return whether this moved the subscriber from connecting to failed */
    public static boolean failed(Subscriber s) {
        if (s.state != Subscriber.State.CONNECTING) {
            return false;
        }
        s.state = Subscriber.State.FAILED;
        return true;
    }

    /** @return whether this moved the subscriber from open to closed */
    public static boolean closed(Subscriber s) {
        if (s.state != Subscriber.State.OPEN) {
            return false;
        }
        s.state = Subscriber.State.CLOSED;
        return true;
    }
}
