package io.holdfast.grip.instruct;

import com.fasterxml.jackson.databind.JsonNode;
import io.holdfast.grip.GripLimits;
import io.holdfast.grip.json.GripJson;
import io.holdfast.grip.json.JsonFieldException;
import io.holdfast.grip.json.JsonFields;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads an {@code application/grip-instruct} JSON body (spec 1.4) and merges it over the instruct
 * already read from the response headers. Field errors come out as {@link GripInstructException}
 * named by JSON path ({@code hold.channels[1].name: required}). Unknown fields are ignored, as in
 * Pushpin.
 */
final class InstructJsonReader {

    /** The field name used when the body as a whole is at fault. */
    static final String BODY = "grip-instruct body";

    private InstructJsonReader() {
    }

    static GripInstruct read(byte[] body, GripInstruct headerInstruct) {
        JsonNode root = GripJson.readTree(body)
                .orElseThrow(() -> new GripInstructException(BODY, "not valid JSON"));
        if (!root.isObject()) {
            throw new GripInstructException(BODY, "not an object");
        }
        try {
            GripInstruct.Builder b = headerInstruct.toBuilder();
            JsonNode hold = JsonFields.optObject(root, "", "hold");
            if (hold != null) {
                readHold(hold, b, headerInstruct);
            }
            JsonNode response = JsonFields.optObject(root, "", "response");
            b.response(response == null ? InstructResponse.EMPTY : readResponse(response));
            return b.build();
        } catch (JsonFieldException e) {
            throw new GripInstructException(e.field(), e.problem());
        }
    }

    private static void readHold(JsonNode hold, GripInstruct.Builder b, GripInstruct headerInstruct) {
        String mode = JsonFields.optString(hold, "hold", "mode");
        if (mode == null) {
            b.hold(HoldMode.RESPONSE); // hold present without a mode means response (spec 1.4)
        } else {
            b.hold(HoldMode.fromWireName(mode).orElseThrow(() -> new JsonFieldException("hold.mode",
                    "\"" + mode + "\" is not response or stream")));
        }

        JsonNode channels = JsonFields.value(hold, "channels");
        if (channels != null) {
            if (!channels.isArray()) {
                throw new JsonFieldException("hold.channels", "not an array");
            }
            for (int i = 0; i < channels.size(); i++) {
                b.channel(readChannel(channels.get(i), JsonFields.index("hold.channels", i)));
            }
        }

        Integer timeout = JsonFields.optInt(hold, "hold", "timeout", 0, Integer.MAX_VALUE);
        if (timeout != null) {
            b.timeoutSeconds(timeout);
        }

        JsonNode ka = JsonFields.optObject(hold, "hold", "keep-alive");
        if (ka != null) {
            b.keepAlive(readKeepAlive(ka, headerInstruct.keepAlive().orElse(null)));
        }

        Map<String, String> meta = JsonFields.optStringMap(hold, "hold", "meta");
        if (meta != null) {
            if (meta.containsKey("")) {
                throw new JsonFieldException("hold.meta", "empty key"); // found by InstructJsonFuzzTest
            }
            b.meta(meta);
        }
    }

    private static ChannelSpec readChannel(JsonNode node, String path) {
        JsonFields.requireObject(node, path);
        String name = JsonFields.reqString(node, path, "name");
        if (name.isEmpty()) {
            throw new JsonFieldException(JsonFields.path(path, "name"), "empty");
        }
        String problem = GripLimits.channelProblem(name);
        if (problem != null) {
            throw new JsonFieldException(JsonFields.path(path, "name"), problem);
        }
        String prevId = JsonFields.optString(node, path, "prev-id");
        List<String> filters = JsonFields.optStringList(node, path, "filters");
        if (filters != null && filters.size() > ChannelSpec.MAX_FILTERS) {
            throw new JsonFieldException(JsonFields.path(path, "filters"), filters.size() + " filters (max "
                    + ChannelSpec.MAX_FILTERS + ")");
        }
        return new ChannelSpec(name, prevId, filters);
    }

    // JSON has no keep-alive mode: a header keep-alive's mode is kept, otherwise idle. Without
    // content, the header's data (if any) is kept with the new timeout, as Pushpin does.
    private static KeepAlive readKeepAlive(JsonNode ka, KeepAlive fromHeader) {
        String path = "hold.keep-alive";
        byte[] data = JsonFields.optBase64(ka, path, "content-bin");
        if (data == null) {
            data = JsonFields.optUtf8(ka, path, "content");
        }
        Integer timeout = JsonFields.optInt(ka, path, "timeout", 0, Integer.MAX_VALUE);
        if (data == null && fromHeader == null) {
            return null;
        }
        return new KeepAlive(data != null ? data : fromHeader.data(),
                timeout != null ? timeout : KeepAlive.DEFAULT_TIMEOUT_SECONDS,
                fromHeader != null ? fromHeader.mode() : KeepAliveMode.IDLE);
    }

    private static InstructResponse readResponse(JsonNode r) {
        String path = "response";
        Integer code = JsonFields.optInt(r, path, "code", 0, 999);
        String reason = JsonFields.optString(r, path, "reason");
        String problem = GripLimits.reasonPhraseProblem(reason);
        if (problem != null) {
            throw new JsonFieldException(JsonFields.path(path, "reason"), problem);
        }
        // These headers reach the client: the same name, value and framing rules as a published response.
        List<Map.Entry<String, String>> headers = JsonFields.optResponseHeaders(r, path, "headers");
        byte[] body = JsonFields.optBase64(r, path, "body-bin"); // body-bin wins over body (spec 1.4)
        if (body == null) {
            body = JsonFields.optUtf8(r, path, "body");
        }
        return new InstructResponse(code, reason, headers == null ? new ArrayList<>() : headers, body);
    }
}
