package io.holdfast.grip.websocket;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * One event of the WebSocket-over-HTTP protocol (spec 2.2): a client WebSocket happening (open,
 * message, ping, close, disconnect) carried in an {@code application/websocket-events} body.
 *
 * <p>The proxy turns client frames into these and POSTs them to the origin; the origin answers with
 * more of them. {@code content} is never null (empty when the event has none) and is held without a
 * copy: treat it as read-only. A CLOSE's content is a 2-byte big-endian code and an optional UTF-8
 * reason; {@link #closeCode()} and {@link #closeReason()} decode it.
 *
 * @param type    the event type
 * @param content the event's bytes, possibly empty
 */
public record WebSocketEvent(Type type, byte[] content) {

    private static final byte[] EMPTY = new byte[0];

    /** RFC 6455 §7.1.5: the code reported for a close frame that carries no status code. */
    public static final int NO_STATUS_CODE = 1005;

    /** The event types and their wire spellings. */
    public enum Type {
        /** Proxy→origin: the client wants to connect. Origin→proxy: accepted. */
        OPEN("OPEN"),
        /** One whole UTF-8 message. */
        TEXT("TEXT"),
        /** One whole binary message. */
        BINARY("BINARY"),
        PING("PING"),
        PONG("PONG"),
        /** Clean close, with an optional code and reason. */
        CLOSE("CLOSE"),
        /** Proxy→origin: the client vanished. Origin→proxy: drop this connection. */
        DISCONNECT("DISCONNECT");

        private final String wireName;

        Type(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }

        /** Whether events of this type carry content (OPEN and DISCONNECT never do). */
        public boolean hasContent() {
            return this != OPEN && this != DISCONNECT;
        }

        /** The type with this exact (upper-case) spelling, if any. */
        public static Optional<Type> fromWireName(String name) {
            for (Type t : values()) {
                if (t.wireName.equals(name)) {
                    return Optional.of(t);
                }
            }
            return Optional.empty();
        }
    }

    public WebSocketEvent {
        Objects.requireNonNull(type, "type");
        content = content == null ? EMPTY : content;
    }

    public static WebSocketEvent open() {
        return new WebSocketEvent(Type.OPEN, EMPTY);
    }

    public static WebSocketEvent text(String text) {
        return new WebSocketEvent(Type.TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    public static WebSocketEvent binary(byte[] data) {
        return new WebSocketEvent(Type.BINARY, data);
    }

    public static WebSocketEvent ping(byte[] data) {
        return new WebSocketEvent(Type.PING, data);
    }

    public static WebSocketEvent pong(byte[] data) {
        return new WebSocketEvent(Type.PONG, data);
    }

    /** A CLOSE with no code. */
    public static WebSocketEvent close() {
        return new WebSocketEvent(Type.CLOSE, EMPTY);
    }

    /** A CLOSE with a code and an optional (null or empty) reason. */
    public static WebSocketEvent close(int code, String reason) {
        if (code < 0 || code > 0xffff) {
            throw new IllegalArgumentException("code: " + code + " (expected: 0-65535)");
        }
        byte[] r = reason == null ? EMPTY : reason.getBytes(StandardCharsets.UTF_8);
        byte[] c = new byte[2 + r.length];
        c[0] = (byte) (code >> 8);
        c[1] = (byte) code;
        System.arraycopy(r, 0, c, 2, r.length);
        return new WebSocketEvent(Type.CLOSE, c);
    }

    public static WebSocketEvent disconnect() {
        return new WebSocketEvent(Type.DISCONNECT, EMPTY);
    }

    /** The content as UTF-8 text (for TEXT events). */
    public String text() {
        return new String(content, StandardCharsets.UTF_8);
    }

    /** A CLOSE event's code, or {@link #NO_STATUS_CODE} when it carries none. */
    public int closeCode() {
        return content.length >= 2 ? ((content[0] & 0xff) << 8) | (content[1] & 0xff) : NO_STATUS_CODE;
    }

    /** A CLOSE event's reason, or "" when it carries none. */
    public String closeReason() {
        return content.length > 2 ? new String(content, 2, content.length - 2, StandardCharsets.UTF_8) : "";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WebSocketEvent e && type == e.type && Arrays.equals(content, e.content);
    }

    @Override
    public int hashCode() {
        return 31 * type.hashCode() + Arrays.hashCode(content);
    }

    @Override
    public String toString() {
        return "WebSocketEvent[" + type + ", " + content.length + " bytes]";
    }
}
