package io.holdfast.server.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real {@code redis-server} on a free loopback port for one test (register with
 * {@code @RegisterExtension}): no persistence ({@code --save '' --appendonly no}), so a restart
 * starts empty, as a crashed cache node would. {@link #kill()} and {@link #restart()} simulate
 * faults; every wait is bounded.
 */
public final class RedisServer implements BeforeEachCallback, AfterEachCallback {
    private static final String BINARY = System.getenv().getOrDefault("REDIS_SERVER", "/usr/bin/redis-server");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

    private int port;
    private Process process;
    private Path dir;

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        dir = Files.createTempDirectory("holdfast-redis");
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        start();
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        kill();
        if (dir != null) {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    public int port() {
        return port;
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** Starts (again) on the same port; returns when it answers PING. */
    public void start() throws IOException, InterruptedException {
        process = new ProcessBuilder(List.of(BINARY, "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--protected-mode", "no"))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis.log").toFile())
                .start();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            try {
                if (command("PING").startsWith("+PONG")) {
                    return;
                }
            } catch (IOException e) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new IOException("redis-server did not start on port " + port + ": "
                            + Files.readString(dir.resolve("redis.log")), e);
                }
            }
            process.waitFor(20, TimeUnit.MILLISECONDS); // a bounded wait for the port to open
        }
    }

    /** {@code kill -9}: gone at once, its data with it. */
    public void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            process = null;
        }
    }

    public void restart() throws IOException, InterruptedException {
        kill();
        start();
    }

    /** How many clients are subscribed to a pub/sub channel ({@code PUBSUB NUMSUB}). */
    public long subscribers(String channel) throws IOException {
        List<String> lines = command("PUBSUB NUMSUB " + channel, 4);
        return Long.parseLong(lines.get(3).substring(1));
    }

    /** Sends one inline command and returns the first reply line (for assertions and PUBSUB checks). */
    public String command(String inline) throws IOException {
        return command(inline, 1).get(0);
    }

    /** Sends one inline command and returns the first {@code lines} reply lines. */
    public List<String> command(String inline, int lines) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            s.setSoTimeout(2000);
            s.getOutputStream().write((inline + "\r\n").getBytes(StandardCharsets.UTF_8));
            var in = s.getInputStream();
            List<String> out = new java.util.ArrayList<>();
            for (int i = 0; i < lines; i++) {
                StringBuilder line = new StringBuilder();
                int c;
                while ((c = in.read()) >= 0 && c != '\n') {
                    line.append((char) c);
                }
                out.add(line.toString().strip());
            }
            return out;
        }
    }
}
