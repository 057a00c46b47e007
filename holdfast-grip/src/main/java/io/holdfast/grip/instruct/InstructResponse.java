package io.holdfast.grip.instruct;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code response} part of a JSON instruct (spec 1.4): the status, headers and body that replace
 * the origin's real HTTP response. For a response hold it is the timeout response; for a stream
 * hold, the stream's headers and initial body.
 *
 * <p>Fields are as written in the JSON: {@code code} and {@code reason} are null when absent (the
 * effective status is {@link GripInstruct#statusCode()}), {@code body} is null when neither
 * {@code body} nor {@code body-bin} was given. The body array is not copied: treat it as read-only.
 *
 * @param code    status code 0-999, or null
 * @param reason  reason phrase, or null
 * @param headers header pairs in order (immutable; names keep their case)
 * @param body    body bytes, or null
 */
public record InstructResponse(Integer code, String reason, List<Map.Entry<String, String>> headers, byte[] body) {

    /** A {@code "response": {}}: no code, no reason, no headers, no body. */
    public static final InstructResponse EMPTY = new InstructResponse(null, null, List.of(), null);

    public InstructResponse {
        if (code != null && (code < 0 || code > 999)) {
            throw new IllegalArgumentException("code: " + code + " (expected: 0-999)");
        }
        headers = headers == null ? List.of()
                : headers.stream().map(h -> Map.entry(h.getKey(), h.getValue())).toList();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InstructResponse r && Objects.equals(code, r.code) && Objects.equals(reason, r.reason)
                && headers.equals(r.headers) && Arrays.equals(body, r.body);
    }

    @Override
    public int hashCode() {
        return Objects.hash(code, reason, headers, Arrays.hashCode(body));
    }

    @Override
    public String toString() {
        return "InstructResponse[code=" + code + ", reason=" + reason + ", headers=" + headers + ", body="
                + (body == null ? "null" : body.length + " bytes") + "]";
    }
}
