package io.holdfast.bench.soak;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads what the soak reports about the Holdfast process: resident memory, threads and open file
 * descriptors from {@code /proc/<pid>}, heap and direct memory from the JVM itself via {@code jcmd}
 * ({@code GC.heap_info}; {@code VM.native_memory summary}, whose "Other" category is where
 * {@code ByteBuffer.allocateDirect} and Netty's direct buffers live, so the server must run with
 * {@code -XX:NativeMemoryTracking=summary}), and the counters of {@code GET /stats} on the publish port.
 */
final class ProcessProbe {

    /** One reading. Sizes in KiB; -1 where the source was unavailable. */
    record Sample(String label, long rssKib, long fds, long threads, long heapUsedKib, long heapCommittedKib,
                  long directKib, Map<String, Long> stats) {
    }

    private static final Pattern HEAP = Pattern.compile("total (\\d+)K, used (\\d+)K");
    private static final Pattern OTHER = Pattern.compile("Other \\(reserved=(\\d+)KB, committed=(\\d+)KB\\)");

    private final long pid;
    private final URI statsUrl;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();
    private final String jcmd;

    ProcessProbe(long pid, URI statsUrl) {
        this.pid = pid;
        this.statsUrl = statsUrl;
        String java = ProcessHandle.current().info().command().orElse("java");
        Path sibling = Path.of(java).resolveSibling("jcmd");
        this.jcmd = Files.isExecutable(sibling) ? sibling.toString() : "jcmd";
    }

    boolean alive() {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** Asks for a full GC, so that "after" readings compare live data, not garbage. */
    void fullGc() {
        jcmd("GC.run");
    }

    Sample sample(String label) {
        long rss = -1;
        long threads = -1;
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = Long.parseLong(line.replaceAll("\\D", ""));
                } else if (line.startsWith("Threads:")) {
                    threads = Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // process gone: left at -1
        }
        long fds = 0;
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path ignored : dir) {
                fds++;
            }
        } catch (IOException e) {
            fds = -1;
        }
        long heapUsed = -1;
        long heapCommitted = -1;
        Matcher h = HEAP.matcher(jcmd("GC.heap_info"));
        if (h.find()) {
            heapCommitted = Long.parseLong(h.group(1));
            heapUsed = Long.parseLong(h.group(2));
        }
        long direct = -1;
        Matcher o = OTHER.matcher(jcmd("VM.native_memory", "summary"));
        if (o.find()) {
            direct = Long.parseLong(o.group(2));
        }
        return new Sample(label, rss, fds, threads, heapUsed, heapCommitted, direct, stats());
    }

    /** The publish API's counters; empty if it did not answer within 5 s. */
    Map<String, Long> stats() {
        Map<String, Long> out = new TreeMap<>();
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(statsUrl).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
                flatten("", json.readTree(r.body()), out);
            }
        } catch (IOException e) {
            // reported as an empty map
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return out;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, Long> out) {
        if (node.isNumber()) {
            out.put(prefix, node.asLong());
        } else if (node.isObject()) {
            node.properties().forEach(e -> flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(),
                    e.getValue(), out));
        }
    }

    private String jcmd(String... command) {
        String[] argv = new String[command.length + 2];
        argv[0] = jcmd;
        argv[1] = Long.toString(pid);
        System.arraycopy(command, 0, argv, 2, command.length);
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
