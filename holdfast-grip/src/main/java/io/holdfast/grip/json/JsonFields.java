package io.holdfast.grip.json;

import com.fasterxml.jackson.databind.JsonNode;
import io.holdfast.grip.GripLimits;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Typed reads of fields from a Jackson tree, each naming the field's path when the value is wrong.
 *
 * <p>Every GRIP JSON format has the same field kinds (optional string, int in a range, object of
 * strings, header list, base64 content), and every error message must name the path at fault. The
 * reads here take the parent's path and the key, and throw {@link JsonFieldException} with
 * {@code parent.key: problem}. A JSON {@code null} counts as absent, as it does for Pushpin.
 */
public final class JsonFields {

    private JsonFields() {
    }

    /** {@code parent.key}, or just {@code key} at the root. */
    public static String path(String parent, String key) {
        return parent == null || parent.isEmpty() ? key : parent + "." + key;
    }

    /** {@code parent[index]}. */
    public static String index(String parent, int index) {
        return parent + "[" + index + "]";
    }

    /** The value under {@code key}, or null if absent or JSON null. */
    public static JsonNode value(JsonNode obj, String key) {
        JsonNode v = obj.get(key);
        return v == null || v.isNull() ? null : v;
    }

    /** Whether {@code key} is present with a non-null value. */
    public static boolean has(JsonNode obj, String key) {
        return value(obj, key) != null;
    }

    /** Checks that {@code node} is an object. */
    public static JsonNode requireObject(JsonNode node, String path) {
        if (node == null || !node.isObject()) {
            throw new JsonFieldException(path, "not an object");
        }
        return node;
    }

    public static String optString(JsonNode obj, String parent, String key) {
        JsonNode v = value(obj, key);
        if (v == null) {
            return null;
        }
        if (!v.isTextual()) {
            throw new JsonFieldException(path(parent, key), "not a string");
        }
        return v.textValue();
    }

    public static String reqString(JsonNode obj, String parent, String key) {
        String s = optString(obj, parent, key);
        if (s == null) {
            throw new JsonFieldException(path(parent, key), "required");
        }
        return s;
    }

    /** An optional integer; floats with an integral value (e.g. {@code 5.0}) are accepted. */
    public static Integer optInt(JsonNode obj, String parent, String key) {
        JsonNode v = value(obj, key);
        if (v == null) {
            return null;
        }
        if (!v.isNumber() || (!v.isIntegralNumber() && v.asDouble() != Math.rint(v.asDouble()))) {
            throw new JsonFieldException(path(parent, key), "not an integer");
        }
        if (!v.canConvertToInt()) {
            throw new JsonFieldException(path(parent, key), v.asText() + " is out of range");
        }
        return v.asInt();
    }

    /** An optional integer that must lie in {@code [min, max]}. */
    public static Integer optInt(JsonNode obj, String parent, String key, int min, int max) {
        Integer i = optInt(obj, parent, key);
        if (i != null && (i < min || i > max)) {
            String expected = max == Integer.MAX_VALUE ? ">= " + min : min + "-" + max;
            throw new JsonFieldException(path(parent, key), i + " is out of range (expected: " + expected + ")");
        }
        return i;
    }

    public static Boolean optBoolean(JsonNode obj, String parent, String key) {
        JsonNode v = value(obj, key);
        if (v == null) {
            return null;
        }
        if (!v.isBoolean()) {
            throw new JsonFieldException(path(parent, key), "not a boolean");
        }
        return v.booleanValue();
    }

    /** An optional nested object, or null if absent. */
    public static JsonNode optObject(JsonNode obj, String parent, String key) {
        JsonNode v = value(obj, key);
        if (v == null) {
            return null;
        }
        return requireObject(v, path(parent, key));
    }

    /** An optional list of strings, or null if absent. */
    public static List<String> optStringList(JsonNode obj, String parent, String key) {
        JsonNode v = value(obj, key);
        if (v == null) {
            return null;
        }
        String p = path(parent, key);
        if (!v.isArray()) {
            throw new JsonFieldException(p, "not an array");
        }
        List<String> out = new ArrayList<>(v.size());
        for (int i = 0; i < v.size(); i++) {
            JsonNode e = v.get(i);
            if (!e.isTextual()) {
                throw new JsonFieldException(index(p, i), "not a string");
            }
            out.add(e.textValue());
        }
        return Collections.unmodifiableList(out);
    }

    /** An optional object whose values are all strings (meta), or null if absent. */
    public static Map<String, String> optStringMap(JsonNode obj, String parent, String key) {
        JsonNode v = optObject(obj, parent, key);
        if (v == null) {
            return null;
        }
        String p = path(parent, key);
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : v.properties()) {
            if (!e.getValue().isTextual()) {
                throw new JsonFieldException(path(p, e.getKey()), "not a string");
            }
            out.put(e.getKey(), e.getValue().textValue());
        }
        return Collections.unmodifiableMap(out);
    }

    /** Optional base64 content, or null if absent. */
    public static byte[] optBase64(JsonNode obj, String parent, String key) {
        String s = optString(obj, parent, key);
        if (s == null) {
            return null;
        }
        byte[] data = GripJson.decodeBase64(s);
        if (data == null) {
            throw new JsonFieldException(path(parent, key), "not valid base64");
        }
        return data;
    }

    /** Optional text content as UTF-8 bytes, or null if absent. */
    public static byte[] optUtf8(JsonNode obj, String parent, String key) {
        String s = optString(obj, parent, key);
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * {@link #optHeaders} for headers that go on a response Holdfast writes (a published
     * {@code http-response}, an instruct's {@code response}): each must pass
     * {@link GripLimits#responseHeaderProblem}, else the error names it as {@code parent.key.Name}
     * (object form) or {@code parent.key[i]} (pair form).
     */
    public static List<Map.Entry<String, String>> optResponseHeaders(JsonNode obj, String parent, String key) {
        List<Map.Entry<String, String>> headers = optHeaders(obj, parent, key);
        if (headers == null) {
            return null;
        }
        boolean pairs = value(obj, key).isArray();
        String p = path(parent, key);
        for (int i = 0; i < headers.size(); i++) {
            Map.Entry<String, String> h = headers.get(i);
            String problem = GripLimits.responseHeaderProblem(h.getKey(), h.getValue());
            if (problem != null) {
                throw new JsonFieldException(pairs ? index(p, i) : path(p, GripLimits.printable(h.getKey())), problem);
            }
        }
        return headers;
    }

    /**
     * Optional headers, given either as an object {@code {name: value}} or as a list of pairs
     * {@code [[name, value], ...]} (spec 1.4 and 3.3); null if absent. Order is kept.
     */
    public static List<Map.Entry<String, String>> optHeaders(JsonNode obj, String parent, String key) {
        JsonNode v = value(obj, key);
        if (v == null) {
            return null;
        }
        String p = path(parent, key);
        List<Map.Entry<String, String>> out = new ArrayList<>();
        if (v.isObject()) {
            for (Map.Entry<String, JsonNode> e : v.properties()) {
                if (!e.getValue().isTextual()) {
                    throw new JsonFieldException(path(p, e.getKey()), "not a string");
                }
                out.add(Map.entry(e.getKey(), e.getValue().textValue()));
            }
        } else if (v.isArray()) {
            for (int i = 0; i < v.size(); i++) {
                JsonNode pair = v.get(i);
                if (!pair.isArray() || pair.size() != 2) {
                    throw new JsonFieldException(index(p, i), "not a [name, value] pair");
                }
                if (!pair.get(0).isTextual()) {
                    throw new JsonFieldException(index(index(p, i), 0), "not a string");
                }
                if (!pair.get(1).isTextual()) {
                    throw new JsonFieldException(index(index(p, i), 1), "not a string");
                }
                out.add(Map.entry(pair.get(0).textValue(), pair.get(1).textValue()));
            }
        } else {
            throw new JsonFieldException(p, "not an object or a list of [name, value] pairs");
        }
        return Collections.unmodifiableList(out);
    }
}
