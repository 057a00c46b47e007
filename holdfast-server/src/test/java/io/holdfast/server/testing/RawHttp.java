package io.holdfast.server.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * A plain TCP client for requests no well-behaved HTTP client would send (malformed, oversized,
 * pipelined), reading whatever comes back until the server closes or goes quiet.
 */
public final class RawHttp {
    private RawHttp() {}

    /** Sends the bytes and returns everything received until close, or 5 s without data. */
    public static String exchange(int port, String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            return readUntilClose(s.getInputStream());
        }
    }

    /**
     * Sends the bytes and returns everything received until the server closes, waiting up to 20 s for
     * each read: for answers that must end in a close, even on a loaded machine's first request.
     */
    public static String exchangeUntilClose(int port, String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(20_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            return readUntilClose(s.getInputStream());
        }
    }

    static String readUntilClose(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            int n;
            while ((n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
            }
        } catch (SocketTimeoutException e) {
            // The server kept the connection open; what arrived so far is the answer.
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }
}
