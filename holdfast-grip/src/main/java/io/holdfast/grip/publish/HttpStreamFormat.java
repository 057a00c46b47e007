package io.holdfast.grip.publish;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The {@code http-stream} format of a published item: raw bytes appended to every stream-hold
 * subscriber (spec 3.3, 1.5.2). Nothing is framed; for SSE the publisher sends whole
 * {@code event:}/{@code data:} lines. The content array is not copied: treat it as read-only.
 *
 * @param action         SEND (default), HINT (fetch the next link now) or CLOSE (end the stream)
 * @param content        bytes to append; required for send, otherwise may be null
 * @param contentFilters {@code content-filters}, or null when not given (spec 1.6)
 */
public record HttpStreamFormat(Action action, byte[] content, List<String> contentFilters) {

    public HttpStreamFormat {
        Objects.requireNonNull(action, "action");
        if (action == Action.REFRESH) {
            throw new IllegalArgumentException("action: refresh (expected: send, hint or close)");
        }
        if (action == Action.SEND && content == null) {
            throw new IllegalArgumentException("content: required for send");
        }
        contentFilters = contentFilters == null ? null : List.copyOf(contentFilters);
    }

    /** Send these bytes. */
    public static HttpStreamFormat of(byte[] content) {
        return new HttpStreamFormat(Action.SEND, content, null);
    }

    /** Send this UTF-8 text. */
    public static HttpStreamFormat of(String content) {
        return of(content.getBytes(StandardCharsets.UTF_8));
    }

    /** End the stream cleanly. */
    public static HttpStreamFormat close() {
        return new HttpStreamFormat(Action.CLOSE, null, null);
    }

    /** Drop queued items and fetch the next link now. */
    public static HttpStreamFormat hint() {
        return new HttpStreamFormat(Action.HINT, null, null);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HttpStreamFormat f && action == f.action && Arrays.equals(content, f.content)
                && Objects.equals(contentFilters, f.contentFilters);
    }

    @Override
    public int hashCode() {
        return Objects.hash(action, Arrays.hashCode(content), contentFilters);
    }

    @Override
    public String toString() {
        return "HttpStreamFormat[action=" + action + ", content="
                + (content == null ? "null" : content.length + " bytes") + ", contentFilters=" + contentFilters + "]";
    }
}
