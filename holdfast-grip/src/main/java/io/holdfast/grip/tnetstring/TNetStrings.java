package io.holdfast.grip.tnetstring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.holdfast.grip.json.JsonFields;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tnetstring codec of Pushpin's ZeroMQ sockets (spec 3.4): {@code <length>:<payload><type>},
 * with type {@code ,} byte string, {@code #} integer, {@code ^} float, {@code !} boolean, {@code ~}
 * null, <code>}</code> dict and {@code ]} list. {@code {"a": 1}} is {@code 8:1:a,1:1#}}.
 *
 * <p>Decoded values form a small model of plain Java objects, close to Jackson's tree so that
 * {@link #toJson} and {@link #fromJson} convert losslessly: {@code byte[]} for byte strings (a
 * tnetstring does not say whether bytes are text), {@link Long}, {@link Double}, {@link Boolean},
 * {@code null}, {@code Map<String, Object>} (insertion order kept; keys are byte strings read as
 * UTF-8; a repeated key keeps its last value, as Pushpin's Qt maps do) and {@code List<Object>}.
 * {@link #encode} takes the same model and also accepts {@link CharSequence} (written as UTF-8),
 * the other integral {@link Number} types and {@code float}.
 *
 * <p>Input comes from the network, so decoding is strict and bounded: every length is checked
 * against the bytes that remain, nesting stops at {@link #MAX_DEPTH}, numbers must be plain
 * decimal, and any fault raises {@link TNetStringException} naming the byte offset.
 */
public final class TNetStrings {

    /** Deepest nesting of dicts and lists accepted by {@link #decode}. */
    public static final int MAX_DEPTH = 64;

    /** More length digits than this cannot describe a payload that fits in a Java array. */
    private static final int MAX_LENGTH_DIGITS = 10;

    private TNetStrings() {
    }

    /**
     * Decodes one tnetstring that must span the whole input.
     *
     * @throws TNetStringException if the input is malformed, or has bytes after the value
     */
    public static Object decode(byte[] data) {
        return decode(data, 0, data.length);
    }

    /** Decodes one tnetstring that must span {@code data[offset, offset + length)}. */
    public static Object decode(byte[] data, int offset, int length) {
        if (offset < 0 || length < 0 || offset > data.length - length) {
            throw new IndexOutOfBoundsException("offset " + offset + ", length " + length + ", array " + data.length);
        }
        Reader reader = new Reader(data, offset);
        int end = offset + length;
        if (length == 0) {
            throw TNetStringException.at(offset, "empty input");
        }
        Object value = reader.value(end, 0);
        if (reader.pos != end) {
            throw TNetStringException.at(reader.pos, (end - reader.pos) + " unexpected byte(s) after the value");
        }
        return value;
    }

    /**
     * Encodes a value of the model (see the class comment).
     *
     * @throws IllegalArgumentException for a type outside the model, a non-finite float, or a dict
     *                                  key that is not a string or byte string
     */
    public static byte[] encode(Object value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        write(value, out, 0);
        return out.toByteArray();
    }

    /**
     * Converts a decoded value to a Jackson tree: byte strings become JSON strings and must be UTF-8.
     *
     * @throws TNetStringException naming the path of a byte string that is not UTF-8, or of a value
     *                             outside the model
     */
    public static JsonNode toJson(Object value) {
        return toJson(value, "");
    }

    /**
     * Converts a value of the model to a Jackson tree, naming {@code path} (the value's place in a
     * larger document, e.g. {@code items[0]}) in errors.
     */
    public static JsonNode toJson(Object value, String path) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (value == null) {
            return f.nullNode();
        }
        if (value instanceof byte[] bytes) {
            return f.textNode(utf8(bytes, path));
        }
        if (value instanceof CharSequence s) {
            return f.textNode(s.toString());
        }
        if (value instanceof Boolean b) {
            return f.booleanNode(b);
        }
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return f.numberNode(((Number) value).longValue());
        }
        if (value instanceof BigInteger big) {
            return f.numberNode(big);
        }
        if (value instanceof Double || value instanceof Float) {
            return f.numberNode(((Number) value).doubleValue());
        }
        if (value instanceof Map<?, ?> map) {
            ObjectNode obj = f.objectNode();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                String key = key(e.getKey(), path);
                obj.set(key, toJson(e.getValue(), JsonFields.path(path, key)));
            }
            return obj;
        }
        if (value instanceof List<?> list) {
            ArrayNode arr = f.arrayNode(list.size());
            for (int i = 0; i < list.size(); i++) {
                arr.add(toJson(list.get(i), JsonFields.index(path, i)));
            }
            return arr;
        }
        throw TNetStringException.inValue(path, "a " + value.getClass().getSimpleName() + " has no JSON form");
    }

    /**
     * Converts a Jackson tree to the model: strings become {@link String} (encoded as UTF-8 byte
     * strings), integral numbers {@link Long} (or {@link BigInteger} when larger), other numbers
     * {@link Double}, binary nodes {@code byte[]}.
     */
    public static Object fromJson(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isIntegralNumber()) {
            return node.canConvertToLong() ? (Object) node.longValue() : node.bigIntegerValue();
        }
        if (node.isNumber()) {
            return node.doubleValue();
        }
        if (node.isBinary()) {
            try {
                return node.binaryValue();
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e); // a BinaryNode holds its bytes; cannot happen
            }
        }
        if (node.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                map.put(e.getKey(), fromJson(e.getValue()));
            }
            return map;
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>(node.size());
            for (JsonNode e : node) {
                list.add(fromJson(e));
            }
            return list;
        }
        throw new IllegalArgumentException("unsupported JSON node " + node.getNodeType());
    }

    /** Reads a byte string as strict UTF-8, naming {@code path} if it is not. */
    static String utf8(byte[] bytes, String path) {
        for (byte b : bytes) {
            if (b < 0) {
                try {
                    return StandardCharsets.UTF_8.newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(bytes)).toString();
                } catch (CharacterCodingException e) {
                    throw TNetStringException.inValue(path, "byte string is not valid UTF-8");
                }
            }
        }
        return new String(bytes, StandardCharsets.ISO_8859_1); // pure ASCII: no decoder needed
    }

    private static String key(Object key, String path) {
        if (key instanceof CharSequence s) {
            return s.toString();
        }
        if (key instanceof byte[] bytes) {
            return utf8(bytes, path);
        }
        throw TNetStringException.inValue(path, "dict key is a " + (key == null ? "null" : key.getClass().getSimpleName()));
    }

    // ---- encoding ----

    private static void write(Object value, ByteArrayOutputStream out, int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("value nests deeper than " + MAX_DEPTH);
        }
        if (value == null) {
            ascii(out, "0:~");
        } else if (value instanceof byte[] bytes) {
            payload(out, bytes, ',');
        } else if (value instanceof CharSequence s) {
            payload(out, s.toString().getBytes(StandardCharsets.UTF_8), ',');
        } else if (value instanceof Boolean b) {
            payload(out, (b ? "true" : "false").getBytes(StandardCharsets.US_ASCII), '!');
        } else if (value instanceof Long || value instanceof Integer || value instanceof Short
                || value instanceof Byte || value instanceof BigInteger) {
            payload(out, value.toString().getBytes(StandardCharsets.US_ASCII), '#');
        } else if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (!Double.isFinite(d)) {
                throw new IllegalArgumentException("float " + d + " has no tnetstring form");
            }
            payload(out, Double.toString(d).getBytes(StandardCharsets.US_ASCII), '^');
        } else if (value instanceof Map<?, ?> map) {
            ByteArrayOutputStream inner = new ByteArrayOutputStream(64);
            for (Map.Entry<?, ?> e : map.entrySet()) {
                Object k = e.getKey();
                if (!(k instanceof CharSequence) && !(k instanceof byte[])) {
                    throw new IllegalArgumentException("dict key " + k + " is not a string or byte string");
                }
                write(k, inner, depth + 1);
                write(e.getValue(), inner, depth + 1);
            }
            payload(out, inner.toByteArray(), '}');
        } else if (value instanceof Iterable<?> list) {
            ByteArrayOutputStream inner = new ByteArrayOutputStream(64);
            for (Iterator<?> it = list.iterator(); it.hasNext(); ) {
                write(it.next(), inner, depth + 1);
            }
            payload(out, inner.toByteArray(), ']');
        } else if (value instanceof Object[] array) {
            write(Arrays.asList(array), out, depth);
        } else {
            throw new IllegalArgumentException("cannot encode a " + value.getClass().getName() + " as a tnetstring");
        }
    }

    private static void payload(ByteArrayOutputStream out, byte[] payload, char type) {
        ascii(out, Integer.toString(payload.length));
        out.write(':');
        out.write(payload, 0, payload.length);
        out.write(type);
    }

    private static void ascii(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        out.write(b, 0, b.length);
    }

    // ---- decoding ----

    /** A cursor over the input; each value is read within the bounds of its parent's payload. */
    private static final class Reader {
        private final byte[] data;
        private int pos;

        Reader(byte[] data, int pos) {
            this.data = data;
            this.pos = pos;
        }

        Object value(int limit, int depth) {
            if (depth > MAX_DEPTH) {
                throw TNetStringException.at(pos, "nesting deeper than " + MAX_DEPTH);
            }
            int start = pos;
            long length = 0;
            int digits = 0;
            while (pos < limit && data[pos] != ':') {
                byte c = data[pos];
                if (c < '0' || c > '9') {
                    throw TNetStringException.at(pos, "expected a length digit or ':' but found " + describe(c));
                }
                if (++digits > MAX_LENGTH_DIGITS) {
                    throw TNetStringException.at(start, "length has more than " + MAX_LENGTH_DIGITS + " digits");
                }
                length = length * 10 + (c - '0');
                pos++;
            }
            if (pos >= limit) {
                throw TNetStringException.at(start, digits == 0 ? "missing length" : "missing ':' after the length");
            }
            if (digits == 0) {
                throw TNetStringException.at(start, "missing length");
            }
            pos++; // ':'
            int available = limit - pos - 1; // the type byte follows the payload
            if (length > available) {
                throw TNetStringException.at(start, "length " + length + " runs past the end of the input ("
                        + Math.max(available, 0) + " byte(s) of payload available)");
            }
            int payloadStart = pos;
            int payloadEnd = pos + (int) length;
            byte type = data[payloadEnd];
            Object value = switch (type) {
                case ',' -> Arrays.copyOfRange(data, payloadStart, payloadEnd);
                case '#' -> integer(payloadStart, payloadEnd);
                case '^' -> floating(payloadStart, payloadEnd);
                case '!' -> bool(payloadStart, payloadEnd);
                case '~' -> {
                    if (length != 0) {
                        throw TNetStringException.at(start, "null must have length 0, not " + length);
                    }
                    yield null;
                }
                case '}' -> dict(payloadStart, payloadEnd, depth);
                case ']' -> list(payloadStart, payloadEnd, depth);
                default -> throw TNetStringException.at(payloadEnd, "unknown type " + describe(type));
            };
            pos = payloadEnd + 1;
            return value;
        }

        private Map<String, Object> dict(int start, int end, int depth) {
            Map<String, Object> map = new LinkedHashMap<>();
            pos = start;
            while (pos < end) {
                int keyAt = pos;
                Object key = value(end, depth + 1);
                if (!(key instanceof byte[] bytes)) {
                    throw TNetStringException.at(keyAt, "dict key is not a byte string");
                }
                String name;
                try {
                    name = utf8(bytes, "");
                } catch (TNetStringException e) {
                    throw TNetStringException.at(keyAt, "dict key is not valid UTF-8");
                }
                if (pos >= end) {
                    throw TNetStringException.at(keyAt, "dict key '" + name + "' has no value");
                }
                map.put(name, value(end, depth + 1));
            }
            return Collections.unmodifiableMap(map);
        }

        private List<Object> list(int start, int end, int depth) {
            List<Object> list = new ArrayList<>();
            pos = start;
            while (pos < end) {
                list.add(value(end, depth + 1));
            }
            return Collections.unmodifiableList(list);
        }

        private Long integer(int start, int end) {
            int i = start;
            if (i < end && data[i] == '-') {
                i++;
            }
            if (i == end) {
                throw TNetStringException.at(start, "empty integer");
            }
            for (; i < end; i++) {
                if (data[i] < '0' || data[i] > '9') {
                    throw TNetStringException.at(i, "integer has non-digit " + describe(data[i]));
                }
            }
            String text = new String(data, start, end - start, StandardCharsets.US_ASCII);
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException e) {
                throw TNetStringException.at(start, "integer " + text + " is out of range");
            }
        }

        private Double floating(int start, int end) {
            boolean digit = false;
            for (int i = start; i < end; i++) {
                byte c = data[i];
                if (c >= '0' && c <= '9') {
                    digit = true;
                } else if (c != '.' && c != '-' && c != '+' && c != 'e' && c != 'E') {
                    throw TNetStringException.at(i, "float has unexpected " + describe(c));
                }
            }
            String text = new String(data, start, end - start, StandardCharsets.US_ASCII);
            try {
                if (!digit) {
                    throw new NumberFormatException();
                }
                double d = Double.parseDouble(text);
                if (!Double.isFinite(d)) {
                    throw TNetStringException.at(start, "float " + text + " is out of range");
                }
                return d;
            } catch (NumberFormatException e) {
                throw TNetStringException.at(start, "'" + text + "' is not a float");
            }
        }

        private Boolean bool(int start, int end) {
            String text = new String(data, start, end - start, StandardCharsets.ISO_8859_1);
            return switch (text) {
                case "true" -> Boolean.TRUE;
                case "false" -> Boolean.FALSE;
                default -> throw TNetStringException.at(start, "boolean must be true or false, not '" + text + "'");
            };
        }

        private static String describe(byte c) {
            return c >= 0x20 && c < 0x7f ? "'" + (char) c + "'" : String.format("byte 0x%02x", c & 0xff);
        }
    }
}
