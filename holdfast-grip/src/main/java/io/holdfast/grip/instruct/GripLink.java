package io.holdfast.grip.instruct;

import java.util.Objects;

/**
 * A {@code Grip-Link: <uri>; rel=next; timeout=N} target (spec 1.5.3): the URL the proxy fetches with
 * {@code GET} to continue or refresh a stream, and how often to re-fetch it as a safety poll.
 *
 * @param uri            as the origin wrote it; may be relative to the request URL
 * @param timeoutSeconds re-fetch period, default {@link #DEFAULT_TIMEOUT_SECONDS}
 */
public record GripLink(String uri, int timeoutSeconds) {

    /** Pushpin's DEFAULT_NEXTLINK_TIMEOUT. */
    public static final int DEFAULT_TIMEOUT_SECONDS = 120;

    public GripLink {
        Objects.requireNonNull(uri, "uri");
        if (uri.isEmpty()) {
            throw new IllegalArgumentException("uri: empty");
        }
        if (timeoutSeconds < 0) {
            throw new IllegalArgumentException("timeoutSeconds: " + timeoutSeconds + " (expected: >= 0)");
        }
    }

    /** A next link with the default timeout. */
    public static GripLink of(String uri) {
        return new GripLink(uri, DEFAULT_TIMEOUT_SECONDS);
    }
}
