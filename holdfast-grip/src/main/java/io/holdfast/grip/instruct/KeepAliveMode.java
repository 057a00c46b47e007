package io.holdfast.grip.instruct;

import java.util.Optional;

/**
 * When keep-alive data is sent: after N quiet seconds ({@code idle}) or every N seconds regardless
 * ({@code interval}, Pushpin v1.21+). Shared by {@code Grip-Keep-Alive} (spec 1.3) and the WebSocket
 * {@code keep-alive} control message (spec 2.3).
 */
public enum KeepAliveMode {
    /** The timer restarts after every write: data goes out only when the stream is quiet. */
    IDLE("idle"),
    /** Data goes out on a fixed period, whatever else was written. */
    INTERVAL("interval");

    private final String wireName;

    KeepAliveMode(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<KeepAliveMode> fromWireName(String name) {
        for (KeepAliveMode m : values()) {
            if (m.wireName.equals(name)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }
}
