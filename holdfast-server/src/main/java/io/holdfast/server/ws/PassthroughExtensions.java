package io.holdfast.server.ws;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the {@code grip} extension from an origin's {@code Sec-WebSocket-Extensions} (spec 2.1): its
 * presence turns GRIP mode on, and its {@code message-prefix} parameter (default {@code m:}, may be
 * empty) marks the messages meant for the client. The header grammar is RFC 6455 §9.1: a comma list
 * of extensions, each a name and {@code ;}-separated parameters whose values may be quoted strings.
 */
final class PassthroughExtensions {
    static final String GRIP = "grip";
    static final String DEFAULT_MESSAGE_PREFIX = "m:";

    private PassthroughExtensions() {}

    /** The message prefix if the header values include {@code grip}, else null (a plain proxy). */
    static String gripMessagePrefix(List<String> headerValues) {
        for (String value : headerValues) {
            for (String extension : split(value, ',')) {
                List<String> parts = split(extension, ';');
                if (parts.isEmpty() || !parts.get(0).strip().equalsIgnoreCase(GRIP)) {
                    continue;
                }
                String prefix = DEFAULT_MESSAGE_PREFIX;
                for (String param : parts.subList(1, parts.size())) {
                    int eq = param.indexOf('=');
                    String name = (eq < 0 ? param : param.substring(0, eq)).strip();
                    if (eq >= 0 && name.equalsIgnoreCase("message-prefix")) {
                        prefix = unquote(param.substring(eq + 1).strip());
                    }
                }
                return prefix;
            }
        }
        return null;
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
                add(out, s.substring(start, i));
                start = i + 1;
            }
        }
        add(out, s.substring(start));
        return out;
    }

    private static void add(List<String> out, String piece) {
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
