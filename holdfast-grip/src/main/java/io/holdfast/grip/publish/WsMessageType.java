package io.holdfast.grip.publish;

import java.util.Optional;

/**
 * The WebSocket message kinds a publisher or an origin can ask the proxy to send: {@code text},
 * {@code binary}, {@code ping}, {@code pong}. Used by the {@code ws-message} format (spec 3.3) and by
 * the {@code keep-alive} / {@code send-delayed} control messages (spec 2.3).
 */
public enum WsMessageType {
    TEXT("text"),
    BINARY("binary"),
    PING("ping"),
    PONG("pong");

    private final String wireName;

    WsMessageType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<WsMessageType> fromWireName(String name) {
        for (WsMessageType t : values()) {
            if (t.wireName.equals(name)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
