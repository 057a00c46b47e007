package io.holdfast.server.proxy;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/**
 * The client's request body as far as a hold needs it. Holdfast streams request bodies to the origin
 * rather than buffering them, but a held long-poll must be able to send the same request again on
 * recovery, a prev-id gap or a {@code hint} (spec 1.5.1 step 7). So, like Pushpin, the first
 * {@value #MAX_BYTES} bytes are copied as they pass; a body longer than that cannot be held, and a hold
 * instruction for it is answered {@code 400 Request too large to accept GRIP instruct.} (spec 1.1).
 *
 * <p>Used on the client's event loop only. Holds no {@link ByteBuf}: bytes are copied out, so the
 * streamed buffers keep their single owner.
 */
public final class RequestBodyCopy {
    /** Spec 1.1: Pushpin buffers request bodies up to this size to be able to hold them. */
    public static final int MAX_BYTES = 100_000;
    /** No body, and none collected (routes without GRIP, the test target); {@link #add} ignores everything. */
    public static final RequestBodyCopy EMPTY = new RequestBodyCopy(new byte[0], 0, false, true);

    private final boolean frozen;
    private byte[] bytes;
    private int length;
    private boolean overLimit;

    private RequestBodyCopy(byte[] bytes, int length, boolean overLimit, boolean frozen) {
        this.bytes = bytes;
        this.length = length;
        this.overLimit = overLimit;
        this.frozen = frozen;
    }

    /**
     * An empty copy that grows as {@link #add} sees the body of {@code request}. A body declared
     * longer than the limit is over it at once, so a large upload is never copied in part.
     */
    public static RequestBodyCopy collecting(io.netty.handler.codec.http.HttpRequest request) {
        long declared = io.netty.handler.codec.http.HttpUtil.getContentLength(request, -1L);
        return new RequestBodyCopy(new byte[0], 0, declared > MAX_BYTES, false);
    }

    /** A copy of a body already known whole (a long-poll's retry sends the same body again). */
    public static RequestBodyCopy of(byte[] body) {
        return new RequestBodyCopy(body, body.length, false, true);
    }

    /** Copies the readable bytes of {@code chunk} (not consumed; the caller keeps ownership). */
    void add(ByteBuf chunk) {
        int n = chunk.readableBytes();
        if (n == 0 || overLimit || frozen) {
            return;
        }
        if ((long) length + n > MAX_BYTES) {
            overLimit = true;
            bytes = new byte[0];
            length = 0;
            return;
        }
        if (length + n > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.min(MAX_BYTES, Math.max(length + n, bytes.length * 2)));
        }
        chunk.getBytes(chunk.readerIndex(), bytes, length, n);
        length += n;
    }

    /** True when the body was longer than {@value #MAX_BYTES} bytes: such a request cannot be held. */
    public boolean overLimit() {
        return overLimit;
    }

    /** The copied body (empty when there was none). */
    public byte[] bytes() {
        return length == bytes.length ? bytes : Arrays.copyOf(bytes, length);
    }
}
