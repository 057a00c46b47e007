package io.holdfast.bench.load;

import io.netty.channel.Channel;
import java.util.BitSet;

/**
 * One client connection held through the proxy (SSE or WebSocket) and what it received.
 *
 * <p>The delivery fields ({@link #seen}, {@link #duplicates}, ...) are touched only on the
 * connection's event loop; the lifecycle fields are volatile because the scenario thread reads them.
 */
public final class Subscriber {

    /** How the subscriber talks to the proxy. */
    public enum Kind {
        SSE, WS
    }

    /** Lifecycle. */
    public enum State {
        NEW, CONNECTING, OPEN, FAILED, CLOSED
    }

    final int index;
    final String channelName;
    final Kind kind;

    volatile State state = State.NEW;
    volatile Channel channel;
    volatile long startNanos;
    volatile long openNanos;
    volatile int status;
    volatile String failure;
    /** Set on the loop when the first probe arrives: the subscription is live. */
    volatile boolean probed;
    /** True once the proxy ended the stream or closed the socket while the bench still wanted it. */
    volatile boolean closedByPeer;

    // Loop-confined delivery state.
    final BitSet seen = new BitSet();
    int duplicates;
    long measured;
    long warmups;
    long probes;
    long foreign;
    String lastForeign;

    Subscriber(int index, String channelName, Kind kind) {
        this.index = index;
        this.channelName = channelName;
        this.kind = kind;
    }

    public int index() {
        return index;
    }

    public String channelName() {
        return channelName;
    }

    public State state() {
        return state;
    }

    public boolean isOpen() {
        return state == State.OPEN;
    }

    /** Nanoseconds from connect to the proxy's response head (SSE) or 101 (WebSocket). */
    public long openLatencyNanos() {
        return openNanos - startNanos;
    }

    public String failure() {
        return failure;
    }

    /** Whether a probe arrived, i.e. the subscription is live. */
    public boolean isProbed() {
        return probed;
    }

    /** Whether measured message {@code seq} arrived. Call on the connection's event loop. */
    public boolean hasSeen(long seq) {
        return seq <= Integer.MAX_VALUE && seen.get((int) seq);
    }

    public io.netty.channel.Channel channel() {
        return channel;
    }

    @Override
    public String toString() {
        return "subscriber#" + index + "(" + kind + " " + channelName + " " + state + ")";
    }
}
