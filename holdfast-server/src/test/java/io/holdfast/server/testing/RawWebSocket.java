package io.holdfast.server.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * An RFC 6455 client over a plain TCP socket that can send what no WebSocket library would: bad
 * handshakes, unmasked frames, invalid close codes, broken UTF-8. Reads are bounded by a 10 s socket
 * timeout.
 */
public final class RawWebSocket implements AutoCloseable {
    /** The RFC 6455 §1.3 sample key: base64 of 16 bytes. */
    public static final String GOOD_KEY = "dGhlIHNhbXBsZSBub25jZQ==";

    private final Socket socket;
    private final OutputStream out;
    private final DataInputStream in;
    /** The response head the server answered the handshake with. */
    public final String head;

    private RawWebSocket(int port, String path, String extraHeaders) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        out = socket.getOutputStream();
        in = new DataInputStream(socket.getInputStream());
        out.write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" + extraHeaders
                + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        head = readHead(in);
    }

    /** Sends a handshake with the sample key and version 13 and requires a 101. */
    public static RawWebSocket open(int port, String path) throws IOException {
        RawWebSocket ws = handshake(port, path, "Sec-WebSocket-Key: " + GOOD_KEY + "\r\nSec-WebSocket-Version: 13\r\n");
        if (!ws.head.startsWith("HTTP/1.1 101")) {
            ws.close();
            throw new AssertionError("handshake refused: " + ws.head);
        }
        return ws;
    }

    /** Sends a handshake with these extra header lines (each ending in CRLF) and reads the answer's head. */
    public static RawWebSocket handshake(int port, String path, String extraHeaders) throws IOException {
        return new RawWebSocket(port, path, extraHeaders);
    }

    /** The response body after {@link #head}, up to Content-Length (or until the server closes). */
    public String body() throws IOException {
        int length = -1;
        for (String line : head.split("\r\n")) {
            if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
                length = Integer.parseInt(line.substring(15).strip());
            }
        }
        if (length >= 0) {
            byte[] b = new byte[length];
            in.readFully(b);
            return new String(b, StandardCharsets.UTF_8);
        }
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    static String readHead(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        while (!sb.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            sb.append((char) b);
        }
        return sb.toString();
    }

    /** Sends one final frame with this opcode, masked as RFC 6455 §5.3 requires of clients unless {@code masked} is false. */
    public void frame(int opcode, boolean masked, byte[] payload) throws IOException {
        ByteArrayOutputStream f = new ByteArrayOutputStream(payload.length + 14);
        f.write(0x80 | opcode);
        int len = payload.length;
        int maskBit = masked ? 0x80 : 0;
        if (len < 126) {
            f.write(maskBit | len);
        } else if (len < 65536) {
            f.write(maskBit | 126);
            f.write(len >> 8);
            f.write(len & 0xff);
        } else {
            f.write(maskBit | 127);
            for (int i = 7; i >= 0; i--) {
                f.write((int) ((long) len >> (8 * i)) & 0xff);
            }
        }
        byte[] mask = {1, 2, 3, 4};
        if (masked) {
            f.write(mask);
        }
        byte[] data = payload.clone();
        if (masked) {
            for (int i = 0; i < data.length; i++) {
                data[i] ^= mask[i % 4];
            }
        }
        f.write(data);
        out.write(f.toByteArray());
        out.flush();
    }

    /** Sends a close frame with this code and raw reason bytes. */
    public void close(int code, byte[] reason) throws IOException {
        byte[] payload = new byte[2 + reason.length];
        payload[0] = (byte) (code >> 8);
        payload[1] = (byte) code;
        System.arraycopy(reason, 0, payload, 2, reason.length);
        frame(0x8, true, payload);
    }

    /** One frame from the server: opcode and payload. */
    public record Frame(int opcode, byte[] payload) {
        /** A close frame's code, 1005 when it has none. */
        public int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
        }
    }

    /** Reads the next frame. */
    public Frame readFrame() throws IOException {
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        long len = b1 & 0x7f;
        if (len == 126) {
            len = in.readUnsignedShort();
        } else if (len == 127) {
            len = in.readLong();
        }
        byte[] payload = new byte[(int) len];
        in.readFully(payload);
        return new Frame(b0 & 0x0f, payload);
    }

    /**
     * Reads frames until a close frame and returns its code; fails if the server closes the TCP
     * connection without one.
     */
    public int readCloseCode() throws IOException {
        while (true) {
            Frame f;
            try {
                f = readFrame();
            } catch (EOFException e) {
                throw new AssertionError("the server closed the connection without a close frame");
            }
            if (f.opcode() == 8) {
                return f.closeCode();
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
