package io.holdfast.grip.instruct;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The {@code format=cstring} encoding of {@code Grip-Keep-Alive} data: C-style escapes {@code \\},
 * {@code \r}, {@code \n} and {@code \xHH} (spec 1.3), so that an SSE comment like {@code :\n\n} fits
 * in a header.
 */
final class CStrings {

    private CStrings() {
    }

    /**
     * Unescapes header text. The text's characters are taken as UTF-8; escapes produce single bytes.
     *
     * @throws GripInstructException naming {@code Grip-Keep-Alive} on a dangling or unknown escape
     */
    static byte[] unescape(String text) {
        byte[] in = text.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length);
        for (int i = 0; i < in.length; i++) {
            byte b = in[i];
            if (b != '\\') {
                out.write(b);
                continue;
            }
            if (i + 1 >= in.length) {
                throw bad("dangling \\ at the end");
            }
            byte e = in[++i];
            switch (e) {
                case '\\' -> out.write('\\');
                case 'r' -> out.write('\r');
                case 'n' -> out.write('\n');
                case 'x' -> {
                    int hi = i + 1 < in.length ? Character.digit(in[i + 1], 16) : -1;
                    int lo = i + 2 < in.length ? Character.digit(in[i + 2], 16) : -1;
                    if (hi < 0 || lo < 0) {
                        throw bad("\\x at offset " + (i - 1) + " is not followed by two hex digits");
                    }
                    out.write((hi << 4) | lo);
                    i += 2;
                }
                default -> throw bad("unknown escape \\" + (char) (e & 0xff) + " at offset " + (i - 1)
                        + " (expected \\\\, \\r, \\n or \\xHH)");
            }
        }
        return out.toByteArray();
    }

    private static GripInstructException bad(String problem) {
        return new GripInstructException("Grip-Keep-Alive", "invalid cstring: " + problem);
    }

    /**
     * Escapes bytes so the result is printable ASCII with no {@code ;}, no {@code ,} and no leading or
     * trailing space, i.e. safe as the first part of a header value.
     */
    static String escape(byte[] data) {
        StringBuilder sb = new StringBuilder(data.length + 8);
        for (int i = 0; i < data.length; i++) {
            int b = data[i] & 0xff;
            boolean edgeSpace = b == ' ' && (i == 0 || i == data.length - 1);
            if (b == '\\') {
                sb.append("\\\\");
            } else if (b == '\r') {
                sb.append("\\r");
            } else if (b == '\n') {
                sb.append("\\n");
            } else if (b < 0x20 || b >= 0x7f || b == ';' || b == ',' || b == '"' || edgeSpace) {
                sb.append("\\x").append(Character.forDigit(b >> 4, 16)).append(Character.forDigit(b & 0xf, 16));
            } else {
                sb.append((char) b);
            }
        }
        return sb.toString();
    }

    /** Whether {@code data} can be written raw: printable ASCII, no {@code ;}, no edge spaces. */
    static boolean isRawSafe(byte[] data) {
        if (data.length == 0 || data[0] == ' ' || data[data.length - 1] == ' ') {
            return false;
        }
        for (byte b : data) {
            if (b < 0x20 || b >= 0x7f || b == ';' || b == ',' || b == '"') {
                return false;
            }
        }
        return true;
    }
}
