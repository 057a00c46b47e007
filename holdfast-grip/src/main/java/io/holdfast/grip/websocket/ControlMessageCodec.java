package io.holdfast.grip.websocket;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.holdfast.grip.GripLimits;
import io.holdfast.grip.instruct.KeepAliveMode;
import io.holdfast.grip.json.GripJson;
import io.holdfast.grip.json.JsonFieldException;
import io.holdfast.grip.json.JsonFields;
import io.holdfast.grip.publish.WsMessageType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Reads and writes the JSON of {@link ControlMessage}s (spec 2.3). Field rules follow Pushpin:
 * {@code channel} and {@code name} are required and non-empty, {@code content-bin} wins over
 * {@code content}, {@code message-type} defaults to text (binary with {@code content-bin}), timeouts
 * are non-negative integers. Unknown fields are ignored.
 */
final class ControlMessageCodec {

    private ControlMessageCodec() {
    }

    static ControlMessage parse(byte[] json) {
        JsonNode root = GripJson.readTree(json)
                .orElseThrow(() -> new ControlMessageException("control message: not valid JSON"));
        if (!root.isObject()) {
            throw new ControlMessageException("control message: not an object");
        }
        String type;
        try {
            type = JsonFields.reqString(root, "", "type");
        } catch (JsonFieldException e) {
            throw new ControlMessageException("control message: " + e.getMessage());
        }
        try {
            return switch (type) {
                case "subscribe" -> {
                    List<String> filters = JsonFields.optStringList(root, "", "filters");
                    if (filters != null && filters.size() > ControlMessage.MAX_FILTERS) {
                        throw new JsonFieldException("filters", filters.size() + " filters (max "
                                + ControlMessage.MAX_FILTERS + ")");
                    }
                    yield new ControlMessage.Subscribe(channel(root), filters);
                }
                case "unsubscribe" -> new ControlMessage.Unsubscribe(channel(root));
                case "resume" -> new ControlMessage.Resume(channel(root), JsonFields.optString(root, "", "last-id"));
                case "detach" -> new ControlMessage.Detach();
                case "set-meta" -> {
                    String name = JsonFields.reqString(root, "", "name");
                    if (name.isEmpty()) {
                        throw new JsonFieldException("name", "empty");
                    }
                    String value = JsonFields.optString(root, "", "value");
                    // Meta goes back to the origin as a Meta-<name> header: the rules of any header.
                    check("name", GripLimits.headerNameProblem(name));
                    check("value", value == null ? null : GripLimits.headerValueProblem(value));
                    yield new ControlMessage.SetMeta(name, value);
                }
                case "keep-alive" -> keepAlive(root);
                case "send-delayed" -> {
                    byte[] content = content(root);
                    yield new ControlMessage.SendDelayed(messageType(root), content,
                            timeout(root, ControlMessage.DEFAULT_SEND_DELAYED_TIMEOUT_SECONDS));
                }
                case "flush-delayed" -> new ControlMessage.FlushDelayed();
                case "session" -> new ControlMessage.Session(JsonFields.optString(root, "", "id"));
                case "close" -> {
                    Integer code = JsonFields.optInt(root, "", "code", 0, 0xffff);
                    String reason = JsonFields.optString(root, "", "reason");
                    check("code", code == null ? null : GripLimits.closeCodeProblem(code));
                    check("reason", GripLimits.closeReasonProblem(reason));
                    yield new ControlMessage.Close(code, reason);
                }
                default -> new ControlMessage.Unknown(type, root);
            };
        } catch (JsonFieldException e) {
            throw new ControlMessageException(type + ": " + e.getMessage());
        }
    }

    private static String channel(JsonNode root) {
        String channel = JsonFields.reqString(root, "", "channel");
        if (channel.isEmpty()) {
            throw new JsonFieldException("channel", "empty");
        }
        check("channel", GripLimits.channelProblem(channel));
        return channel;
    }

    private static void check(String field, String problem) {
        if (problem != null) {
            throw new JsonFieldException(field, problem);
        }
    }

    private static ControlMessage.KeepAlive keepAlive(JsonNode root) {
        byte[] content = content(root);
        String mode = JsonFields.optString(root, "", "mode");
        KeepAliveMode m = KeepAliveMode.IDLE;
        if (mode != null) {
            m = KeepAliveMode.fromWireName(mode).orElseThrow(() -> new JsonFieldException("mode",
                    "\"" + mode + "\" is not idle or interval"));
        }
        return new ControlMessage.KeepAlive(messageType(root), content,
                timeout(root, ControlMessage.DEFAULT_KEEP_ALIVE_TIMEOUT_SECONDS), m);
    }

    private static byte[] content(JsonNode root) {
        byte[] bin = JsonFields.optBase64(root, "", "content-bin");
        byte[] text = JsonFields.optUtf8(root, "", "content");
        return bin != null ? bin : text;
    }

    private static WsMessageType messageType(JsonNode root) {
        String name = JsonFields.optString(root, "", "message-type");
        if (name == null) {
            return JsonFields.has(root, "content-bin") ? WsMessageType.BINARY : WsMessageType.TEXT;
        }
        return WsMessageType.fromWireName(name).orElseThrow(() -> new JsonFieldException("message-type",
                "\"" + name + "\" is not one of text, binary, ping, pong"));
    }

    private static int timeout(JsonNode root, int defaultSeconds) {
        Integer t = JsonFields.optInt(root, "", "timeout", 0, Integer.MAX_VALUE);
        return t == null ? defaultSeconds : t;
    }

    static String toJson(ControlMessage message) {
        if (message instanceof ControlMessage.Unknown u) {
            return u.json().toString();
        }
        ByteArrayOutputStream buf = new ByteArrayOutputStream(64);
        try (JsonGenerator gen = GripJson.generator(buf)) {
            gen.writeStartObject();
            gen.writeStringField("type", message.type());
            if (message instanceof ControlMessage.Subscribe s) {
                gen.writeStringField("channel", s.channel());
                if (!s.filters().isEmpty()) {
                    gen.writeArrayFieldStart("filters");
                    for (String f : s.filters()) {
                        gen.writeString(f);
                    }
                    gen.writeEndArray();
                }
            } else if (message instanceof ControlMessage.Unsubscribe u) {
                gen.writeStringField("channel", u.channel());
            } else if (message instanceof ControlMessage.Resume r) {
                gen.writeStringField("channel", r.channel());
                if (r.lastId() != null) {
                    gen.writeStringField("last-id", r.lastId());
                }
            } else if (message instanceof ControlMessage.SetMeta m) {
                gen.writeStringField("name", m.name());
                if (m.value() != null) {
                    gen.writeStringField("value", m.value());
                }
            } else if (message instanceof ControlMessage.KeepAlive k) {
                writeContent(gen, k.messageType(), k.content());
                gen.writeNumberField("timeout", k.timeoutSeconds());
                if (k.mode() != KeepAliveMode.IDLE) {
                    gen.writeStringField("mode", k.mode().wireName());
                }
            } else if (message instanceof ControlMessage.SendDelayed d) {
                writeContent(gen, d.messageType(), d.content());
                gen.writeNumberField("timeout", d.timeoutSeconds());
            } else if (message instanceof ControlMessage.Session s) {
                if (s.id() != null) {
                    gen.writeStringField("id", s.id());
                }
            } else if (message instanceof ControlMessage.Close c) {
                if (c.code() != null) {
                    gen.writeNumberField("code", c.code());
                }
                if (c.reason() != null) {
                    gen.writeStringField("reason", c.reason());
                }
            }
            gen.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // cannot happen with an in-memory buffer
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    // message-type is always written, so choosing content vs content-bin cannot change it.
    private static void writeContent(JsonGenerator gen, WsMessageType type, byte[] content) throws IOException {
        gen.writeStringField("message-type", type.wireName());
        if (content == null) {
            return;
        }
        if (type != WsMessageType.BINARY && GripJson.isUtf8(content)) {
            gen.writeStringField("content", new String(content, StandardCharsets.UTF_8));
        } else {
            gen.writeStringField("content-bin", GripJson.encodeBase64(content));
        }
    }
}
