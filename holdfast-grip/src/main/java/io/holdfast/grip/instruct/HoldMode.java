package io.holdfast.grip.instruct;

import java.util.Optional;

/**
 * How the proxy holds a request: as a long-poll ({@code response}) or as an open stream
 * ({@code stream}), the two values of {@code Grip-Hold} and of {@code hold.mode} (spec 1.3, 1.5).
 */
public enum HoldMode {
    /** Long-polling: answer once, with a published item or the timeout response (spec 1.5.1). */
    RESPONSE("response"),
    /** HTTP streaming / SSE: send headers now, append published content (spec 1.5.2). */
    STREAM("stream");

    private final String wireName;

    HoldMode(String wireName) {
        this.wireName = wireName;
    }

    /** The header / JSON spelling. */
    public String wireName() {
        return wireName;
    }

    /** The mode with this spelling (exact, lower case, as Pushpin compares it), if any. */
    public static Optional<HoldMode> fromWireName(String name) {
        for (HoldMode m : values()) {
            if (m.wireName.equals(name)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }
}
