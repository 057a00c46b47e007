package io.holdfast.grip.websocket;

import io.holdfast.grip.GripProtocolException;

/**
 * An {@code application/websocket-events} body that cannot be decoded: truncated or garbled.
 *
 * <p>From the origin this is a protocol error that drops the client connection (spec 2.2). The message
 * names the byte offset where decoding failed, e.g. {@code offset 12: truncated content (needs 28
 * bytes, 5 left)}. Unchecked (see {@link GripProtocolException}).
 */
public final class WebSocketEventException extends GripProtocolException {

    private static final long serialVersionUID = 1L;

    private final int offset;

    public WebSocketEventException(int offset, String problem) {
        super("offset " + offset + ": " + problem);
        this.offset = offset;
    }

    /** The byte offset in the body where the fault was found. */
    public int offset() {
        return offset;
    }
}
