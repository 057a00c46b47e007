package io.holdfast.grip.publish;

import com.fasterxml.jackson.core.JsonGenerator;
import io.holdfast.grip.GripHeaders;
import io.holdfast.grip.json.GripJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Writes publish items as a {@code POST /publish} body, for the publisher client and the CLI.
 *
 * <p>The output uses the {@code "formats"} shape and reads back through {@link PublishRequestParser}
 * to equal items (pinned by tests). Content that is valid UTF-8 is written as {@code content} /
 * {@code body}, anything else as base64 {@code content-bin} / {@code body-bin}; {@code ws-message}
 * always states its {@code type} so the choice of spelling cannot change it.
 */
public final class PublishRequestWriter {

    private PublishRequestWriter() {
    }

    /** {@code {"items": [...]}} as UTF-8 JSON. */
    public static byte[] toJson(List<PublishItem> items) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(128 * Math.max(1, items.size()));
        try (JsonGenerator gen = GripJson.generator(buf)) {
            gen.writeStartObject();
            gen.writeArrayFieldStart("items");
            for (PublishItem item : items) {
                writeItem(gen, item);
            }
            gen.writeEndArray();
            gen.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // cannot happen with an in-memory buffer
        }
        return buf.toByteArray();
    }

    /** Writes one item object to a generator positioned where a value may go. */
    public static void writeItem(JsonGenerator gen, PublishItem item) throws IOException {
        gen.writeStartObject();
        gen.writeStringField("channel", item.channel());
        if (item.id() != null) {
            gen.writeStringField("id", item.id());
        }
        if (item.prevId() != null) {
            gen.writeStringField("prev-id", item.prevId());
        }
        gen.writeObjectFieldStart("formats");
        if (item.httpResponse().isPresent()) {
            writeHttpResponse(gen, item.httpResponse().get());
        }
        if (item.httpStream().isPresent()) {
            writeHttpStream(gen, item.httpStream().get());
        }
        if (item.wsMessage().isPresent()) {
            writeWsMessage(gen, item.wsMessage().get());
        }
        gen.writeEndObject();
        if (!item.meta().isEmpty()) {
            gen.writeObjectFieldStart("meta");
            for (Map.Entry<String, String> e : item.meta().entrySet()) {
                gen.writeStringField(e.getKey(), e.getValue());
            }
            gen.writeEndObject();
        }
        if (item.noSeq()) {
            gen.writeBooleanField("no-seq", true);
        }
        if (item.size() != null) {
            gen.writeNumberField("size", item.size());
        }
        gen.writeEndObject();
    }

    private static void writeHttpResponse(JsonGenerator gen, HttpResponseFormat f) throws IOException {
        gen.writeObjectFieldStart(FormatReader.HTTP_RESPONSE);
        writeAction(gen, f.action());
        gen.writeNumberField("code", f.code());
        if (f.reason() != null) {
            gen.writeStringField("reason", f.reason());
        }
        if (!f.headers().isEmpty() || f.exposeHeaders() != null) {
            gen.writeArrayFieldStart("headers");
            for (Map.Entry<String, String> h : f.headers()) {
                writePair(gen, h.getKey(), h.getValue());
            }
            if (f.exposeHeaders() != null) {
                writePair(gen, GripHeaders.EXPOSE_HEADERS, String.join(", ", f.exposeHeaders()));
            }
            gen.writeEndArray();
        }
        if (f.body() != null) {
            writeContent(gen, "body", f.body());
        } else if (f.bodyPatch() != null) {
            gen.writeFieldName("body-patch");
            GripJson.writeTree(gen, f.bodyPatch());
        }
        writeFilters(gen, f.contentFilters());
        gen.writeEndObject();
    }

    private static void writeHttpStream(JsonGenerator gen, HttpStreamFormat f) throws IOException {
        gen.writeObjectFieldStart(FormatReader.HTTP_STREAM);
        writeAction(gen, f.action());
        if (f.content() != null) {
            writeContent(gen, "content", f.content());
        }
        writeFilters(gen, f.contentFilters());
        gen.writeEndObject();
    }

    private static void writeWsMessage(JsonGenerator gen, WsMessageFormat f) throws IOException {
        gen.writeObjectFieldStart(FormatReader.WS_MESSAGE);
        writeAction(gen, f.action());
        gen.writeStringField("type", f.type().wireName());
        if (f.content() != null) {
            writeContent(gen, "content", f.content());
        }
        if (f.code() != null) {
            gen.writeNumberField("code", f.code());
        }
        if (f.reason() != null) {
            gen.writeStringField("reason", f.reason());
        }
        writeFilters(gen, f.contentFilters());
        gen.writeEndObject();
    }

    private static void writeAction(JsonGenerator gen, Action action) throws IOException {
        if (action != Action.SEND) {
            gen.writeStringField("action", action.wireName());
        }
    }

    private static void writePair(JsonGenerator gen, String name, String value) throws IOException {
        gen.writeStartArray();
        gen.writeString(name);
        gen.writeString(value);
        gen.writeEndArray();
    }

    private static void writeFilters(JsonGenerator gen, List<String> filters) throws IOException {
        if (filters != null) {
            gen.writeArrayFieldStart("content-filters");
            for (String f : filters) {
                gen.writeString(f);
            }
            gen.writeEndArray();
        }
    }

    private static void writeContent(JsonGenerator gen, String name, byte[] data) throws IOException {
        if (GripJson.isUtf8(data)) {
            gen.writeStringField(name, new String(data, StandardCharsets.UTF_8));
        } else {
            gen.writeStringField(name + "-bin", GripJson.encodeBase64(data));
        }
    }
}
