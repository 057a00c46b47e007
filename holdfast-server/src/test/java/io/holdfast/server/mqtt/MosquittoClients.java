package io.holdfast.server.mqtt;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Debian's {@code mosquitto_sub} and {@code mosquitto_pub} as real MQTT clients, bounded in time. */
final class MosquittoClients implements AutoCloseable {
    private final int port;
    private final List<Process> processes = new ArrayList<>();

    MosquittoClients(int port) {
        this.port = port;
    }

    /** A running {@code mosquitto_sub}; {@link #next} reads {@code topic payload} lines. */
    static final class Sub {
        final Process process;
        final LinkedBlockingQueue<String> messages = new LinkedBlockingQueue<>();
        volatile boolean subscribed;

        Sub(Process process) {
            this.process = process;
            Thread t = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        if (line.startsWith("MSG ")) {
                            messages.add(line.substring(4));
                        } else if (line.contains("received SUBACK")) {
                            subscribed = true;
                        }
                    }
                } catch (IOException ignored) {
                    // the process ended
                }
            }, "mosquitto_sub-reader");
            t.setDaemon(true);
            t.start();
        }

        /** The next {@code topic payload} line, waiting up to 10 s; null if none came. */
        String next() throws InterruptedException {
            return messages.poll(10, TimeUnit.SECONDS);
        }

        /** Whether another line arrives within {@code millis} (for "nothing more" checks). */
        String poll(long millis) throws InterruptedException {
            return messages.poll(millis, TimeUnit.MILLISECONDS);
        }
    }

    /** Starts {@code mosquitto_sub} with extra arguments and waits for its SUBACK. */
    Sub subscribe(String... args) throws IOException {
        // stdbuf: mosquitto_sub's debug lines (the SUBACK we wait for) are block-buffered on a pipe.
        List<String> cmd = new ArrayList<>(List.of("stdbuf", "-oL", "mosquitto_sub", "-h", "127.0.0.1",
                "-p", String.valueOf(port), "-d", "-F", "MSG %t %p"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        processes.add(p);
        Sub sub = new Sub(p);
        await().atMost(Duration.ofSeconds(10)).until(() -> sub.subscribed || !p.isAlive());
        return sub;
    }

    /** Runs {@code mosquitto_pub} to completion (10 s at most); returns its exit code. */
    int publish(String... args) throws IOException, InterruptedException {
        return run("mosquitto_pub", args);
    }

    /** Runs {@code mosquitto_sub} to completion (for {@code -E}: subscribe and leave). */
    int runSub(String... args) throws IOException, InterruptedException {
        return run("mosquitto_sub", args);
    }

    private int run(String tool, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(tool, "-h", "127.0.0.1", "-p", String.valueOf(port)));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        processes.add(p);
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(tool + " did not finish in 10 s: " + cmd);
        }
        return p.exitValue();
    }

    @Override
    public void close() {
        for (Process p : processes) {
            p.destroyForcibly();
        }
    }
}
