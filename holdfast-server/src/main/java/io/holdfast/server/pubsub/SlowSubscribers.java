package io.holdfast.server.pubsub;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;

/**
 * Measures how far behind a subscriber's socket is. A subscriber whose unwritten bytes exceed
 * {@code subscriber_buffer_size} is cut off rather than allowed to grow memory without bound or
 * slow the loop for everyone else.
 */
public final class SlowSubscribers {
    private SlowSubscribers() {}

    /** Bytes written to the connection but not yet taken by the socket. */
    public static long pendingBytes(Channel channel) {
        ChannelOutboundBuffer out = channel.unsafe().outboundBuffer();
        return out == null ? 0 : out.totalPendingWriteBytes();
    }
}
