package io.holdfast.grip.publish;

import com.fasterxml.jackson.databind.JsonNode;
import io.holdfast.grip.GripHeaders;
import io.holdfast.grip.GripLimits;
import io.holdfast.grip.json.JsonFieldException;
import io.holdfast.grip.json.JsonFields;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads the three publish formats of spec 3.3 from a Jackson tree, one method per format.
 *
 * <p>Rules beyond Pushpin's: an unknown field inside a known format is an error (a typo such as
 * {@code contnet} would otherwise publish nothing, silently), and {@code action} must be one the
 * format supports. Where a format offers two spellings of one payload, the binary one wins
 * ({@code content-bin} over {@code content}, {@code body-bin} over {@code body} over
 * {@code body-patch}), as in Pushpin; all present fields are still type-checked.
 */
final class FormatReader {

    static final String HTTP_RESPONSE = "http-response";
    static final String HTTP_STREAM = "http-stream";
    static final String WS_MESSAGE = "ws-message";
    static final String MQTT = "mqtt";
    private static final Set<String> MQTT_FIELDS = Set.of("content", "content-bin", "qos", "retain");

    private static final Set<String> HTTP_RESPONSE_FIELDS = Set.of("action", "code", "reason", "headers", "body",
            "body-bin", "body-patch", "content-filters");
    private static final Set<String> HTTP_STREAM_FIELDS = Set.of("action", "content", "content-bin",
            "content-filters");
    private static final Set<String> WS_MESSAGE_FIELDS = Set.of("action", "type", "content", "content-bin", "code",
            "reason", "content-filters");

    private static final Set<Action> HTTP_ACTIONS = EnumSet.of(Action.SEND, Action.HINT, Action.CLOSE);
    private static final Set<Action> WS_ACTIONS = EnumSet.of(Action.SEND, Action.CLOSE, Action.REFRESH, Action.HINT);

    private FormatReader() {
    }

    static HttpResponseFormat httpResponse(JsonNode node, String path) {
        JsonFields.requireObject(node, path);
        checkFields(node, path, HTTP_RESPONSE_FIELDS);
        Action action = action(node, path, HTTP_ACTIONS);
        Integer code = JsonFields.optInt(node, path, "code", 0, 999);
        String reason = JsonFields.optString(node, path, "reason");
        String reasonProblem = GripLimits.reasonPhraseProblem(reason);
        if (reasonProblem != null) {
            throw new JsonFieldException(JsonFields.path(path, "reason"), reasonProblem);
        }
        // Names, values and framing are checked here, so no published header can split a response
        // or frame it twice (RFC 9110 §5.5, RFC 9112 §6), and nothing invalid reaches delivery.
        List<Map.Entry<String, String>> rawHeaders = JsonFields.optResponseHeaders(node, path, "headers");
        byte[] bodyBin = JsonFields.optBase64(node, path, "body-bin");
        byte[] body = JsonFields.optUtf8(node, path, "body");
        JsonNode patch = JsonFields.value(node, "body-patch");
        if (patch != null && !patch.isArray()) {
            throw new JsonFieldException(JsonFields.path(path, "body-patch"), "not an array");
        }
        if (patch != null) {
            requireFiniteNumbers(patch, JsonFields.path(path, "body-patch"));
        }
        List<String> filters = JsonFields.optStringList(node, path, "content-filters");

        // Grip-* headers never reach clients; Grip-Expose-Headers is kept as a whitelist (spec 3.3).
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        List<String> expose = null;
        if (rawHeaders != null) {
            for (Map.Entry<String, String> h : rawHeaders) {
                if (h.getKey().equalsIgnoreCase(GripHeaders.EXPOSE_HEADERS)) {
                    expose = expose == null ? new ArrayList<>() : expose;
                    for (String name : h.getValue().split(",")) {
                        if (!name.isBlank()) {
                            expose.add(name.strip());
                        }
                    }
                } else if (!GripHeaders.isGripHeader(h.getKey())) {
                    headers.add(h);
                }
            }
        }
        byte[] chosen = bodyBin != null ? bodyBin : body;
        JsonNode chosenPatch = chosen == null ? patch : null;
        if (action == Action.SEND && chosen == null && chosenPatch == null) {
            throw new JsonFieldException(path, "requires one of body, body-bin or body-patch");
        }
        return new HttpResponseFormat(action, code == null ? HttpResponseFormat.DEFAULT_CODE : code, reason, headers,
                expose, chosen, chosenPatch, filters);
    }

    static HttpStreamFormat httpStream(JsonNode node, String path) {
        JsonFields.requireObject(node, path);
        checkFields(node, path, HTTP_STREAM_FIELDS);
        Action action = action(node, path, HTTP_ACTIONS);
        byte[] bin = JsonFields.optBase64(node, path, "content-bin");
        byte[] text = JsonFields.optUtf8(node, path, "content");
        List<String> filters = JsonFields.optStringList(node, path, "content-filters");
        byte[] content = bin != null ? bin : text;
        if (action == Action.SEND && content == null) {
            throw new JsonFieldException(path, "requires content or content-bin");
        }
        return new HttpStreamFormat(action, content, filters);
    }

    static WsMessageFormat wsMessage(JsonNode node, String path) {
        JsonFields.requireObject(node, path);
        checkFields(node, path, WS_MESSAGE_FIELDS);
        Action action = action(node, path, WS_ACTIONS);
        String typeName = JsonFields.optString(node, path, "type");
        WsMessageType type = null;
        if (typeName != null) {
            type = WsMessageType.fromWireName(typeName).orElseThrow(() -> new JsonFieldException(
                    JsonFields.path(path, "type"), "\"" + typeName + "\" is not one of text, binary, ping, pong"));
        }
        byte[] bin = JsonFields.optBase64(node, path, "content-bin");
        byte[] text = JsonFields.optUtf8(node, path, "content");
        Integer code = JsonFields.optInt(node, path, "code", 0, Integer.MAX_VALUE);
        String codeProblem = code == null ? null : GripLimits.closeCodeProblem(code);
        if (codeProblem != null) {
            throw new JsonFieldException(JsonFields.path(path, "code"), codeProblem);
        }
        String reason = JsonFields.optString(node, path, "reason");
        String reasonProblem = GripLimits.closeReasonProblem(reason);
        if (reasonProblem != null) {
            throw new JsonFieldException(JsonFields.path(path, "reason"), reasonProblem);
        }
        List<String> filters = JsonFields.optStringList(node, path, "content-filters");
        byte[] content = bin != null ? bin : text;
        if (type == null) {
            type = bin != null ? WsMessageType.BINARY : WsMessageType.TEXT;
        }
        if (action == Action.SEND && content == null && (type == WsMessageType.TEXT || type == WsMessageType.BINARY)) {
            throw new JsonFieldException(path, "requires content or content-bin");
        }
        return new WsMessageFormat(action, type, content, code, reason, filters);
    }

    /** The {@code mqtt} format: {@code content} or {@code content-bin} (may be empty), {@code qos}, {@code retain}. */
    static MqttFormat mqtt(JsonNode node, String path) {
        JsonFields.requireObject(node, path);
        checkFields(node, path, MQTT_FIELDS);
        byte[] bin = JsonFields.optBase64(node, path, "content-bin");
        byte[] text = JsonFields.optUtf8(node, path, "content");
        Integer qos = JsonFields.optInt(node, path, "qos", 0, 2);
        Boolean retain = JsonFields.optBoolean(node, path, "retain");
        byte[] content = bin != null ? bin : text;
        if (content == null) {
            throw new JsonFieldException(path, "requires content or content-bin");
        }
        return new MqttFormat(content, qos == null ? 0 : qos, retain != null && retain);
    }

    private static Action action(JsonNode node, String path, Set<Action> allowed) {
        String name = JsonFields.optString(node, path, "action");
        if (name == null) {
            return Action.SEND;
        }
        Action a = Action.fromWireName(name).orElse(null);
        if (a == null || !allowed.contains(a)) {
            String expected = allowed.stream().map(Action::wireName).collect(Collectors.joining(", "));
            throw new JsonFieldException(JsonFields.path(path, "action"),
                    "\"" + name + "\" is not one of " + expected);
        }
        return a;
    }

    /**
     * A number too large for a double (e.g. {@code 1e309}) would be kept as infinity and written on as
     * the string {@code "Infinity"}: refuse it rather than change the patch (found by PublishFuzzTest).
     */
    private static void requireFiniteNumbers(JsonNode tree, String path) {
        Deque<JsonNode> todo = new ArrayDeque<>();
        todo.push(tree);
        while (!todo.isEmpty()) {
            JsonNode node = todo.pop();
            if (node.isFloatingPointNumber() && !Double.isFinite(node.doubleValue())) {
                throw new JsonFieldException(path, "number " + node.asText() + " is out of range");
            }
            node.forEach(todo::push);
        }
    }

    private static void checkFields(JsonNode node, String path, Set<String> known) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!known.contains(name)) {
                throw new JsonFieldException(JsonFields.path(path, name), "unknown field");
            }
        }
    }
}
