package io.holdfast.grip;

import java.util.Locale;
import java.util.Set;

/**
 * The one place that says what a channel name, a header, a reason phrase and a WebSocket close may
 * hold, so every parser (Grip-* headers, instruct JSON, control messages, publish items over HTTP,
 * tnetstrings and ZeroMQ) and every origin using this library refuse exactly the same input with the
 * same words.
 *
 * <p>Each check returns {@code null} when the input is fine and otherwise a problem text that reads
 * well after a field name ({@code "channel: " + problem}); the caller wraps it in its own typed
 * exception, so errors stay values mapped to one status at the edge (400 for a publish, 502 for an
 * origin). Nothing here allocates for valid input.
 *
 * <h2>Why a channel name is at most 512 bytes</h2>
 * A channel becomes a ZeroMQ SUB topic, and JeroMQ 0.6 (ours, and a Java publisher's) stores topics
 * in a trie whose add and remove recurse once per byte. Measured on this JDK 17: a 6,000-byte topic
 * overflows a default 1 MiB thread stack, and with the interpreter on a 256 KiB stack 1,024 bytes
 * already do; 512 bytes passed in every combination tried. Pushpin sets no explicit limit, but its
 * 8 KiB {@code client_buffer_size} bounds a {@code Grip-Channel} header in practice, and real channel
 * names (ids, {@code user-123:feed}) are far shorter. The limit counts UTF-8 bytes, as a topic does.
 */
public final class GripLimits {

    /** Longest channel name, in UTF-8 bytes (see the class comment for the measurement behind it). */
    public static final int MAX_CHANNEL_BYTES = 512;

    /** Longest WebSocket close reason: a close frame's payload is at most 125 bytes, 2 of them the code (RFC 6455 §5.5). */
    public static final int MAX_CLOSE_REASON_BYTES = 123;

    /**
     * Headers a publisher or an origin's instruct may not set on a response Holdfast writes: the
     * connection-specific fields of RFC 9110 §7.6.1 and the framing fields (RFC 9112 §6), which
     * Holdfast sets itself. A second {@code Transfer-Encoding} beside Holdfast's
     * {@code Content-Length} would let the client read the body two ways (request smuggling's twin).
     */
    private static final Set<String> REFUSED_RESPONSE_HEADERS = Set.of("connection", "keep-alive",
            "transfer-encoding", "content-length", "upgrade", "te", "trailer");

    private static final String PROXY_PREFIX = "proxy-";

    private GripLimits() {
    }

    /** Null when {@code name} is a usable channel name; else why not (empty, or over {@link #MAX_CHANNEL_BYTES}). */
    public static String channelProblem(String name) {
        if (name == null || name.isEmpty()) {
            return "empty channel name";
        }
        if (name.length() * 3 <= MAX_CHANNEL_BYTES) {
            return null; // no char takes more than 3 UTF-8 bytes (a surrogate pair takes 4 for 2 chars)
        }
        int bytes = utf8Length(name);
        return bytes <= MAX_CHANNEL_BYTES ? null : channelTooLong(bytes);
    }

    /** The one wording of an over-long channel name, for callers that measured the bytes themselves. */
    public static String channelTooLong(int bytes) {
        return "channel name is " + bytes + " bytes long (max " + MAX_CHANNEL_BYTES + " bytes of UTF-8)";
    }

    /** Null when {@code name} is an RFC 9110 §5.6.2 token (a valid field name); else why not. */
    public static String headerNameProblem(String name) {
        if (name == null || name.isEmpty()) {
            return "empty header name";
        }
        for (int i = 0; i < name.length(); i++) {
            if (!isTchar(name.charAt(i))) {
                return "header name \"" + printable(name) + "\" has " + describe(name.charAt(i))
                        + " (expected: an RFC 9110 token)";
            }
        }
        return null;
    }

    /**
     * Null when {@code value} is an RFC 9110 §5.5 field value: no control characters but HTAB, so
     * no CR, LF or NUL that could end the header line and start another.
     */
    public static String headerValueProblem(String value) {
        int bad = firstControl(value);
        return bad < 0 ? null : "header value has " + describe(value.charAt(bad))
                + " (expected: no control characters, RFC 9110 §5.5)";
    }

    /**
     * Null when a header may go on a response Holdfast writes for a publisher or an origin's instruct:
     * a valid name and value, and not a hop-by-hop or framing header ({@code Connection},
     * {@code Keep-Alive}, {@code Transfer-Encoding}, {@code Content-Length}, {@code Upgrade},
     * {@code TE}, {@code Trailer}, {@code Proxy-*}).
     */
    public static String responseHeaderProblem(String name, String value) {
        String problem = headerNameProblem(name);
        if (problem != null) {
            return problem;
        }
        if (isRefusedResponseHeader(name)) {
            return "header " + name + " is hop-by-hop or framing; Holdfast sets it itself";
        }
        return headerValueProblem(value);
    }

    /** Whether {@code name} is a hop-by-hop or framing header that no published or instructed response may carry. */
    public static boolean isRefusedResponseHeader(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return REFUSED_RESPONSE_HEADERS.contains(lower) || lower.startsWith(PROXY_PREFIX);
    }

    /** Null when {@code reason} may be an HTTP reason phrase (RFC 9112 §4: HTAB, SP, VCHAR, obs-text). */
    public static String reasonPhraseProblem(String reason) {
        int bad = firstControl(reason);
        return bad < 0 ? null : "reason phrase has " + describe(reason.charAt(bad))
                + " (expected: no control characters, RFC 9112 §4)";
    }

    /**
     * Null when an endpoint may send {@code code} in a close frame (RFC 6455 §7.4): 1000-1003,
     * 1007-1014 (1012-1014 from the IANA registry) or 3000-4999. 1004-1006 and 1015 are reserved or
     * must never be sent; below 1000 and 1016-2999 are unassigned.
     */
    public static String closeCodeProblem(int code) {
        boolean ok = (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
        return ok ? null : "close code " + code + " may not be sent (expected: 1000-1003, 1007-1014 or 3000-4999,"
                + " RFC 6455 §7.4)";
    }

    /** Null when {@code reason} fits a close frame ({@link #MAX_CLOSE_REASON_BYTES} bytes of UTF-8). */
    public static String closeReasonProblem(String reason) {
        if (reason == null || reason.length() * 3 <= MAX_CLOSE_REASON_BYTES) {
            return null;
        }
        int bytes = utf8Length(reason);
        return bytes <= MAX_CLOSE_REASON_BYTES ? null : "close reason is " + bytes + " bytes long (max "
                + MAX_CLOSE_REASON_BYTES + " bytes of UTF-8, RFC 6455 §5.5)";
    }

    /** The UTF-8 length of {@code s} without encoding it (a lone surrogate counts as the one byte {@code ?} it becomes). */
    public static int utf8Length(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                n++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    private static int firstControl(String s) {
        if (s == null) {
            return -1;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                return i;
            }
        }
        return -1;
    }

    // tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA
    private static boolean isTchar(char c) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
            return true;
        }
        return "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    private static String describe(char c) {
        return switch (c) {
            case '\r' -> "a CR";
            case '\n' -> "an LF";
            case 0 -> "a NUL";
            default -> String.format(Locale.ROOT, "the character U+%04X", (int) c);
        };
    }

    /**
     * At most 64 characters of {@code s} with control characters escaped ({@code \x0d}), so that
     * an error message or a log line quoting hostile input stays one line.
     */
    public static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && i < 64; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                b.append(String.format(Locale.ROOT, "\\x%02x", (int) c));
            } else {
                b.append(c);
            }
        }
        return s.length() > 64 ? b.append("...").toString() : b.toString();
    }
}
