package io.holdfast.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.holdfast.server.config.ConfigException;
import io.holdfast.server.config.HoldfastConfig;
import io.holdfast.server.config.ListenAddress;
import io.holdfast.server.testing.Holdfast;
import io.holdfast.server.testing.StreamClients;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** HOLDFAST_<SECTION>_<KEY> settings, Pushpin's runner flags, and GRIP_URL for the publish command. */
class OperatorConfigTest {
    @TempDir
    Path dir;

    private HoldfastConfig build(Map<String, String> env, String... args) throws ConfigException {
        RunCommand run = new RunCommand();
        run.environment = env;
        new CommandLine(run).parseArgs(args);
        return run.buildConfig();
    }

    @Test
    void environmentBeatsTheFileAndTheCommandLineBeatsBoth() throws Exception {
        Path conf = dir.resolve("pushpin.conf");
        Files.writeString(conf, "[runner]\nhttp_port=7001\n[proxy]\nsig_key=from-file\n[holdfast]\nhistory_size=5\n");
        Map<String, String> env = Map.of("HOLDFAST_RUNNER_HTTP_PORT", "127.0.0.1:7002",
                "holdfast_proxy_sig_key", "from-env", "HOLDFAST_PROXY_PROMETHEUS_PORT", "127.0.0.1:9100",
                "HOLDFAST_JAVA_OPTS", "-Xmx1g", "PATH", "/usr/bin");
        HoldfastConfig c = build(env, "--config", conf.toString());
        assertThat(c.httpListeners()).containsExactly(new ListenAddress("127.0.0.1", 7002));
        assertThat(c.sigKey()).isEqualTo("from-env");
        assertThat(c.historySize()).isEqualTo(5);
        assertThat(c.metrics().prometheusListener()).isEqualTo(new ListenAddress("127.0.0.1", 9100));

        HoldfastConfig flags = build(env, "--config", conf.toString(), "--port", "127.0.0.1:7003");
        assertThat(flags.httpListeners()).containsExactly(new ListenAddress("127.0.0.1", 7003));
    }

    @Test
    void environmentWorksWithoutAFileAndABadValueNamesTheVariable() throws Exception {
        HoldfastConfig c = build(Map.of("HOLDFAST_HANDLER_PUSH_IN_HTTP_PORT", "5999", "HOLDFAST_HOLDFAST_LOG_FORMAT", "json",
                "HOLDFAST_HANDLER_PROMETHEUS_PREFIX", "pushpin_"));
        assertThat(c.publishListener().port()).isEqualTo(5999);
        assertThat(c.jsonLogs()).isTrue();
        assertThat(c.metrics().prometheusPrefix()).isEqualTo("pushpin_");
        assertThatThrownBy(() -> build(Map.of("HOLDFAST_RUNNER_CLIENT_MAXCONN", "lots")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("HOLDFAST_RUNNER_CLIENT_MAXCONN");
    }

    @Test
    void pushpinRunnerFlagsAreAccepted() throws Exception {
        HoldfastConfig c = build(Map.of(), "--port=127.0.0.1:7101", "--port", "127.0.0.1:7102,7103", "--loglevel", "4",
                "--id", "node-1", "--logfile", dir.resolve("h.log").toString(), "--merge-output", "--log-format", "json");
        assertThat(c.httpListeners()).containsExactly(new ListenAddress("127.0.0.1", 7101),
                new ListenAddress("127.0.0.1", 7102), new ListenAddress("0.0.0.0", 7103));
        assertThat(c.logLevel()).isEqualTo("trace");
        assertThat(c.jsonLogs()).isTrue();
        assertThat(build(Map.of(), "--verbose").logLevel()).isEqualTo("debug");
    }

    @Test
    void publishReadsGripUrlWithItsKey() throws Exception {
        try (Holdfast hf = Holdfast.start(b -> b.publishKey("s3cret"), "* test"); StreamClients clients = new StreamClients()) {
            StreamClients.Stream stream = clients.open(hf.port(), "/stream?channel=env");
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> hf.server().pubsub().subscriptionCount() == 1);
            String base = "http://127.0.0.1:" + hf.server().publishPort();
            assertThat(publish(Map.of("GRIP_URL", base), "env", "refused")).isEqualTo(1);
            assertThat(publish(Map.of("GRIP_URL", base + "/?iss=ops&key=s3cret"), "env", "from GRIP_URL")).isZero();
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> stream.body().contains("from GRIP_URL"));
        }
    }

    private static int publish(Map<String, String> env, String... args) {
        PublishCommand cmd = new PublishCommand();
        cmd.environment = env;
        PrintStream saved = System.out;
        try {
            System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            return new CommandLine(cmd).execute(args);
        } finally {
            System.setOut(saved);
        }
    }
}
