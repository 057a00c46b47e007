package io.holdfast.bench.origin;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Just enough of the {@code application/websocket-events} format (spec 2.2) for the bench origin:
 * which event types a proxy's POST carries, and the OPEN-and-subscribe answer.
 *
 * <p>Written independently of {@code holdfast-grip}'s codec on purpose: the origin must not share a
 * bug with the proxy it measures.
 */
final class WsEvents {

    /** One event: its type and content (empty when it has none). */
    record Event(String type, byte[] content) {
    }

    private WsEvents() {
    }

    /**
     * Reads every event of a body. A malformed body gives the events before the fault and stops.
     */
    static List<Event> read(byte[] body) {
        List<Event> out = new ArrayList<>();
        int pos = 0;
        while (pos < body.length) {
            int lineEnd = indexOfCrlf(body, pos);
            if (lineEnd < 0) {
                break;
            }
            String head = new String(body, pos, lineEnd - pos, StandardCharsets.US_ASCII);
            pos = lineEnd + 2;
            int sp = head.indexOf(' ');
            if (sp < 0) {
                out.add(new Event(head, new byte[0]));
                continue;
            }
            int len;
            try {
                len = Integer.parseInt(head.substring(sp + 1), 16);
            } catch (NumberFormatException e) {
                break;
            }
            if (len < 0 || pos + len + 2 > body.length) {
                break;
            }
            byte[] content = new byte[len];
            System.arraycopy(body, pos, content, 0, len);
            pos += len + 2;
            out.add(new Event(head.substring(0, sp), content));
        }
        return out;
    }

    /** The answer to OPEN: accept, then one {@code c:} subscribe control message per channel. */
    static byte[] openAndSubscribe(List<String> channels) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + 64 * channels.size());
        out.writeBytes("OPEN\r\n".getBytes(StandardCharsets.US_ASCII));
        for (String channel : channels) {
            byte[] msg = ("c:{\"type\":\"subscribe\",\"channel\":\"" + jsonEscape(channel) + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
            writeEvent(out, "TEXT", msg);
        }
        return out.toByteArray();
    }

    /** A CLOSE event echoing the given content (code and reason), as the close handshake asks. */
    static byte[] close(byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 + content.length);
        if (content.length == 0) {
            out.writeBytes("CLOSE\r\n".getBytes(StandardCharsets.US_ASCII));
        } else {
            writeEvent(out, "CLOSE", content);
        }
        return out.toByteArray();
    }

    private static void writeEvent(ByteArrayOutputStream out, String type, byte[] content) {
        out.writeBytes((type + " " + Integer.toHexString(content.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(content);
        out.write('\r');
        out.write('\n');
    }

    private static int indexOfCrlf(byte[] b, int from) {
        for (int i = from; i + 1 < b.length; i++) {
            if (b[i] == '\r' && b[i + 1] == '\n') {
                return i;
            }
        }
        return -1;
    }

    static String jsonEscape(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 8);
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
        return sb.toString();
    }
}
