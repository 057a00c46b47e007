package io.holdfast.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.holdfast.server.testing.Holdfast;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The logging flags acted on in a real process (they reconfigure Logback, which a test JVM shares):
 * --logfile with --log-format json, --id and --merge-output; and a user's own Logback file winning
 * over --loglevel.
 */
class RunnerProcessTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PUBLISH_PORT = Pattern.compile("publish API on 127\\.0\\.0\\.1:(\\d+)");

    @TempDir
    Path dir;

    private Process start(List<String> jvmArgs, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx256m");
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Main.class.getName());
        cmd.addAll(List.of("--port", "127.0.0.1:0", "--publish-port", "127.0.0.1:0"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(dir.resolve("stdout").toFile())
                .redirectError(dir.resolve("stderr").toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("HOLDFAST_"));
        // ZeroMQ's default ports are fixed and may be taken by another test; turned off the operator's way.
        pb.environment().put("HOLDFAST_HOLDFAST_ZMQ", "false");
        return pb.start();
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "";
        }
    }

    @Test
    void jsonLinesGoToTheLogFileWithTheIdAndHealthShowsIt() throws Exception {
        Path log = dir.resolve("holdfast.log");
        Process p = start(List.of(), "--logfile", log.toString(), "--log-format", "json", "--id", "edge-7",
                "--merge-output");
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> PUBLISH_PORT.matcher(read(log)).find() || !p.isAlive());
            assertThat(p.isAlive()).as("holdfast exited: %s", read(log)).isTrue();
            String first = read(log).lines().filter(l -> l.contains("publish API on")).findFirst().orElseThrow();
            JsonNode line = JSON.readTree(first);
            assertThat(line.get("level").asText()).isEqualTo("INFO");
            assertThat(line.get("formattedMessage").asText()).contains("listening for clients");
            assertThat(first).contains("edge-7");
            Matcher m = PUBLISH_PORT.matcher(first);
            assertThat(m.find()).isTrue();
            HttpResponse<String> health = Holdfast.CLIENT.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + m.group(1) + "/health")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(JSON.readTree(health.body()).get("id").asText()).isEqualTo("edge-7");
        } finally {
            stop(p);
        }
        assertThat(read(dir.resolve("stdout"))).isEmpty();
        assertThat(read(dir.resolve("stderr"))).isEmpty();
    }

    @Test
    void aUsersLogbackFileWinsOverLogLevel() throws Exception {
        Path xml = dir.resolve("logback-user.xml");
        Files.writeString(xml, """
                <configuration>
                  <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                    <encoder><pattern>USER %level %msg%n</pattern></encoder>
                  </appender>
                  <root level="INFO"><appender-ref ref="OUT"/></root>
                </configuration>
                """);
        Process p = start(List.of("-Dlogback.configurationFile=" + xml), "--loglevel", "error");
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> read(dir.resolve("stdout")).contains("publish API on")
                    || !p.isAlive());
            assertThat(p.isAlive()).as("holdfast exited: %s %s", read(dir.resolve("stdout")), read(dir.resolve("stderr")))
                    .isTrue();
            assertThat(read(dir.resolve("stdout"))).contains("USER INFO Holdfast").contains("USER INFO logging is configured by");
        } finally {
            stop(p);
        }
    }
}
