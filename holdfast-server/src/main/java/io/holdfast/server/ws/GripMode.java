package io.holdfast.server.ws;

import io.holdfast.grip.websocket.ControlMessage;
import io.holdfast.grip.websocket.ControlMessageException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether an origin turned GRIP on for a WebSocket (its {@code Sec-WebSocket-Extensions} names
 * {@code grip}, spec 2.1/2.2) and the message prefix it chose ({@code m:} unless
 * {@code message-prefix} says otherwise; it may be empty). In GRIP mode an origin text message is a
 * control message ({@code c:}), a message for the client (prefix stripped), or dropped. Shared by the
 * passthrough and WebSocket-over-HTTP sessions.
 */
final class GripMode {
    static final GripMode OFF = new GripMode(false, "");
    static final String EXTENSION = "grip";
    static final String DEFAULT_PREFIX = "m:";
    private static final byte[] CONTROL = ControlMessage.PREFIX.getBytes(StandardCharsets.US_ASCII);

    private final boolean enabled;
    private final String messagePrefix;
    private final byte[] prefixBytes;

    private GripMode(boolean enabled, String messagePrefix) {
        this.enabled = enabled;
        this.messagePrefix = messagePrefix;
        this.prefixBytes = messagePrefix.getBytes(StandardCharsets.UTF_8);
    }

    static GripMode on(String messagePrefix) {
        return new GripMode(true, messagePrefix);
    }

    boolean enabled() {
        return enabled;
    }

    String messagePrefix() {
        return messagePrefix;
    }

    /**
     * Reads the origin's {@code Sec-WebSocket-Extensions} values. The grammar is RFC 6455 §9.1: a comma
     * list of extensions, each a name and {@code ;}-separated parameters whose values may be quoted.
     */
    static GripMode fromExtensions(List<String> headerValues) {
        for (String value : headerValues) {
            for (String extension : split(value, ',')) {
                List<String> parts = split(extension, ';');
                if (parts.isEmpty() || !parts.get(0).strip().equalsIgnoreCase(EXTENSION)) {
                    continue;
                }
                String prefix = DEFAULT_PREFIX;
                for (String param : parts.subList(1, parts.size())) {
                    int eq = param.indexOf('=');
                    if (eq >= 0 && param.substring(0, eq).strip().equalsIgnoreCase("message-prefix")) {
                        prefix = unquote(param.substring(eq + 1).strip());
                    }
                }
                return on(prefix);
            }
        }
        return OFF;
    }

    /** What an origin text message means in GRIP mode. */
    sealed interface Meaning permits Control, Relay, Drop {}

    record Control(ControlMessage message) implements Meaning {}

    /** Relay the message to the client without its first {@code prefixLength} bytes. */
    record Relay(int prefixLength) implements Meaning {}

    record Drop(String why) implements Meaning {}

    /** Classifies a text message's content; does not move its reader index. */
    Meaning classify(ByteBuf content) {
        if (startsWith(content, CONTROL)) {
            byte[] json = ByteBufUtil.getBytes(content, content.readerIndex() + CONTROL.length,
                    content.readableBytes() - CONTROL.length);
            try {
                return new Control(ControlMessage.parse(json));
            } catch (ControlMessageException e) {
                return new Drop("bad control message: " + e.getMessage());
            }
        }
        if (startsWith(content, prefixBytes)) {
            return new Relay(prefixBytes.length);
        }
        return new Drop("message without the \"" + messagePrefix + "\" prefix");
    }

    /**
     * A binary message in GRIP mode: relayed without the message prefix, dropped without it (as
     * Pushpin does; only text carries control messages).
     */
    Meaning classifyBinary(ByteBuf content) {
        return startsWith(content, prefixBytes) ? new Relay(prefixBytes.length)
                : new Drop("binary message without the \"" + messagePrefix + "\" prefix");
    }

    private static boolean startsWith(ByteBuf content, byte[] prefix) {
        if (content.readableBytes() < prefix.length) {
            return false;
        }
        int at = content.readerIndex();
        for (int i = 0; i < prefix.length; i++) {
            if (content.getByte(at + i) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** Splits at {@code separator} outside quoted strings; drops blank pieces. */
    private static List<String> split(String s, char separator) {
        List<String> out = new ArrayList<>(2);
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quoted && c == '\\') {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && c == separator) {
                addPiece(out, s.substring(start, i));
                start = i + 1;
            }
        }
        addPiece(out, s.substring(start));
        return out;
    }

    private static void addPiece(List<String> out, String piece) {
        if (!piece.isBlank()) {
            out.add(piece);
        }
    }

    private static String unquote(String value) {
        if (value.length() < 2 || value.charAt(0) != '"' || value.charAt(value.length() - 1) != '"') {
            return value;
        }
        StringBuilder sb = new StringBuilder(value.length());
        for (int i = 1; i < value.length() - 1; i++) {
            char c = value.charAt(i);
            if (c == '\\' && i + 1 < value.length() - 1) {
                c = value.charAt(++i);
            }
            sb.append(c);
        }
        return sb.toString();
    }
}
