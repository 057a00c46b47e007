package io.holdfast.server.proxy;

import io.holdfast.server.config.ClientTimeouts;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The client timeouts of one connection ({@link ClientTimeouts}): how long the client may take to
 * send a request head, to keep a request body moving, and to start its next request. It sits in
 * front of the HTTP codec, so it sees bytes arrive before they make a request (a first byte ends
 * the keep-alive wait and starts the head's clock); {@link ClientConnection} tells it when a head
 * was decoded, a body ended, a response completed, and when reading pauses for backpressure (a
 * body stalled by Holdfast is not the client's fault). When a deadline passes it calls back the
 * {@link Listener}, which answers or closes. Nothing applies while a request is being answered or
 * held: long-polls, streams and WebSockets live in {@link Phase#ANSWERING}.
 *
 * <p>One timer at most, and it is moved lazily: a read only moves the deadline, and the timer,
 * when it fires early, sleeps again for the rest. So the request path allocates no timer per read
 * or per phase (the approach of Netty's {@code IdleStateHandler}). Time is the event loop's ticker,
 * so an {@code EmbeddedChannel} test can move it. Touched only on the channel's event loop.
 */
final class ClientDeadlines extends ChannelInboundHandlerAdapter {

    /** Where the connection stands, and so which timeout applies. */
    enum Phase {
        /** A new connection; nothing received yet: {@code header} timeout, then a quiet close. */
        FRESH,
        /** Between requests of a kept-alive connection: {@code keepAlive} timeout, then a quiet close. */
        IDLE,
        /** A request has begun and its head is incomplete: {@code header} timeout, then 408. */
        HEAD,
        /** The head is in and the body is being read: {@code body} timeout between reads, then 408 or close. */
        BODY,
        /** The request is read and being answered or held: the client owes nothing, no timeout. */
        ANSWERING
    }

    /** Reacts to a passed deadline; called on the event loop. */
    interface Listener {
        void onClientDeadline(Phase phase, Duration limit);
    }

    private final ClientTimeouts timeouts;
    private final Listener listener;
    private ChannelHandlerContext ctx;
    private Phase phase = Phase.FRESH;
    private boolean armed;
    private long deadline;
    private ScheduledFuture<?> timer;
    private long timerAt;
    private boolean readingPaused;
    private boolean bytesWhileAnswering;

    ClientDeadlines(ClientTimeouts timeouts, Listener listener) {
        this.timeouts = timeouts;
        this.listener = listener;
    }

    Phase phase() {
        return phase;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        enter(Phase.FRESH);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf buf && buf.isReadable()) {
            switch (phase) {
                case FRESH, IDLE -> enter(Phase.HEAD);
                case BODY -> enter(Phase.BODY); // between reads: the clock starts again
                case ANSWERING -> bytesWhileAnswering = true;
                case HEAD -> { } // the head's clock runs from its first byte, not per read
            }
        }
        ctx.fireChannelRead(msg);
    }

    /** A request head was decoded (possibly from the pipelining queue): its body is read next. */
    void onHead() {
        bytesWhileAnswering = false;
        enter(Phase.BODY);
    }

    /** The current request's body ended (for a request without one, right after its head). */
    void onBodyEnd() {
        if (phase == Phase.BODY) {
            enter(Phase.ANSWERING);
        }
    }

    /**
     * The response is complete and the connection stays open. Bytes that came while answering are
     * the start of the next request (pipelined), so its head's clock starts now; else the wait is
     * keep-alive idle.
     */
    void onAwaitNext() {
        enter(bytesWhileAnswering ? Phase.HEAD : Phase.IDLE);
        bytesWhileAnswering = false;
    }

    /** Holdfast stopped (or resumed) reading the socket: a body is not stalled while we pause it. */
    void onReadingPaused(boolean paused) {
        if (readingPaused != paused) {
            readingPaused = paused;
            if (phase == Phase.BODY) {
                enter(Phase.BODY);
            }
        }
    }

    private Duration limit(Phase p) {
        return switch (p) {
            case FRESH, HEAD -> timeouts.header();
            case BODY -> timeouts.body();
            case IDLE -> timeouts.keepAlive();
            case ANSWERING -> Duration.ZERO;
        };
    }

    private void enter(Phase next) {
        phase = next;
        Duration limit = limit(next);
        armed = !limit.isZero() && !(next == Phase.BODY && readingPaused);
        if (!armed) {
            return; // a pending timer fires, finds nothing armed, and stops
        }
        deadline = ctx.executor().ticker().nanoTime() + limit.toNanos();
        if (timer != null && timerAt - deadline <= 0) {
            return; // fires in time and sleeps again for the rest
        }
        schedule();
    }

    private void schedule() {
        if (timer != null) {
            timer.cancel(false);
        }
        timerAt = deadline;
        timer = ctx.executor().schedule(this::onTimer, Math.max(0, deadline - ctx.executor().ticker().nanoTime()), TimeUnit.NANOSECONDS);
    }

    private void onTimer() {
        timer = null;
        if (!armed || !ctx.channel().isActive()) {
            return;
        }
        if (ctx.executor().ticker().nanoTime() - deadline < 0) {
            schedule();
            return;
        }
        armed = false;
        listener.onClientDeadline(phase, limit(phase));
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        armed = false;
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        handlerRemoved(ctx);
        ctx.fireChannelInactive();
    }
}
