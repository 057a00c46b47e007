package io.holdfast.grip.publish;

import com.fasterxml.jackson.databind.JsonNode;
import io.holdfast.grip.GripLimits;
import io.holdfast.grip.HttpReasons;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code http-response} format of a published item: the answer for long-poll (response-hold)
 * subscribers (spec 3.3, 1.5.1).
 *
 * <p>{@code headers} never contain {@code Grip-*} headers: the parser removes them, except that a
 * {@code Grip-Expose-Headers} value is kept, split into names, as {@code exposeHeaders} (null when
 * absent). The server applies it as a whitelist, its documented meaning; note that Pushpin's current
 * C++ code removes the listed headers instead. Exactly one of {@code body} and {@code bodyPatch} is
 * set for {@code send}; both may be null for hint/close. Arrays and the patch tree are held without
 * copies: treat them as read-only.
 *
 * @param action         SEND (default), HINT, or CLOSE (parsed, not supported for response holds)
 * @param code           status code 0-999, default 200
 * @param reason         reason phrase, or null for the standard phrase ({@link #effectiveReason()})
 * @param headers        header pairs in order, Grip-* removed; each must pass
 *                       {@link GripLimits#responseHeaderProblem} (no CR/LF, no framing headers)
 * @param exposeHeaders  names from {@code Grip-Expose-Headers}, or null
 * @param body           body bytes ({@code body} or {@code body-bin}), or null
 * @param bodyPatch      a JSON Patch array (RFC 6902) for the timeout response's JSON body, or null
 * @param contentFilters {@code content-filters}, or null when not given (spec 1.6)
 */
public record HttpResponseFormat(Action action, int code, String reason, List<Map.Entry<String, String>> headers,
                                 List<String> exposeHeaders, byte[] body, JsonNode bodyPatch,
                                 List<String> contentFilters) {

    /** Status code when none is given. */
    public static final int DEFAULT_CODE = 200;

    public HttpResponseFormat {
        Objects.requireNonNull(action, "action");
        if (action == Action.REFRESH) {
            throw new IllegalArgumentException("action: refresh (expected: send, hint or close)");
        }
        if (code < 0 || code > 999) {
            throw new IllegalArgumentException("code: " + code + " (expected: 0-999)");
        }
        headers = headers == null ? List.of()
                : headers.stream().map(h -> Map.entry(h.getKey(), h.getValue())).toList();
        // The parser names the JSON field first; this keeps a publisher building items in Java just as safe.
        for (Map.Entry<String, String> h : headers) {
            String problem = GripLimits.responseHeaderProblem(h.getKey(), h.getValue());
            if (problem != null) {
                throw new IllegalArgumentException("headers: " + problem);
            }
        }
        String reasonProblem = GripLimits.reasonPhraseProblem(reason);
        if (reasonProblem != null) {
            throw new IllegalArgumentException("reason: " + reasonProblem);
        }
        exposeHeaders = exposeHeaders == null ? null : List.copyOf(exposeHeaders);
        contentFilters = contentFilters == null ? null : List.copyOf(contentFilters);
        if (bodyPatch != null && !bodyPatch.isArray()) {
            throw new IllegalArgumentException("bodyPatch: not an array");
        }
        if (action == Action.SEND && body == null && bodyPatch == null) {
            throw new IllegalArgumentException("send requires a body or a bodyPatch");
        }
    }

    /** A 200 response with this body and no headers. */
    public static HttpResponseFormat of(byte[] body) {
        return new HttpResponseFormat(Action.SEND, DEFAULT_CODE, null, List.of(), null, body, null, null);
    }

    /** A 200 response with this UTF-8 body and these headers. */
    public static HttpResponseFormat of(String body, List<Map.Entry<String, String>> headers) {
        return new HttpResponseFormat(Action.SEND, DEFAULT_CODE, null, headers, null,
                body.getBytes(StandardCharsets.UTF_8), null, null);
    }

    /** A hint: re-ask the origin. */
    public static HttpResponseFormat hint() {
        return new HttpResponseFormat(Action.HINT, DEFAULT_CODE, null, List.of(), null, null, null, null);
    }

    /** The reason to send: {@code reason} if non-empty, else the standard phrase for {@code code}. */
    public String effectiveReason() {
        return reason == null || reason.isEmpty() ? HttpReasons.phrase(code) : reason;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HttpResponseFormat f && action == f.action && code == f.code
                && Objects.equals(reason, f.reason) && headers.equals(f.headers)
                && Objects.equals(exposeHeaders, f.exposeHeaders) && Arrays.equals(body, f.body)
                && Objects.equals(bodyPatch, f.bodyPatch) && Objects.equals(contentFilters, f.contentFilters);
    }

    @Override
    public int hashCode() {
        return Objects.hash(action, code, reason, headers, exposeHeaders, Arrays.hashCode(body), bodyPatch,
                contentFilters);
    }

    @Override
    public String toString() {
        return "HttpResponseFormat[action=" + action + ", code=" + code + ", reason=" + reason + ", headers="
                + headers + ", exposeHeaders=" + exposeHeaders + ", body="
                + (body == null ? "null" : body.length + " bytes") + ", bodyPatch=" + bodyPatch
                + ", contentFilters=" + contentFilters + "]";
    }
}
