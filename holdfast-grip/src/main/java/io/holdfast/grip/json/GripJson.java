package io.holdfast.grip.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * The one Jackson configuration and the byte-level helpers shared by every GRIP JSON format.
 *
 * <p>Instructs, publish bodies and WebSocket control messages all carry binary content either as a
 * UTF-8 string ({@code content}) or as base64 ({@code content-bin}); this class owns those two
 * conversions so the formats agree on what "valid base64" and "valid UTF-8" mean. It is public only
 * because the codecs live in several packages; origins do not need it.
 */
public final class GripJson {

    // One mapper for the library: trailing garbage after the JSON value is an error, as it is for
    // Pushpin's Qt parser.
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private GripJson() {
    }

    /**
     * Parses a whole JSON document.
     *
     * @return the root node, or empty when the input is not exactly one JSON value
     */
    public static Optional<JsonNode> readTree(byte[] json) {
        if (json == null || json.length == 0) {
            return Optional.empty();
        }
        try {
            JsonNode node = MAPPER.readTree(json);
            return node == null || node.isMissingNode() ? Optional.empty() : Optional.of(node);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Parses a whole JSON document given as text; see {@link #readTree(byte[])}. */
    public static Optional<JsonNode> readTree(String json) {
        return json == null ? Optional.empty() : readTree(json.getBytes(StandardCharsets.UTF_8));
    }

    /** A streaming generator writing UTF-8 JSON to {@code out}; the caller closes it. */
    public static JsonGenerator generator(OutputStream out) throws IOException {
        JsonFactory factory = MAPPER.getFactory();
        return factory.createGenerator(out);
    }

    /** Writes a tree (for values such as a JSON Patch that are kept as trees). */
    public static void writeTree(JsonGenerator gen, JsonNode node) throws IOException {
        MAPPER.writeTree(gen, node);
    }

    /** Decodes standard base64 (padding optional), or returns null if {@code text} is not base64. */
    public static byte[] decodeBase64(String text) {
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Encodes as standard padded base64. */
    public static String encodeBase64(byte[] data) {
        return Base64.getEncoder().encodeToString(data);
    }

    /** Whether {@code data} is well-formed UTF-8, i.e. can be written as a JSON string losslessly. */
    public static boolean isUtf8(byte[] data) {
        for (byte b : data) {
            if (b < 0) {
                return strictUtf8(data);
            }
        }
        return true; // pure ASCII: the common case, no decoder needed
    }

    private static boolean strictUtf8(byte[] data) {
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(data));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
