package io.holdfast.server.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real three-master Redis Cluster on loopback for one test ({@code @RegisterExtension}): three
 * {@code redis-server --cluster-enabled yes} processes joined by {@code redis-cli --cluster create},
 * without persistence. Each node's cluster bus uses its port + 10000, so ports are picked below 55000.
 */
public final class RedisClusterServers implements BeforeEachCallback, AfterEachCallback {
    private static final int NODES = 3;
    private final List<Process> processes = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();
    private Path dir;

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        dir = Files.createTempDirectory("holdfast-redis-cluster");
        while (ports.size() < NODES) {
            int p = freePortBelow55000();
            if (!ports.contains(p)) {
                ports.add(p);
            }
        }
        for (int port : ports) {
            Path nodeDir = Files.createDirectories(dir.resolve(Integer.toString(port)));
            processes.add(new ProcessBuilder("/usr/bin/redis-server", "--port", Integer.toString(port),
                    "--bind", "127.0.0.1", "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                    "--save", "", "--appendonly", "no", "--dir", nodeDir.toString(), "--protected-mode", "no")
                    .redirectErrorStream(true).redirectOutput(nodeDir.resolve("redis.log").toFile()).start());
        }
        for (int port : ports) {
            awaitReply(port, List.of("PING"), "PONG");
        }
        List<String> create = new ArrayList<>(List.of("/usr/bin/redis-cli", "--cluster", "create"));
        ports.forEach(p -> create.add("127.0.0.1:" + p));
        create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
        Process p = new ProcessBuilder(create).redirectErrorStream(true)
                .redirectOutput(dir.resolve("create.log").toFile()).start();
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("redis-cli --cluster create failed: " + Files.readString(dir.resolve("create.log")));
        }
        for (int port : ports) {
            awaitReply(port, List.of("CLUSTER", "INFO"), "cluster_state:ok");
        }
    }

    private static int freePortBelow55000() throws IOException {
        for (int i = 0; i < 100; i++) {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                if (s.getLocalPort() < 55000) {
                    try (ServerSocket bus = new ServerSocket(s.getLocalPort() + 10000, 1, InetAddress.getLoopbackAddress())) {
                        return s.getLocalPort();
                    } catch (IOException taken) {
                        // its cluster bus port is busy: try another
                    }
                }
            }
        }
        throw new IOException("no free port pair below 55000");
    }

    /** Runs redis-cli until its output contains {@code expected} (bounded: 20 s). */
    private void awaitReply(int port, List<String> command, String expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            List<String> cmd = new ArrayList<>(List.of("/usr/bin/redis-cli", "-p", Integer.toString(port)));
            cmd.addAll(command);
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            p.waitFor(5, TimeUnit.SECONDS);
            if (out.contains(expected)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("redis on " + port + " never answered " + expected + " to " + command + ": " + out);
            }
            p.waitFor(50, TimeUnit.MILLISECONDS); // already exited: this only paces the bounded retry
            Thread.onSpinWait();
        }
    }

    /** Seed nodes as Lettuce's cluster client reads them: {@code redis://h1:p1,h2:p2,...}. */
    public String url() {
        return "redis://" + ports.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        for (Process p : processes) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        if (dir != null) {
            try (var walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }
}
