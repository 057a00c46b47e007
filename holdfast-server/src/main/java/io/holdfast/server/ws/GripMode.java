package io.holdfast.server.ws;

import io.holdfast.grip.websocket.ControlMessage;
import io.holdfast.grip.websocket.ControlMessageException;
import java.nio.charset.StandardCharsets;

/**
 * Whether an origin turned GRIP on for a WebSocket (its {@code Sec-WebSocket-Extensions} names
 * {@code grip}, spec 2.1/2.2), and the message prefix it chose ({@code m:} unless
 * {@code message-prefix} says otherwise). In GRIP mode an origin text message is a control message
 * ({@code c:}), a client message (prefix stripped), or dropped.
 */
record GripMode(boolean enabled, String messagePrefix) {
    static final GripMode OFF = new GripMode(false, "");
    static final String DEFAULT_PREFIX = "m:";
    private static final byte[] CONTROL = "c:".getBytes(StandardCharsets.US_ASCII);

    /** Reads the origin's {@code Sec-WebSocket-Extensions} value (null when absent). */
    static GripMode fromExtensions(String header) {
        if (header == null) {
            return OFF;
        }
        for (String extension : header.split(",")) {
            String[] parts = extension.split(";");
            if (!parts[0].strip().equalsIgnoreCase("grip")) {
                continue;
            }
            String prefix = DEFAULT_PREFIX;
            for (int i = 1; i < parts.length; i++) {
                String p = parts[i].strip();
                int eq = p.indexOf('=');
                if (eq > 0 && p.substring(0, eq).strip().equalsIgnoreCase("message-prefix")) {
                    prefix = unquote(p.substring(eq + 1).strip());
                }
            }
            return new GripMode(true, prefix);
        }
        return OFF;
    }

    private static String unquote(String v) {
        return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
    }

    /** What an origin text message means in GRIP mode. */
    sealed interface Meaning permits Control, Relay, Drop {}

    record Control(ControlMessage message) implements Meaning {}

    /** Relay bytes {@code [offset, length)} of the message to the client. */
    record Relay(int offset) implements Meaning {}

    record Drop(String why) implements Meaning {}

    Meaning classify(byte[] text) {
        if (startsWith(text, CONTROL)) {
            try {
                return new Control(ControlMessage.parse(new String(text, 2, text.length - 2, StandardCharsets.UTF_8)));
            } catch (ControlMessageException e) {
                return new Drop("bad control message: " + e.getMessage());
            }
        }
        byte[] prefix = messagePrefix.getBytes(StandardCharsets.UTF_8);
        if (startsWith(text, prefix)) {
            return new Relay(prefix.length);
        }
        return new Drop("message without the '" + messagePrefix + "' prefix");
    }

    private static boolean startsWith(byte[] text, byte[] prefix) {
        if (text.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (text[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
