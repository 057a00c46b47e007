package io.holdfast.grip.websocket;

import com.fasterxml.jackson.databind.JsonNode;
import io.holdfast.grip.instruct.KeepAliveMode;
import io.holdfast.grip.publish.WsMessageType;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A GRIP control message an origin sends inside a WebSocket as a {@code c:}-prefixed TEXT message
 * (spec 2.3): subscribe, unsubscribe, detach, set-meta, keep-alive, send-delayed, flush-delayed,
 * session, close.
 *
 * <p>The server parses them with {@link #parse(String)} (the text after {@code c:}) and switches over
 * the record types; origins build them with the factories and send {@link #toFrame()}. An unknown
 * {@code type} parses to {@link Unknown} rather than failing, because Pushpin ignores unknown types;
 * malformed JSON or a bad field throws {@link ControlMessageException}.
 */
public sealed interface ControlMessage permits ControlMessage.Subscribe, ControlMessage.Unsubscribe,
        ControlMessage.Detach, ControlMessage.SetMeta, ControlMessage.KeepAlive, ControlMessage.SendDelayed,
        ControlMessage.FlushDelayed, ControlMessage.Session, ControlMessage.Close, ControlMessage.Resume,
        ControlMessage.Unknown {

    /** The prefix that marks a control message in a GRIP WebSocket (spec 2.1). */
    String PREFIX = "c:";

    /** At most this many filters per subscription (as for {@code Grip-Channel}). */
    int MAX_FILTERS = 5;

    /** Default {@code keep-alive} timeout in seconds. */
    int DEFAULT_KEEP_ALIVE_TIMEOUT_SECONDS = 55;

    /** Default {@code send-delayed} timeout in seconds. */
    int DEFAULT_SEND_DELAYED_TIMEOUT_SECONDS = 1;

    /** The wire {@code type}. */
    String type();

    /** The JSON object, without the {@code c:} prefix. */
    default String toJson() {
        return ControlMessageCodec.toJson(this);
    }

    /** {@code c:} + JSON: the TEXT message an origin sends. */
    default String toFrame() {
        return PREFIX + toJson();
    }

    /**
     * Parses the JSON after {@code c:}.
     *
     * @throws ControlMessageException if it is not a JSON object with a string {@code type}, or a
     *                                 known type has a bad field
     */
    static ControlMessage parse(String json) throws ControlMessageException {
        return ControlMessageCodec.parse(json == null ? null : json.getBytes(StandardCharsets.UTF_8));
    }

    /** Parses the JSON after {@code c:}, given as UTF-8 bytes. */
    static ControlMessage parse(byte[] json) throws ControlMessageException {
        return ControlMessageCodec.parse(json);
    }

    static Subscribe subscribe(String channel) {
        return new Subscribe(channel, List.of());
    }

    static Subscribe subscribe(String channel, List<String> filters) {
        return new Subscribe(channel, filters);
    }

    static Unsubscribe unsubscribe(String channel) {
        return new Unsubscribe(channel);
    }

    static Detach detach() {
        return new Detach();
    }

    /** Sets meta {@code name}; a null value deletes it. */
    static SetMeta setMeta(String name, String value) {
        return new SetMeta(name, value);
    }

    /** An idle text keep-alive. */
    static KeepAlive keepAlive(String content, int timeoutSeconds) {
        return new KeepAlive(WsMessageType.TEXT, content.getBytes(StandardCharsets.UTF_8), timeoutSeconds,
                KeepAliveMode.IDLE);
    }

    /** Turns keep-alives off (no content). */
    static KeepAlive keepAliveOff() {
        return new KeepAlive(WsMessageType.TEXT, null, DEFAULT_KEEP_ALIVE_TIMEOUT_SECONDS, KeepAliveMode.IDLE);
    }

    static SendDelayed sendDelayed(String content, int timeoutSeconds) {
        return new SendDelayed(WsMessageType.TEXT, content.getBytes(StandardCharsets.UTF_8), timeoutSeconds);
    }

    static FlushDelayed flushDelayed() {
        return new FlushDelayed();
    }

    /** Binds a session id; null or empty clears it. */
    static Session session(String id) {
        return new Session(id);
    }

    static Resume resume(String channel, String lastId) {
        return new Resume(channel, lastId);
    }

    static Close close(int code, String reason) {
        return new Close(code, reason);
    }

    /** Subscribe the connection to {@code channel} (route prefix added by the server). */
    record Subscribe(String channel, List<String> filters) implements ControlMessage {
        public Subscribe {
            requireChannel(channel);
            filters = filters == null ? List.of() : List.copyOf(filters);
            if (filters.size() > MAX_FILTERS) {
                throw new IllegalArgumentException("filters: " + filters.size() + " (expected: <= " + MAX_FILTERS + ")");
            }
        }

        @Override
        public String type() {
            return "subscribe";
        }
    }

    /**
     * Beyond Pushpin: subscribe to {@code channel} and first replay, from Holdfast's channel history,
     * every message after {@code lastId}; if that id is no longer in the history the client gets a
     * reset signal instead (see the README). Sent by an origin that learned the client's last id.
     */
    record Resume(String channel, String lastId) implements ControlMessage {
        public Resume {
            requireChannel(channel);
        }

        @Override
        public String type() {
            return "resume";
        }
    }

    /** Unsubscribe the connection from {@code channel}. */
    record Unsubscribe(String channel) implements ControlMessage {
        public Unsubscribe {
            requireChannel(channel);
        }

        @Override
        public String type() {
            return "unsubscribe";
        }
    }

    /** Drop the origin side; keep the client for published messages and keep-alives. */
    record Detach() implements ControlMessage {
        @Override
        public String type() {
            return "detach";
        }
    }

    /** Set subscription meta {@code name} to {@code value}; a null value deletes it. */
    record SetMeta(String name, String value) implements ControlMessage {
        public SetMeta {
            Objects.requireNonNull(name, "name");
            if (name.isEmpty()) {
                throw new IllegalArgumentException("name: empty");
            }
        }

        @Override
        public String type() {
            return "set-meta";
        }
    }

    /**
     * Send {@code content} to the client when idle or on each interval; null content turns
     * keep-alives off. The array is not copied: treat it as read-only.
     */
    record KeepAlive(WsMessageType messageType, byte[] content, int timeoutSeconds, KeepAliveMode mode)
            implements ControlMessage {
        public KeepAlive {
            Objects.requireNonNull(messageType, "messageType");
            Objects.requireNonNull(mode, "mode");
            requireTimeout(timeoutSeconds);
        }

        @Override
        public String type() {
            return "keep-alive";
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof KeepAlive k && messageType == k.messageType && Arrays.equals(content, k.content)
                    && timeoutSeconds == k.timeoutSeconds && mode == k.mode;
        }

        @Override
        public int hashCode() {
            return Objects.hash(messageType, Arrays.hashCode(content), timeoutSeconds, mode);
        }

        @Override
        public String toString() {
            return "KeepAlive[messageType=" + messageType + ", content="
                    + (content == null ? "null" : content.length + " bytes") + ", timeoutSeconds=" + timeoutSeconds
                    + ", mode=" + mode + "]";
        }
    }

    /**
     * Send one message to the client after the timeout; a newer send-delayed first flushes this one.
     * The array is not copied: treat it as read-only.
     */
    record SendDelayed(WsMessageType messageType, byte[] content, int timeoutSeconds) implements ControlMessage {
        public SendDelayed {
            Objects.requireNonNull(messageType, "messageType");
            requireTimeout(timeoutSeconds);
        }

        @Override
        public String type() {
            return "send-delayed";
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof SendDelayed s && messageType == s.messageType && Arrays.equals(content, s.content)
                    && timeoutSeconds == s.timeoutSeconds;
        }

        @Override
        public int hashCode() {
            return Objects.hash(messageType, Arrays.hashCode(content), timeoutSeconds);
        }

        @Override
        public String toString() {
            return "SendDelayed[messageType=" + messageType + ", content="
                    + (content == null ? "null" : content.length + " bytes") + ", timeoutSeconds=" + timeoutSeconds
                    + "]";
        }
    }

    /** Send the pending delayed message now. */
    record FlushDelayed() implements ControlMessage {
        @Override
        public String type() {
            return "flush-delayed";
        }
    }

    /** Session feature (spec 1.8): bind {@code id}, or clear with null/empty. */
    record Session(String id) implements ControlMessage {
        @Override
        public String type() {
            return "session";
        }
    }

    /** Close the client with an optional code and reason. */
    record Close(Integer code, String reason) implements ControlMessage {
        public Close {
            if (code != null && (code < 0 || code > 0xffff)) {
                throw new IllegalArgumentException("code: " + code + " (expected: 0-65535)");
            }
        }

        @Override
        public String type() {
            return "close";
        }
    }

    /** A message whose type this library does not know; Pushpin logs and ignores these. */
    record Unknown(String type, JsonNode json) implements ControlMessage {
        public Unknown {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(json, "json");
        }
    }

    private static void requireChannel(String channel) {
        Objects.requireNonNull(channel, "channel");
        if (channel.isEmpty()) {
            throw new IllegalArgumentException("channel: empty");
        }
    }

    private static void requireTimeout(int timeoutSeconds) {
        if (timeoutSeconds < 0) {
            throw new IllegalArgumentException("timeoutSeconds: " + timeoutSeconds + " (expected: >= 0)");
        }
    }
}
