package io.holdfast.grip.tnetstring;

import com.fasterxml.jackson.databind.JsonNode;
import io.holdfast.grip.json.GripJson;
import io.holdfast.grip.json.JsonFields;
import io.holdfast.grip.publish.PublishFormatException;
import io.holdfast.grip.publish.PublishItem;
import io.holdfast.grip.publish.PublishRequestParser;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Publish items sent as tnetstrings, as Pushpin's ZeroMQ publishers send them (spec 3.4).
 *
 * <p>One set of rules for items: a tnetstring item is turned into the JSON tree the HTTP API would
 * have received and handed to {@link PublishRequestParser#parseItem(JsonNode, String)}, so both
 * inputs accept and reject exactly the same items with the same messages. The only differences are
 * Pushpin's: in a tnetstring the payload fields hold raw bytes, so {@code http-stream.content},
 * {@code http-response.body} and {@code ws-message.content} become their base64 {@code -bin} JSON
 * twins on the way, and a {@code ws-message} sent with {@code content} stays a text message. As in
 * Pushpin, {@code ws-message.content-bin} may also carry raw bytes (a binary message), while
 * {@code content-bin} and {@code body-bin} in the HTTP formats are JSON-only and refused. Every other
 * byte string (channel, ids, meta, headers, ...) must be UTF-8 text.
 */
public final class TNetStringItems {

    private static final String FORMATS = "formats";
    private static final String HTTP_RESPONSE = "http-response";
    private static final String HTTP_STREAM = "http-stream";
    private static final String WS_MESSAGE = "ws-message";

    private TNetStringItems() {
    }

    /**
     * Decodes and parses one item.
     *
     * @param channel the channel to use instead of the item's own (ZeroMQ SUB topic), or null
     * @throws TNetStringException    if the bytes are not a tnetstring
     * @throws PublishFormatException if the item is invalid
     */
    public static PublishItem parseItem(byte[] tnetstring, String channel) {
        return parseItem(TNetStrings.decode(tnetstring), channel);
    }

    /**
     * Parses one decoded item (a dict).
     *
     * @param channel the channel to use instead of the item's own, or null
     * @throws PublishFormatException {@code Invalid format: <field>: <problem>}
     */
    public static PublishItem parseItem(Object item, String channel) {
        return PublishRequestParser.parseItem(toJsonItem(item, PublishFormatException.NO_ITEM), channel);
    }

    /**
     * Parses the {@code items} list of a command-socket publish. Every item is validated before any is
     * returned, as for the HTTP API.
     *
     * @throws PublishFormatException naming the index of the first invalid item
     */
    public static List<PublishItem> parseItems(Object items) {
        if (items == null) {
            throw new PublishFormatException(PublishRequestParser.NO_ITEMS);
        }
        if (!(items instanceof List<?> list)) {
            throw new PublishFormatException(PublishRequestParser.ITEMS_WRONG_TYPE);
        }
        List<PublishItem> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            JsonNode node = toJsonItem(list.get(i), i);
            try {
                out.add(PublishRequestParser.parseItem(node, null));
            } catch (PublishFormatException e) {
                throw reindex(e, i);
            }
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * The JSON tree equivalent of a decoded tnetstring item, with raw payload bytes moved to their
     * base64 {@code -bin} fields.
     *
     * @param index the item's index for error messages, or {@link PublishFormatException#NO_ITEM}
     * @throws PublishFormatException if the value is not a dict, or a text field is not UTF-8
     */
    public static JsonNode toJsonItem(Object item, int index) {
        if (!(item instanceof Map<?, ?> map)) {
            throw new PublishFormatException(index, "", "not an object");
        }
        Map<Object, Object> copy = new LinkedHashMap<>(map);
        rewriteFormats(copy, "", index);
        Object formats = copy.get(FORMATS);
        if (formats instanceof Map<?, ?> f) {
            Map<Object, Object> formatsCopy = new LinkedHashMap<>(f);
            rewriteFormats(formatsCopy, FORMATS, index);
            copy.put(FORMATS, formatsCopy);
        }
        try {
            return TNetStrings.toJson(copy);
        } catch (TNetStringException e) {
            throw new PublishFormatException(index, e.path(), e.problem());
        }
    }

    /** Rewrites the format dicts found directly in {@code parent} (the item, or its {@code formats}). */
    private static void rewriteFormats(Map<Object, Object> parent, String path, int index) {
        rewrite(parent, HTTP_STREAM, "content", JsonFields.path(path, HTTP_STREAM), index);
        rewrite(parent, HTTP_RESPONSE, "body", JsonFields.path(path, HTTP_RESPONSE), index);
        Object ws = parent.get(WS_MESSAGE);
        if (ws instanceof Map<?, ?> wsMap) {
            Map<Object, Object> f = new LinkedHashMap<>(wsMap);
            Object bin = f.get("content-bin");
            Object content = f.get("content");
            if (bin instanceof byte[] bytes) {
                // Pushpin: raw bytes here make a binary message, and content-bin wins over content.
                f.put("content-bin", GripJson.encodeBase64(bytes));
                f.remove("content");
            } else if (bin == null && content instanceof byte[] bytes) {
                f.remove("content");
                f.put("content-bin", GripJson.encodeBase64(bytes));
                if (f.get("type") == null) {
                    f.put("type", "text"); // content means text; content-bin alone would mean binary
                }
            }
            parent.put(WS_MESSAGE, f);
        }
    }

    /** In format {@code name}: raw {@code field} bytes become base64 {@code field-bin}; a sent {@code field-bin} is refused. */
    private static void rewrite(Map<Object, Object> parent, String name, String field, String path, int index) {
        Object format = parent.get(name);
        if (!(format instanceof Map<?, ?> map)) {
            return;
        }
        Map<Object, Object> f = new LinkedHashMap<>(map);
        String binField = field + "-bin";
        if (f.containsKey(binField)) {
            throw new PublishFormatException(index, JsonFields.path(path, binField),
                    "base64 is for JSON only; a tnetstring carries the raw bytes in " + field);
        }
        Object value = f.get(field);
        if (value instanceof byte[] bytes) {
            f.remove(field);
            f.put(binField, GripJson.encodeBase64(bytes));
        }
        parent.put(name, f);
    }

    /** The same error, with the item's index in the message as the HTTP API words it. */
    private static PublishFormatException reindex(PublishFormatException e, int index) {
        String prefix = "Invalid format: ";
        String field = e.field() == null ? "" : e.field();
        String rest = e.getMessage().startsWith(prefix) ? e.getMessage().substring(prefix.length()) : e.getMessage();
        String fieldPrefix = field.isEmpty() ? "" : field + ": ";
        String problem = rest.startsWith(fieldPrefix) ? rest.substring(fieldPrefix.length()) : rest;
        return new PublishFormatException(index, field, problem);
    }
}
