package io.holdfast.grip.websocket;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Encodes and decodes {@code application/websocket-events} bodies (spec 2.2).
 *
 * <p>The format is a run of events with nothing between them: {@code TYPE\r\n} for an event without
 * content, {@code TYPE <hex-length>\r\n<bytes>\r\n} for one with content. When writing, lengths are
 * lower-case hex without leading zeros, as Pushpin writes them; OPEN and DISCONNECT never carry
 * content, PING/PONG/CLOSE only when non-empty, TEXT/BINARY always (so an empty message survives).
 * When reading, either hex case, leading zeros and zero lengths are accepted, and events of unknown
 * type are skipped (spec: "If the origin returns an unknown event type, it is ignored").
 */
public final class WebSocketEventCodec {

    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final int MAX_TYPE_LENGTH = 64;

    private WebSocketEventCodec() {
    }

    /** Encodes events into one body. */
    public static byte[] encode(List<WebSocketEvent> events) {
        int size = 0;
        for (WebSocketEvent e : events) {
            size += e.type().wireName().length() + 12 + e.content().length;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(size);
        for (WebSocketEvent e : events) {
            writeTo(e, out);
        }
        return out.toByteArray();
    }

    /** Encodes one event to a stream. */
    public static void encode(WebSocketEvent event, OutputStream out) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(event.content().length + 24);
        writeTo(event, buf);
        buf.writeTo(out);
    }

    private static void writeTo(WebSocketEvent e, ByteArrayOutputStream out) {
        out.writeBytes(e.type().wireName().getBytes(StandardCharsets.US_ASCII));
        byte[] content = e.content();
        boolean withContent = switch (e.type()) {
            case OPEN, DISCONNECT -> false;
            case PING, PONG, CLOSE -> content.length > 0;
            case TEXT, BINARY -> true;
        };
        if (withContent) {
            out.write(' ');
            out.writeBytes(Integer.toHexString(content.length).getBytes(StandardCharsets.US_ASCII));
            out.write(CR);
            out.write(LF);
            out.writeBytes(content);
        }
        out.write(CR);
        out.write(LF);
    }

    /**
     * Decodes a whole body. An empty body (a keep-alive) gives an empty list.
     *
     * @throws WebSocketEventException naming the byte offset of a truncated or garbled event
     */
    public static List<WebSocketEvent> decode(byte[] body) throws WebSocketEventException {
        List<WebSocketEvent> out = new ArrayList<>();
        int pos = 0;
        int n = body.length;
        while (pos < n) {
            int start = pos;
            // The type: upper-case letters and '-' (e.g. KEEP-ALIVE), up to ' ' or CR.
            while (pos < n && body[pos] != ' ' && body[pos] != CR) {
                byte b = body[pos];
                if (!((b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || b == '-' || b == '_')) {
                    throw new WebSocketEventException(pos, "unexpected byte 0x" + hex(b) + " in event type");
                }
                if (pos - start >= MAX_TYPE_LENGTH) {
                    throw new WebSocketEventException(start, "event type too long");
                }
                pos++;
            }
            if (pos == start) {
                throw new WebSocketEventException(pos, "expected an event type");
            }
            String typeName = new String(body, start, pos - start, StandardCharsets.US_ASCII);
            if (pos >= n) {
                throw new WebSocketEventException(pos, "truncated: expected \\r\\n after " + typeName);
            }
            byte[] content = null;
            if (body[pos] == ' ') {
                pos++;
                int lenStart = pos;
                long len = 0;
                while (pos < n && body[pos] != CR) {
                    int d = Character.digit(body[pos], 16);
                    if (d < 0) {
                        throw new WebSocketEventException(pos, "unexpected byte 0x" + hex(body[pos])
                                + " in content length of " + typeName);
                    }
                    len = (len << 4) | d;
                    if (len > Integer.MAX_VALUE) {
                        throw new WebSocketEventException(lenStart, "content length of " + typeName + " too large");
                    }
                    pos++;
                }
                if (pos == lenStart) {
                    throw new WebSocketEventException(pos, "missing content length after " + typeName);
                }
                pos = expectCrlf(body, pos, typeName + " length");
                if (n - pos < len) {
                    throw new WebSocketEventException(pos, "truncated content of " + typeName + " (needs " + len
                            + " bytes, " + (n - pos) + " left)");
                }
                content = new byte[(int) len];
                System.arraycopy(body, pos, content, 0, (int) len);
                pos += (int) len;
            }
            pos = expectCrlf(body, pos, typeName);
            WebSocketEvent.Type type = WebSocketEvent.Type.fromWireName(typeName).orElse(null);
            if (type != null) {
                // Content on OPEN/DISCONNECT is ignored, as receivers must (spec 2.2).
                out.add(new WebSocketEvent(type, type.hasContent() ? content : null));
            }
        }
        return Collections.unmodifiableList(out);
    }

    private static int expectCrlf(byte[] body, int pos, String after) {
        if (pos + 2 > body.length) {
            throw new WebSocketEventException(pos, "truncated: expected \\r\\n after " + after);
        }
        if (body[pos] != CR || body[pos + 1] != LF) {
            throw new WebSocketEventException(pos, "expected \\r\\n after " + after);
        }
        return pos + 2;
    }

    private static String hex(byte b) {
        return String.format("%02x", b & 0xff);
    }
}
