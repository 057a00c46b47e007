package io.holdfast.grip.publish;

import com.fasterxml.jackson.databind.JsonNode;
import io.holdfast.grip.GripLimits;
import io.holdfast.grip.json.GripJson;
import io.holdfast.grip.json.JsonFieldException;
import io.holdfast.grip.json.JsonFields;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Reads the body of {@code POST /publish}: {@code {"items": [item, ...]}} (spec 3.1-3.3).
 *
 * <p>The whole body is validated before anything is returned, because Pushpin publishes none of the
 * items if any is invalid. Both item shapes are accepted: formats under {@code "formats"}, and the
 * legacy shape with format keys directly on the item. Content is kept as bytes from here on, so the
 * server encodes it once and writes the same buffer to every subscriber. Parsing uses one Jackson
 * tree per body; items are independent, so the same reader serves ZeroMQ inputs one item at a time
 * ({@link #parseItem(JsonNode, String)}).
 */
public final class PublishRequestParser {

    /** Pushpin's answer to a body that does not parse. */
    public static final String NOT_JSON = "Body is not valid JSON.";

    /** Pushpin's answer to a body without {@code items}. */
    public static final String NO_ITEMS = "Invalid format: object does not contain 'items'";

    /** Pushpin's answer when {@code items} is not a list. */
    public static final String ITEMS_WRONG_TYPE = "Invalid format: object contains 'items' with wrong type";

    /** Pushpin's answer to a body that is JSON but not an object. */
    public static final String NOT_OBJECT = "Invalid format.";

    private PublishRequestParser() {
    }

    /**
     * Parses and validates a whole publish body.
     *
     * @return the items in order (possibly empty), immutable
     * @throws PublishFormatException if the body or any item is invalid; nothing is returned then
     */
    public static List<PublishItem> parse(byte[] json) throws PublishFormatException {
        JsonNode root = GripJson.readTree(json).orElseThrow(() -> new PublishFormatException(NOT_JSON));
        if (!root.isObject()) {
            throw new PublishFormatException(NOT_OBJECT);
        }
        JsonNode items = root.get("items");
        if (items == null) {
            throw new PublishFormatException(NO_ITEMS);
        }
        if (!items.isArray()) {
            throw new PublishFormatException(ITEMS_WRONG_TYPE);
        }
        List<PublishItem> out = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            try {
                out.add(read(items.get(i), null));
            } catch (JsonFieldException e) {
                throw new PublishFormatException(i, e.field(), e.problem());
            }
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * Parses one item object.
     *
     * @throws PublishFormatException {@code Invalid format: <field>: <problem>}
     */
    public static PublishItem parseItem(JsonNode item) throws PublishFormatException {
        return parseItem(item, null);
    }

    /**
     * Parses one item whose channel may come from elsewhere (the first frame of a ZeroMQ SUB message,
     * spec 3.2).
     *
     * @param channel the channel to use instead of the item's {@code channel} field, or null
     */
    public static PublishItem parseItem(JsonNode item, String channel) throws PublishFormatException {
        try {
            return read(item, channel);
        } catch (JsonFieldException e) {
            throw new PublishFormatException(PublishFormatException.NO_ITEM, e.field(), e.problem());
        }
    }

    private static PublishItem read(JsonNode item, String channelOverride) {
        if (item == null || !item.isObject()) {
            throw new JsonFieldException("", "not an object");
        }
        String channel = channelOverride != null ? channelOverride : JsonFields.reqString(item, "", "channel");
        if (channel.isEmpty()) {
            throw new JsonFieldException("channel", "empty");
        }
        String channelProblem = GripLimits.channelProblem(channel);
        if (channelProblem != null) {
            throw new JsonFieldException("channel", channelProblem);
        }
        String id = JsonFields.optString(item, "", "id");
        String prevId = JsonFields.optString(item, "", "prev-id");

        JsonNode formats = JsonFields.value(item, "formats");
        String prefix;
        if (formats != null) {
            JsonFields.requireObject(formats, "formats");
            for (Iterator<String> it = formats.fieldNames(); it.hasNext(); ) {
                String name = it.next();
                if (!isFormatName(name)) {
                    throw new JsonFieldException(JsonFields.path("formats", name), "unknown format");
                }
            }
            prefix = "formats";
        } else {
            formats = item; // legacy form: the format keys sit on the item itself
            prefix = "";
        }
        JsonNode node = JsonFields.value(formats, FormatReader.HTTP_RESPONSE);
        HttpResponseFormat httpResponse = node == null ? null
                : FormatReader.httpResponse(node, JsonFields.path(prefix, FormatReader.HTTP_RESPONSE));
        node = JsonFields.value(formats, FormatReader.HTTP_STREAM);
        HttpStreamFormat httpStream = node == null ? null
                : FormatReader.httpStream(node, JsonFields.path(prefix, FormatReader.HTTP_STREAM));
        node = JsonFields.value(formats, FormatReader.WS_MESSAGE);
        WsMessageFormat wsMessage = node == null ? null
                : FormatReader.wsMessage(node, JsonFields.path(prefix, FormatReader.WS_MESSAGE));
        node = JsonFields.value(formats, FormatReader.MQTT);
        MqttFormat mqtt = node == null ? null : FormatReader.mqtt(node, JsonFields.path(prefix, FormatReader.MQTT));
        if (httpResponse == null && httpStream == null && wsMessage == null && mqtt == null) {
            throw new JsonFieldException("", "no formats specified");
        }

        Map<String, String> meta = JsonFields.optStringMap(item, "", "meta");
        Boolean noSeq = JsonFields.optBoolean(item, "", "no-seq");
        Integer size = JsonFields.optInt(item, "", "size", 0, Integer.MAX_VALUE);
        return new PublishItem(channel, id, prevId, meta, noSeq != null && noSeq, size, httpResponse, httpStream,
                wsMessage, mqtt);
    }

    private static boolean isFormatName(String name) {
        return name.equals(FormatReader.HTTP_RESPONSE) || name.equals(FormatReader.HTTP_STREAM)
                || name.equals(FormatReader.WS_MESSAGE) || name.equals(FormatReader.MQTT);
    }
}
