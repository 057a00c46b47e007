package io.holdfast.server.hold;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ContainerNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * JSON Patch (RFC 6902) over Jackson trees, for the {@code body-patch} of a published
 * {@code http-response} (spec 3.3): the patch is applied to the JSON body of the long-poll's timeout
 * response, so a publisher can send only what changed. Operations: add, remove, replace, move, copy,
 * test. A failing operation rejects the whole patch.
 */
final class JsonPatch {

    /** A patch that cannot be applied; the message names the operation. */
    static final class PatchException extends Exception {
        private static final long serialVersionUID = 1L;

        PatchException(String message) {
            super(message);
        }
    }

    private JsonPatch() {}

    /** Applies {@code patch} to a deep copy of {@code document} and returns the result. */
    static JsonNode apply(JsonNode document, JsonNode patch) throws PatchException {
        if (!patch.isArray()) {
            throw new PatchException("body-patch must be a list of operations");
        }
        JsonNode doc = document.deepCopy();
        int i = 0;
        for (JsonNode op : patch) {
            String name = op.path("op").asText();
            String path = op.path("path").asText(null);
            if (path == null) {
                throw new PatchException("operation " + i + ": no path");
            }
            switch (name) {
                case "add" -> doc = add(doc, path, value(op, i));
                case "remove" -> doc = remove(doc, path, i);
                case "replace" -> doc = replace(doc, path, value(op, i), i);
                case "move" -> {
                    String from = from(op, i);
                    JsonNode moved = get(doc, from, i);
                    doc = remove(doc, from, i);
                    doc = add(doc, path, moved);
                }
                case "copy" -> doc = add(doc, path, get(doc, from(op, i), i).deepCopy());
                case "test" -> {
                    if (!get(doc, path, i).equals(value(op, i))) {
                        throw new PatchException("operation " + i + ": test failed at " + path);
                    }
                }
                default -> throw new PatchException("operation " + i + ": unknown op \"" + name + "\"");
            }
            i++;
        }
        return doc;
    }

    private static JsonNode value(JsonNode op, int i) throws PatchException {
        if (!op.has("value")) {
            throw new PatchException("operation " + i + ": no value");
        }
        return op.get("value").deepCopy();
    }

    private static String from(JsonNode op, int i) throws PatchException {
        String from = op.path("from").asText(null);
        if (from == null) {
            throw new PatchException("operation " + i + ": no from");
        }
        return from;
    }

    /** RFC 6901 pointer tokens: {@code ~1} is {@code /}, {@code ~0} is {@code ~}. */
    private static List<String> tokens(String pointer) throws PatchException {
        if (pointer.isEmpty()) {
            return List.of();
        }
        if (!pointer.startsWith("/")) {
            throw new PatchException("bad pointer \"" + pointer + "\"");
        }
        List<String> out = new ArrayList<>();
        for (String t : pointer.substring(1).split("/", -1)) {
            out.add(t.replace("~1", "/").replace("~0", "~"));
        }
        return out;
    }

    private static JsonNode get(JsonNode doc, String pointer, int i) throws PatchException {
        JsonNode node = doc;
        for (String t : tokens(pointer)) {
            node = node.isArray() ? node.path(index(t, node.size(), false, i)) : node.path(t);
            if (node.isMissingNode()) {
                throw new PatchException("operation " + i + ": nothing at " + pointer);
            }
        }
        return node;
    }

    private static JsonNode add(JsonNode doc, String pointer, JsonNode value) throws PatchException {
        List<String> t = tokens(pointer);
        if (t.isEmpty()) {
            return value;
        }
        ContainerNode<?> parent = parent(doc, t, pointer);
        String last = t.get(t.size() - 1);
        if (parent instanceof ObjectNode o) {
            o.set(last, value);
        } else {
            ArrayNode a = (ArrayNode) parent;
            a.insert(last.equals("-") ? a.size() : index(last, a.size(), true, 0), value);
        }
        return doc;
    }

    /** Replaces in place, so an object's keys keep their order. */
    private static JsonNode replace(JsonNode doc, String pointer, JsonNode value, int i) throws PatchException {
        get(doc, pointer, i); // must exist
        List<String> t = tokens(pointer);
        if (t.isEmpty()) {
            return value;
        }
        ContainerNode<?> parent = parent(doc, t, pointer);
        String last = t.get(t.size() - 1);
        if (parent instanceof ObjectNode o) {
            o.set(last, value);
        } else {
            ((ArrayNode) parent).set(index(last, parent.size(), false, i), value);
        }
        return doc;
    }

    private static JsonNode remove(JsonNode doc, String pointer, int i) throws PatchException {
        List<String> t = tokens(pointer);
        if (t.isEmpty()) {
            throw new PatchException("operation " + i + ": cannot remove the whole document");
        }
        ContainerNode<?> parent = parent(doc, t, pointer);
        String last = t.get(t.size() - 1);
        if (parent instanceof ObjectNode o) {
            if (o.remove(last) == null) {
                throw new PatchException("operation " + i + ": nothing at " + pointer);
            }
        } else {
            ArrayNode a = (ArrayNode) parent;
            a.remove(index(last, a.size(), false, i));
        }
        return doc;
    }

    private static ContainerNode<?> parent(JsonNode doc, List<String> t, String pointer) throws PatchException {
        JsonNode node = doc;
        for (String token : t.subList(0, t.size() - 1)) {
            node = node.isArray() ? node.path(index(token, node.size(), false, 0)) : node.path(token);
        }
        if (!(node instanceof ContainerNode<?> c)) {
            throw new PatchException("no object or array to hold " + pointer);
        }
        return c;
    }

    private static int index(String token, int size, boolean allowEnd, int i) throws PatchException {
        try {
            int n = Integer.parseInt(token);
            if (n < 0 || n > size || (n == size && !allowEnd)) {
                throw new PatchException("operation " + i + ": index " + n + " out of range");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new PatchException("operation " + i + ": \"" + token + "\" is not an array index");
        }
    }
}
