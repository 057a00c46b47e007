package io.holdfast.grip.instruct;

import java.util.Arrays;
import java.util.Objects;

/**
 * Data the proxy writes to a quiet stream hold, and when (spec 1.3 {@code Grip-Keep-Alive},
 * spec 1.4 {@code hold.keep-alive}).
 *
 * <p>The timeout is clamped to at least {@link #MIN_TIMEOUT_SECONDS}, as Pushpin does. The data array
 * is held as given, without a copy, and returned as is: treat it as read-only.
 *
 * @param data           the bytes to write, already decoded from raw/cstring/base64
 * @param timeoutSeconds seconds of quiet (idle) or the period (interval)
 * @param mode           idle or interval
 */
public record KeepAlive(byte[] data, int timeoutSeconds, KeepAliveMode mode) {

    /** Default timeout when none is given. */
    public static final int DEFAULT_TIMEOUT_SECONDS = 55;

    /** Smaller timeouts are raised to this. */
    public static final int MIN_TIMEOUT_SECONDS = 1;

    public KeepAlive {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(mode, "mode");
        if (timeoutSeconds < 0) {
            throw new IllegalArgumentException("timeoutSeconds: " + timeoutSeconds + " (expected: >= 0)");
        }
        timeoutSeconds = Math.max(timeoutSeconds, MIN_TIMEOUT_SECONDS);
    }

    /** Idle-mode keep-alive with the default timeout. */
    public static KeepAlive idle(byte[] data) {
        return new KeepAlive(data, DEFAULT_TIMEOUT_SECONDS, KeepAliveMode.IDLE);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeepAlive k && Arrays.equals(data, k.data) && timeoutSeconds == k.timeoutSeconds
                && mode == k.mode;
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(data), timeoutSeconds, mode);
    }

    @Override
    public String toString() {
        return "KeepAlive[data=" + data.length + " bytes, timeoutSeconds=" + timeoutSeconds + ", mode=" + mode + "]";
    }
}
