package io.holdfast.server.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An origin that answers every connection with fixed bytes, whatever they are, after reading the
 * request head: for responses no real HTTP server would produce (not HTTP at all, broken headers,
 * thousands of headers). It closes each connection after writing.
 */
public final class RawOrigin implements AutoCloseable {
    private final ServerSocket server;
    private final Thread acceptor;
    private final AtomicInteger connections = new AtomicInteger();
    private volatile byte[] answer;

    public RawOrigin(byte[] answer) throws IOException {
        this.answer = answer;
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::acceptLoop, "raw-origin");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public void answer(byte[] bytes) {
        this.answer = bytes;
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                connections.incrementAndGet();
                s.setSoTimeout(5000);
                readHead(s.getInputStream());
                OutputStream out = s.getOutputStream();
                out.write(answer);
                out.flush();
                s.shutdownOutput();
                // Drain until Holdfast closes, so it reads everything before a reset could discard it.
                InputStream in = s.getInputStream();
                byte[] sink = new byte[4096];
                while (in.read(sink) >= 0) {
                    // discard
                }
            } catch (IOException e) {
                // The next connection gets a fresh try; a test asserts on what the client saw.
            }
        }
    }

    private static void readHead(InputStream in) throws IOException {
        int state = 0;
        int b;
        while (state < 4 && (b = in.read()) >= 0) {
            state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3))
                    ? state + 1 : 0;
        }
    }

    public int connections() {
        return connections.get();
    }

    public String target() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
