package io.holdfast.server.hold;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Comparator;

/**
 * JSON Patch (RFC 6902) over Jackson trees, for the {@code body-patch} of a published
 * {@code http-response} (spec 3.3): the patch is applied to the JSON body of the long-poll's timeout
 * response, so a publisher can send only what changed. Operations: add, remove, replace, move, copy,
 * test. A failing operation rejects the whole patch.
 *
 * <p>Pointers are read by Jackson's {@link JsonPointer} (RFC 6901: {@code ~0}/{@code ~1} escapes,
 * array indices without sign or leading zero); no maintained JSON Patch library is available to the
 * build, so the operations are here, checked against the public JSON Patch test suite
 * ({@code src/test/resources/json-patch-tests}).
 */
final class JsonPatch {

    /** A patch that cannot be applied; the message names the operation. */
    static final class PatchException extends Exception {
        private static final long serialVersionUID = 1L;

        PatchException(String message) {
            super(message);
        }
    }

    /** Numbers compare by value ({@code 1} equals {@code 1.0}), everything else as Jackson does. */
    private static final Comparator<JsonNode> SAME_VALUE = (a, b) -> {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue());
        }
        return a.equals(b) ? 0 : 1;
    };

    private JsonPatch() {}

    /** Applies {@code patch} to a deep copy of {@code document} and returns the result. */
    static JsonNode apply(JsonNode document, JsonNode patch) throws PatchException {
        if (!patch.isArray()) {
            throw new PatchException("body-patch must be a list of operations");
        }
        JsonNode doc = document.deepCopy();
        int i = 0;
        for (JsonNode op : patch) {
            doc = applyOne(doc, op, i++);
        }
        return doc;
    }

    private static JsonNode applyOne(JsonNode doc, JsonNode op, int i) throws PatchException {
        if (!op.isObject()) {
            throw new PatchException("operation " + i + ": not an object");
        }
        String name = text(op, "op", i);
        JsonPointer path = pointer(op, "path", i);
        switch (name) {
            case "add" -> {
                return add(doc, path, value(op, i), i);
            }
            case "remove" -> {
                return remove(doc, path, i);
            }
            case "replace" -> {
                return replace(doc, path, value(op, i), i);
            }
            case "move" -> {
                JsonPointer from = pointer(op, "from", i);
                if (isProperPrefix(from, path)) {
                    throw new PatchException("operation " + i + ": cannot move " + from + " into its own child " + path);
                }
                JsonNode moved = get(doc, from, i);
                return add(remove(doc, from, i), path, moved, i);
            }
            case "copy" -> {
                return add(doc, path, get(doc, pointer(op, "from", i), i).deepCopy(), i);
            }
            case "test" -> {
                JsonNode expected = value(op, i);
                if (!get(doc, path, i).equals(SAME_VALUE, expected)) {
                    throw new PatchException("operation " + i + ": test failed at " + path);
                }
                return doc;
            }
            default -> throw new PatchException("operation " + i + ": unknown op \"" + name + "\"");
        }
    }

    private static String text(JsonNode op, String member, int i) throws PatchException {
        JsonNode v = op.get(member);
        if (v == null || !v.isTextual()) {
            throw new PatchException("operation " + i + ": no " + member + " string");
        }
        return v.textValue();
    }

    private static JsonPointer pointer(JsonNode op, String member, int i) throws PatchException {
        String text = text(op, member, i);
        try {
            return JsonPointer.compile(text);
        } catch (IllegalArgumentException e) {
            throw new PatchException("operation " + i + ": bad pointer \"" + text + "\" in " + member);
        }
    }

    private static JsonNode value(JsonNode op, int i) throws PatchException {
        if (!op.has("value")) {
            throw new PatchException("operation " + i + ": no value");
        }
        return op.get("value").deepCopy();
    }

    private static boolean isProperPrefix(JsonPointer from, JsonPointer path) {
        String f = from.toString();
        String p = path.toString();
        return p.length() > f.length() && p.startsWith(f) && p.charAt(f.length()) == '/';
    }

    private static JsonNode get(JsonNode doc, JsonPointer pointer, int i) throws PatchException {
        JsonNode node = doc;
        for (JsonPointer p = pointer; !p.matches(); p = p.tail()) {
            node = child(node, p, i);
            if (node == null) {
                throw new PatchException("operation " + i + ": nothing at " + pointer);
            }
        }
        return node;
    }

    /** The member or element {@code p}'s first segment names in {@code node}, or null. */
    private static JsonNode child(JsonNode node, JsonPointer p, int i) throws PatchException {
        if (node instanceof ObjectNode o) {
            return o.get(p.getMatchingProperty());
        }
        if (node instanceof ArrayNode a) {
            int index = p.getMatchingIndex();
            return index >= 0 && index < a.size() ? a.get(index) : null;
        }
        return null;
    }

    private static JsonNode add(JsonNode doc, JsonPointer pointer, JsonNode value, int i) throws PatchException {
        if (pointer.matches()) {
            return value;
        }
        JsonNode parent = get(doc, pointer.head(), i);
        JsonPointer last = pointer.last();
        if (parent instanceof ObjectNode o) {
            o.set(last.getMatchingProperty(), value);
        } else if (parent instanceof ArrayNode a) {
            int index = last.getMatchingProperty().equals("-") ? a.size() : index(last, a.size() + 1, i);
            a.insert(index, value);
        } else {
            throw new PatchException("operation " + i + ": no object or array to hold " + pointer);
        }
        return doc;
    }

    /** Replaces in place, so an object's keys keep their order. */
    private static JsonNode replace(JsonNode doc, JsonPointer pointer, JsonNode value, int i) throws PatchException {
        get(doc, pointer, i); // must exist
        if (pointer.matches()) {
            return value;
        }
        JsonNode parent = get(doc, pointer.head(), i);
        JsonPointer last = pointer.last();
        if (parent instanceof ObjectNode o) {
            o.set(last.getMatchingProperty(), value);
        } else {
            ((ArrayNode) parent).set(index(last, parent.size(), i), value);
        }
        return doc;
    }

    private static JsonNode remove(JsonNode doc, JsonPointer pointer, int i) throws PatchException {
        if (pointer.matches()) {
            throw new PatchException("operation " + i + ": cannot remove the whole document");
        }
        JsonNode parent = get(doc, pointer.head(), i);
        JsonPointer last = pointer.last();
        if (parent instanceof ObjectNode o) {
            if (o.remove(last.getMatchingProperty()) == null) {
                throw new PatchException("operation " + i + ": nothing at " + pointer);
            }
        } else if (parent instanceof ArrayNode a) {
            a.remove(index(last, a.size(), i));
        } else {
            throw new PatchException("operation " + i + ": nothing at " + pointer);
        }
        return doc;
    }

    /** The array index {@code last} names, below {@code limit}; Jackson refuses signs and leading zeros. */
    private static int index(JsonPointer last, int limit, int i) throws PatchException {
        int n = last.getMatchingIndex();
        if (n < 0) {
            throw new PatchException("operation " + i + ": \"" + last.getMatchingProperty() + "\" is not an array index");
        }
        if (n >= limit) {
            throw new PatchException("operation " + i + ": index " + n + " out of range");
        }
        return n;
    }
}
