package io.holdfast.grip.publish;

import io.holdfast.grip.GripLimits;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The {@code ws-message} format of a published item: a message for WebSocket subscribers, or an
 * instruction to close or refresh them (spec 3.3, 2.4). The content array is not copied: treat it as
 * read-only.
 *
 * @param action         SEND (default), CLOSE, REFRESH (WebSocket-over-HTTP only) or HINT (ignored)
 * @param type           message kind; default TEXT with {@code content}, BINARY with {@code content-bin}
 * @param content        payload; required for text/binary sends, optional for ping/pong, else null
 * @param code           close code for CLOSE, one an endpoint may send (RFC 6455 §7.4), or null
 * @param reason         close reason for CLOSE (at most 123 bytes), or null
 * @param contentFilters {@code content-filters}, or null when not given (spec 1.6)
 */
public record WsMessageFormat(Action action, WsMessageType type, byte[] content, Integer code, String reason,
                              List<String> contentFilters) {

    public WsMessageFormat {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(type, "type");
        if (action == Action.SEND && content == null && (type == WsMessageType.TEXT || type == WsMessageType.BINARY)) {
            throw new IllegalArgumentException("content: required for a " + type.wireName() + " send");
        }
        String codeProblem = code == null ? null : GripLimits.closeCodeProblem(code);
        if (codeProblem != null) {
            throw new IllegalArgumentException("code: " + codeProblem);
        }
        String reasonProblem = GripLimits.closeReasonProblem(reason);
        if (reasonProblem != null) {
            throw new IllegalArgumentException("reason: " + reasonProblem);
        }
        contentFilters = contentFilters == null ? null : List.copyOf(contentFilters);
    }

    /** A text message. */
    public static WsMessageFormat text(String content) {
        return new WsMessageFormat(Action.SEND, WsMessageType.TEXT, content.getBytes(StandardCharsets.UTF_8),
                null, null, null);
    }

    /** A binary message. */
    public static WsMessageFormat binary(byte[] content) {
        return new WsMessageFormat(Action.SEND, WsMessageType.BINARY, content, null, null, null);
    }

    /** Close subscribers with this code and optional reason. */
    public static WsMessageFormat close(int code, String reason) {
        return new WsMessageFormat(Action.CLOSE, WsMessageType.TEXT, null, code, reason, null);
    }

    /** Make WebSocket-over-HTTP subscribers call their origin. */
    public static WsMessageFormat refresh() {
        return new WsMessageFormat(Action.REFRESH, WsMessageType.TEXT, null, null, null, null);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WsMessageFormat f && action == f.action && type == f.type
                && Arrays.equals(content, f.content) && Objects.equals(code, f.code)
                && Objects.equals(reason, f.reason) && Objects.equals(contentFilters, f.contentFilters);
    }

    @Override
    public int hashCode() {
        return Objects.hash(action, type, Arrays.hashCode(content), code, reason, contentFilters);
    }

    @Override
    public String toString() {
        return "WsMessageFormat[action=" + action + ", type=" + type + ", content="
                + (content == null ? "null" : content.length + " bytes") + ", code=" + code + ", reason=" + reason
                + ", contentFilters=" + contentFilters + "]";
    }
}
