package io.holdfast.example.qaboard;

import io.holdfast.grip.publisher.GripPublisher;
import io.holdfast.grip.sig.GripKey;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the Q&amp;A board origin: {@code java -jar qa-board.jar [--port 8080] [--grip-url
 * http://localhost:5561] [--sig-key KEY]}. Put Holdfast in front with {@code --route "* localhost:8080,over_http"}
 * and open Holdfast's port (7999) in a browser.
 */
public final class QaBoardMain {

    static final int DEFAULT_PORT = 8080;

    private static final String USAGE = """
            Usage: java -jar qa-board.jar [--port PORT] [--grip-url URL] [--sig-key KEY]

              --port PORT      listen on this port (default 8080)
              --grip-url URL   Holdfast's publish API, a GRIP_URL (default http://localhost:5561)
              --sig-key KEY    Holdfast's sig_key: refuse WebSocket requests without a valid Grip-Sig
                               (also base64:... and file:...); without it every request is trusted

            Then run Holdfast in front of it and open http://localhost:7999/ :
              ./holdfast --route "* localhost:8080,over_http"
            """;

    private QaBoardMain() {
    }

    public static void main(String[] args) throws Exception {
        int port = DEFAULT_PORT;
        String gripUrl = GripPublisher.DEFAULT_GRIP_URL;
        String sigKey = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                value = arg.substring(eq + 1);
                arg = arg.substring(0, eq);
            }
            switch (arg) {
                case "--help", "-h" -> {
                    System.out.print(USAGE);
                    return;
                }
                case "--port", "--grip-url", "--sig-key" -> {
                    if (value == null) {
                        if (i + 1 >= args.length) {
                            fail(arg + ": missing value");
                        }
                        value = args[++i];
                    }
                    switch (arg) {
                        case "--port" -> port = parsePort(value);
                        case "--grip-url" -> gripUrl = value;
                        default -> sigKey = value;
                    }
                }
                default -> fail("unknown option: " + arg);
            }
        }

        GripPublisher publisher;
        GripKey key;
        try {
            publisher = GripPublisher.fromGripUrl(gripUrl);
            key = sigKey == null ? null : GripKey.parse(sigKey, null);
        } catch (RuntimeException e) {
            fail(e.getMessage());
            return;
        }
        QaBoardServer server = QaBoardServer.start(new InetSocketAddress(port), publisher, key);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "qa-board-shutdown"));
        System.out.printf("Q&A board origin listening on port %d, publishing to %s%s%n", server.port(),
                publisher.publishUri(), key == null ? "" : ", verifying Grip-Sig");
        System.out.printf("Run Holdfast in front: ./holdfast --route \"* localhost:%d,over_http\" "
                + "and open http://localhost:7999/%n", server.port());
        stopped.await();
    }

    private static int parsePort(String value) {
        try {
            int p = Integer.parseInt(value);
            if (p >= 0 && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        fail("--port: " + value + " (expected: 0-65535)");
        return -1;
    }

    private static void fail(String message) {
        PrintStream err = System.err;
        err.println("qa-board: " + message);
        err.print(USAGE);
        System.exit(2);
    }
}
