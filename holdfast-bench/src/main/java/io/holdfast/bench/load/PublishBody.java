package io.holdfast.bench.load;

import java.nio.charset.StandardCharsets;

/**
 * Builds a {@code POST /publish/} body, {@code {"items":[...]}} (spec 3.1), with one format per item
 * chosen by the subscribers' kind: {@code http-stream} content {@code data: <payload>\n\n} for SSE,
 * {@code ws-message} content {@code <payload>} for WebSockets. Written by hand: the payloads are
 * plain ASCII, and the publisher should not compete with the proxy for CPU.
 */
public final class PublishBody {

    private final StringBuilder sb = new StringBuilder(256);
    private final Subscriber.Kind kind;
    private int items;

    public PublishBody(Subscriber.Kind kind) {
        this.kind = kind;
        sb.append("{\"items\":[");
    }

    public PublishBody add(String channel, String payload) {
        if (items++ > 0) {
            sb.append(',');
        }
        sb.append("{\"channel\":\"");
        escape(channel);
        sb.append("\",\"formats\":{");
        if (kind == Subscriber.Kind.SSE) {
            sb.append("\"http-stream\":{\"content\":\"data: ");
            escape(payload);
            sb.append("\\n\\n\"}");
        } else {
            sb.append("\"ws-message\":{\"content\":\"");
            escape(payload);
            sb.append("\"}");
        }
        sb.append("}}");
        return this;
    }

    public int items() {
        return items;
    }

    public byte[] bytes() {
        return (sb + "]}").getBytes(StandardCharsets.UTF_8);
    }

    private void escape(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
    }
}
