package io.holdfast.server.ws;

/**
 * Which close codes may travel in a close frame (RFC 6455 §7.4): 1000–1003 and 1007–1014 (defined by
 * the RFC and IANA's registry), and 3000–4999 (libraries and applications). Everything else (0–999,
 * 1004–1006, 1015–2999, 5000 and up) is a protocol error from whoever sends it, and Holdfast never
 * passes such a code on. Netty's own check lets 5000 and up through, hence this one.
 */
final class CloseCodes {
    /** RFC 6455 §5.5: a control frame carries at most 125 bytes, two of them the code. */
    static final int MAX_REASON_BYTES = 123;

    private CloseCodes() {}

    /** Whether {@code code} may appear in a close frame. */
    static boolean isValid(int code) {
        return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
    }

    /** The reason cut to fit a close frame, at a character boundary; "" for null. */
    static String fit(String reason) {
        if (reason == null || reason.isEmpty()) {
            return "";
        }
        int bytes = 0;
        int end = 0;
        while (end < reason.length()) {
            int cp = reason.codePointAt(end);
            int size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (bytes + size > MAX_REASON_BYTES) {
                break;
            }
            bytes += size;
            end += Character.charCount(cp);
        }
        return reason.substring(0, end);
    }
}
