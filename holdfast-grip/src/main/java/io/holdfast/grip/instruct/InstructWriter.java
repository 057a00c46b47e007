package io.holdfast.grip.instruct;

import com.fasterxml.jackson.core.JsonGenerator;
import io.holdfast.grip.GripHeaders;
import io.holdfast.grip.json.GripJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes a {@link GripInstruct} as {@code Grip-*} headers or as a JSON instruct plus the headers JSON
 * cannot carry. The output is shaped so {@link GripInstructParser} reads back an equal instruct; that
 * round trip is pinned by tests.
 */
final class InstructWriter {

    private InstructWriter() {
    }

    /**
     * @param forJson true for the companion headers of {@link GripInstruct#toJson()}: only what the
     *                JSON body does not express
     */
    static List<Map.Entry<String, String>> headers(GripInstruct g, boolean forJson) {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        if (forJson) {
            out.add(Map.entry(GripHeaders.CONTENT_TYPE, GripHeaders.INSTRUCT_MEDIA_TYPE));
        }
        // Without a hold, JSON has nowhere to put channels etc. ("hold" present means a hold).
        boolean holdFields = !forJson || g.hold().isEmpty();
        if (!forJson) {
            g.hold().ifPresent(h -> out.add(Map.entry(GripHeaders.HOLD, h.wireName())));
        }
        if (holdFields) {
            for (ChannelSpec c : g.channels()) {
                out.add(Map.entry(GripHeaders.CHANNEL, channel(c)));
            }
            if (g.hold().orElse(null) == HoldMode.RESPONSE
                    || g.timeoutSeconds() != GripInstruct.DEFAULT_TIMEOUT_SECONDS) {
                out.add(Map.entry(GripHeaders.TIMEOUT, Integer.toString(g.timeoutSeconds())));
            }
            if (!g.meta().isEmpty()) {
                out.add(Map.entry(GripHeaders.SET_META, meta(g.meta())));
            }
        }
        g.keepAlive().ifPresent(ka -> {
            // JSON keep-alives are always idle, so an interval one travels as a header.
            if (holdFields || ka.mode() == KeepAliveMode.INTERVAL) {
                out.add(Map.entry(GripHeaders.KEEP_ALIVE, keepAlive(ka)));
            }
        });
        Integer responseCode = g.response().map(InstructResponse::code).orElse(null);
        if (g.statusCode().isPresent() && responseCode == null) {
            String reason = g.statusReason().orElse("");
            checkValue("status reason", reason);
            out.add(Map.entry(GripHeaders.STATUS, (g.statusCode().getAsInt() + " " + reason).strip()));
        }
        g.exposeHeaders().ifPresent(names -> {
            for (String n : names) {
                if (!HeaderValues.isToken(n)) {
                    throw new IllegalStateException("expose header name \"" + n + "\" is not a header name");
                }
            }
            out.add(Map.entry(GripHeaders.EXPOSE_HEADERS, String.join(", ", names)));
        });
        g.nextLink().ifPresent(l -> out.add(Map.entry(GripHeaders.LINK,
                link(l.uri()) + "; rel=next; timeout=" + l.timeoutSeconds())));
        g.goneLink().ifPresent(uri -> out.add(Map.entry(GripHeaders.LINK, link(uri) + "; rel=gone")));
        return List.copyOf(out);
    }

    private static String channel(ChannelSpec c) {
        String name = c.name();
        if (!name.equals(name.strip()) || name.indexOf(',') >= 0 || name.indexOf(';') >= 0
                || name.indexOf('"') >= 0 || name.startsWith("<") || HeaderValues.hasControl(name)) {
            throw new IllegalStateException("channel name \"" + name + "\" cannot be written as a "
                    + GripHeaders.CHANNEL + " header; use toJson()");
        }
        StringBuilder sb = new StringBuilder(name);
        if (c.prevId() != null) {
            checkValue("prev-id", c.prevId());
            sb.append("; prev-id=").append(HeaderValues.quoteIfNeeded(c.prevId()));
        }
        for (String f : c.filters()) {
            checkValue("filter", f);
            sb.append("; filter=").append(HeaderValues.quoteIfNeeded(f));
        }
        return sb.toString();
    }

    private static String meta(Map<String, String> meta) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> e : meta.entrySet()) {
            if (!HeaderValues.isToken(e.getKey())) {
                throw new IllegalStateException("meta key \"" + e.getKey() + "\" cannot be written as a "
                        + GripHeaders.SET_META + " header; use toJson()");
            }
            checkValue("meta value", e.getValue());
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(e.getKey()).append('=').append(HeaderValues.quote(e.getValue()));
        }
        return sb.toString();
    }

    private static String keepAlive(KeepAlive ka) {
        StringBuilder sb = new StringBuilder();
        if (CStrings.isRawSafe(ka.data())) {
            sb.append(new String(ka.data(), StandardCharsets.US_ASCII));
        } else if (ka.data().length == 0) {
            throw new IllegalStateException("an empty keep-alive cannot be written as a "
                    + GripHeaders.KEEP_ALIVE + " header");
        } else {
            sb.append(CStrings.escape(ka.data())).append("; format=cstring");
        }
        sb.append("; timeout=").append(ka.timeoutSeconds());
        if (ka.mode() != KeepAliveMode.IDLE) {
            sb.append("; mode=").append(ka.mode().wireName());
        }
        return sb.toString();
    }

    private static String link(String uri) {
        if (uri.indexOf('>') >= 0 || uri.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
            throw new IllegalStateException("link \"" + uri + "\" cannot be written as a "
                    + GripHeaders.LINK + " header");
        }
        return "<" + uri + ">";
    }

    private static void checkValue(String what, String value) {
        if (HeaderValues.hasControl(value)) {
            throw new IllegalStateException(what + " \"" + value + "\" contains a control character");
        }
    }

    static byte[] json(GripInstruct g) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(256);
        try (JsonGenerator gen = GripJson.generator(buf)) {
            gen.writeStartObject();
            if (g.hold().isPresent()) {
                writeHold(gen, g);
            }
            writeResponse(gen, g.response().orElse(InstructResponse.EMPTY));
            gen.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // cannot happen with an in-memory buffer
        }
        return buf.toByteArray();
    }

    private static void writeHold(JsonGenerator gen, GripInstruct g) throws IOException {
        gen.writeObjectFieldStart("hold");
        gen.writeStringField("mode", g.hold().get().wireName());
        gen.writeArrayFieldStart("channels");
        for (ChannelSpec c : g.channels()) {
            gen.writeStartObject();
            gen.writeStringField("name", c.name());
            if (c.prevId() != null) {
                gen.writeStringField("prev-id", c.prevId());
            }
            if (!c.filters().isEmpty()) {
                gen.writeArrayFieldStart("filters");
                for (String f : c.filters()) {
                    gen.writeString(f);
                }
                gen.writeEndArray();
            }
            gen.writeEndObject();
        }
        gen.writeEndArray();
        gen.writeNumberField("timeout", g.timeoutSeconds());
        KeepAlive ka = g.keepAlive().orElse(null);
        if (ka != null && ka.mode() == KeepAliveMode.IDLE) {
            gen.writeObjectFieldStart("keep-alive");
            writeContent(gen, "content", ka.data());
            gen.writeNumberField("timeout", ka.timeoutSeconds());
            gen.writeEndObject();
        }
        if (!g.meta().isEmpty()) {
            gen.writeObjectFieldStart("meta");
            for (Map.Entry<String, String> e : g.meta().entrySet()) {
                gen.writeStringField(e.getKey(), e.getValue());
            }
            gen.writeEndObject();
        }
        gen.writeEndObject();
    }

    private static void writeResponse(JsonGenerator gen, InstructResponse r) throws IOException {
        gen.writeObjectFieldStart("response");
        if (r.code() != null) {
            gen.writeNumberField("code", r.code());
        }
        if (r.reason() != null) {
            gen.writeStringField("reason", r.reason());
        }
        if (!r.headers().isEmpty()) {
            gen.writeArrayFieldStart("headers"); // pairs keep order and repeated names
            for (Map.Entry<String, String> h : r.headers()) {
                gen.writeStartArray();
                gen.writeString(h.getKey());
                gen.writeString(h.getValue());
                gen.writeEndArray();
            }
            gen.writeEndArray();
        }
        if (r.body() != null) {
            writeContent(gen, "body", r.body());
        }
        gen.writeEndObject();
    }

    /** {@code name} as a string when the bytes are UTF-8, else {@code name-bin} as base64. */
    static void writeContent(JsonGenerator gen, String name, byte[] data) throws IOException {
        if (GripJson.isUtf8(data)) {
            gen.writeStringField(name, new String(data, StandardCharsets.UTF_8));
        } else {
            gen.writeStringField(name + "-bin", GripJson.encodeBase64(data));
        }
    }
}
