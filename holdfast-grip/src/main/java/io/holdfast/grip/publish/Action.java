package io.holdfast.grip.publish;

import java.util.Optional;

/**
 * What a published format asks subscribers to do (spec 3.3, "Actions summary").
 *
 * <p>Which actions a format accepts differs: {@code http-response} and {@code http-stream} take send,
 * hint and close; {@code ws-message} takes send, close, refresh and hint. The parser enforces that.
 */
public enum Action {
    /** Deliver the payload (the default). */
    SEND("send"),
    /** "Something changed; ask the origin": retry a response hold, fetch a stream's next link. */
    HINT("hint"),
    /** End the stream or the WebSocket (not supported for response holds). */
    CLOSE("close"),
    /** Make a WebSocket-over-HTTP connection call its origin (v1.38+). */
    REFRESH("refresh");

    private final String wireName;

    Action(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<Action> fromWireName(String name) {
        for (Action a : values()) {
            if (a.wireName.equals(name)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }
}
