package io.holdfast.grip.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.holdfast.grip.json.GripJson;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;

/**
 * Structure-aware mutations of JSON documents: the parsers under test read Jackson trees, so most
 * interesting inputs are well-formed JSON with a wrong type, a missing or unknown field, an odd
 * number or string in one place. This replaces, removes or adds fields and array elements (names
 * from the format's own vocabulary), a few times per document.
 */
public final class JsonMutator {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private static final String[] STRINGS = {"", " ", "a", "test", "text", "binary", "ping", "pong", "send", "hint",
        "close", "refresh", "response", "stream", "idle", "interval", "subscribe", "keep-alive", "aGVsbG8=", "!!!",
        "a\r\nb", "\u0000", "\u00e9\u4e2d\ud83d\ude00", "\ud800", "Set-Cookie", "Transfer-Encoding", "Content-Length",
        "Grip-Channel", "X-A", "x=1", "a,b", "a;b", "\"", "\\"};

    private final List<String> keys;

    /** @param keys the format's field names, used for added fields */
    public JsonMutator(List<String> keys) {
        this.keys = List.copyOf(keys);
    }

    /** {@code json} (a valid document) with 1-4 tree mutations, serialized; or {@code json} if it does not parse. */
    public byte[] mutate(byte[] json, Random r) {
        JsonNode root = GripJson.readTree(json).orElse(null);
        if (root == null || !root.isContainerNode()) {
            return json;
        }
        JsonNode copy = root.deepCopy();
        int n = 1 + r.nextInt(4);
        for (int i = 0; i < n; i++) {
            once(copy, r);
        }
        return copy.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A random JSON value up to {@code depth} levels deep, with object keys from the vocabulary. */
    public JsonNode randomValue(Random r, int depth) {
        int kind = r.nextInt(depth <= 0 ? 6 : 8);
        return switch (kind) {
            case 0 -> F.nullNode();
            case 1 -> F.booleanNode(r.nextBoolean());
            case 2 -> randomNumber(r);
            case 3, 4, 5 -> F.textNode(randomString(r));
            case 6 -> {
                ArrayNode a = F.arrayNode();
                int size = r.nextInt(4);
                for (int i = 0; i < size; i++) {
                    a.add(randomValue(r, depth - 1));
                }
                yield a;
            }
            default -> {
                ObjectNode o = F.objectNode();
                int size = r.nextInt(4);
                for (int i = 0; i < size; i++) {
                    o.set(randomKey(r), randomValue(r, depth - 1));
                }
                yield o;
            }
        };
    }

    private void once(JsonNode root, Random r) {
        List<JsonNode> containers = new ArrayList<>();
        collect(root, containers);
        JsonNode target = containers.get(r.nextInt(containers.size()));
        if (target instanceof ObjectNode o) {
            List<String> names = new ArrayList<>();
            for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
                names.add(it.next());
            }
            int op = names.isEmpty() ? 2 : r.nextInt(3);
            if (op == 0) {
                o.set(names.get(r.nextInt(names.size())), randomValue(r, 2));
            } else if (op == 1) {
                o.remove(names.get(r.nextInt(names.size())));
            } else {
                o.set(randomKey(r), randomValue(r, 2));
            }
        } else if (target instanceof ArrayNode a) {
            int op = a.isEmpty() ? 2 : r.nextInt(3);
            if (op == 0) {
                a.set(r.nextInt(a.size()), randomValue(r, 2));
            } else if (op == 1) {
                a.remove(r.nextInt(a.size()));
            } else {
                a.add(randomValue(r, 2));
            }
        }
    }

    private static void collect(JsonNode node, List<JsonNode> out) {
        if (node.isContainerNode()) {
            out.add(node);
            for (JsonNode child : node) {
                collect(child, out);
            }
        }
    }

    private String randomKey(Random r) {
        int pick = r.nextInt(10);
        if (pick == 0) {
            return ""; // an empty name is a classic corner: empty meta keys, empty header names
        }
        return pick == 1 || keys.isEmpty() ? randomString(r) : keys.get(r.nextInt(keys.size()));
    }

    private static JsonNode randomNumber(Random r) {
        return switch (r.nextInt(6)) {
            case 0 -> F.numberNode(r.nextInt(2000) - 500);
            case 1 -> F.numberNode(r.nextLong());
            case 2 -> F.numberNode(new BigInteger("123456789012345678901234567890"));
            case 3 -> F.numberNode(r.nextDouble() * 1000);
            case 4 -> F.numberNode(5.0);
            default -> F.numberNode(Integer.MAX_VALUE + (long) r.nextInt(3));
        };
    }

    private static String randomString(Random r) {
        if (r.nextInt(20) == 0) {
            return "x".repeat(r.nextInt(100_000));
        }
        if (r.nextInt(4) == 0) {
            StringBuilder sb = new StringBuilder();
            int n = r.nextInt(12);
            for (int i = 0; i < n; i++) {
                sb.append((char) r.nextInt(r.nextBoolean() ? 0x80 : 0x10000));
            }
            return sb.toString();
        }
        return STRINGS[r.nextInt(STRINGS.length)];
    }
}
