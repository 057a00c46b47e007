package io.holdfast.server.pubsub;

import io.holdfast.grip.publish.PublishItem;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.AbstractReferenceCounted;
import io.netty.util.ReferenceCounted;
import java.nio.charset.StandardCharsets;

/**
 * A published item prepared once for every subscriber: payload bytes are copied into direct
 * buffers here, once, on the publishing thread, and each subscriber writes a retained duplicate of
 * the same buffer, so a publish to N connections copies nothing N times. (Heap buffers were tried:
 * the socket transports copy every heap buffer into a fresh direct one per write, so a slow
 * subscriber's queue cost its full size in direct memory, per subscriber; see issue 10.) Reference counted: each event-loop shard holds
 * a reference while it delivers.
 */
public final class Message extends AbstractReferenceCounted {
    private final PublishItem item;
    private final String channel;
    private final ByteBuf streamContent;
    private final ByteBuf wsContent;
    private final ByteBuf streamChunk;

    public Message(PublishItem item, String channel) {
        this.item = item;
        this.channel = channel;
        byte[] stream = item.httpStream().map(f -> f.content()).orElse(null);
        if (stream == null) {
            this.streamChunk = null;
            this.streamContent = null;
        } else if (stream.length == 0) {
            this.streamChunk = null;
            this.streamContent = Unpooled.EMPTY_BUFFER;
        } else {
            this.streamChunk = chunk(stream);
            int head = streamChunk.readableBytes() - stream.length - CRLF.length;
            this.streamContent = streamChunk.retainedSlice(head, stream.length);
        }
        this.wsContent = item.wsMessage()
                .map(f -> f.content() == null ? null : direct(f.content()))
                .orElse(null);
    }

    public PublishItem item() {
        return item;
    }

    /** The channel name as subscribed (route prefix included). */
    public String channel() {
        return channel;
    }

    /** A new reference to the {@code http-stream} content, or null; the caller owns it. */
    public ByteBuf streamContent() {
        return streamContent == null ? null : streamContent.retainedDuplicate();
    }

    /** A new reference to the {@code ws-message} content (empty if none); the caller owns it. */
    public ByteBuf wsContent() {
        return wsContent == null ? Unpooled.EMPTY_BUFFER : wsContent.retainedDuplicate();
    }

    /**
     * A new reference to the {@code http-stream} content framed as one HTTP/1.1 chunk
     * ({@code <hex length>\r\n<content>\r\n}), encoded once for every subscriber; null when empty.
     */
    public ByteBuf streamChunk() {
        return streamChunk == null ? null : streamChunk.retainedDuplicate();
    }

    private static ByteBuf chunk(byte[] content) {
        byte[] head = (Integer.toHexString(content.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        ByteBuf chunk = ByteBufAllocator.DEFAULT.directBuffer(head.length + content.length + CRLF.length);
        return chunk.writeBytes(head).writeBytes(content).writeBytes(CRLF);
    }

    private static ByteBuf direct(byte[] content) {
        if (content.length == 0) {
            return Unpooled.EMPTY_BUFFER;
        }
        return ByteBufAllocator.DEFAULT.directBuffer(content.length).writeBytes(content);
    }

    private static final byte[] CRLF = {'\r', '\n'};

    public int streamContentLength() {
        return streamContent == null ? 0 : streamContent.readableBytes();
    }

    @Override
    protected void deallocate() {
        if (streamContent != null) {
            streamContent.release();
        }
        if (wsContent != null) {
            wsContent.release();
        }
        if (streamChunk != null) {
            streamChunk.release();
        }
    }

    @Override
    public ReferenceCounted touch(Object hint) {
        return this;
    }
}
