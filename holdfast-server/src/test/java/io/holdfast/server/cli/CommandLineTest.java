package io.holdfast.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.server.config.HoldfastConfig;
import io.holdfast.server.config.ListenAddress;
import io.holdfast.server.testing.HoldfastExtension;
import io.holdfast.server.testing.StreamClients;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

class CommandLineTest {

    @RegisterExtension
    static final HoldfastExtension HF = HoldfastExtension.withRoutes("* test");

    @Test
    void runOptionsOverrideTheDefaults() throws Exception {
        RunCommand run = new RunCommand();
        new CommandLine(run).parseArgs("--port", "127.0.0.1:9000", "--route", "* a:1", "--route", "x.com b:2",
                "--log-level", "3", "--publish-port", "5999");
        HoldfastConfig c = run.buildConfig();
        assertThat(c.httpListeners()).containsExactly(new ListenAddress("127.0.0.1", 9000));
        assertThat(c.routeSpecs()).containsExactly("* a:1", "x.com b:2");
        assertThat(c.logLevel()).isEqualTo("debug");
        assertThat(c.publishListener()).isEqualTo(new ListenAddress("127.0.0.1", 5999));
    }

    @Test
    void bareRunUsesPushpinsPorts() throws Exception {
        RunCommand run = new RunCommand();
        new CommandLine(run).parseArgs();
        HoldfastConfig c = run.buildConfig();
        assertThat(c.httpListeners()).containsExactly(new ListenAddress("0.0.0.0", 7999));
        assertThat(c.publishListener()).isEqualTo(new ListenAddress("127.0.0.1", 5561));
        assertThat(c.routeSpecs()).isEmpty();
        assertThat(c.routesFile()).isNull();
    }

    @Test
    void publishCommandPostsAnSseEventAndPrintsTheAnswer() throws Exception {
        try (StreamClients clients = new StreamClients()) {
            StreamClients.Stream stream = clients.open(HF.port(), "/stream?channel=cli");
            Awaitility.await().until(() -> HF.server().pubsub().subscriptionCount() == 1);

            ByteArrayOutputStream out = new ByteArrayOutputStream();
            PrintStream saved = System.out;
            int code;
            try {
                System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
                code = new CommandLine(new PublishCommand()).execute("--url", "http://127.0.0.1:" + HF.server().publishPort(),
                        "--sse", "--event", "note", "--id", "7", "cli", "two\nlines");
            } finally {
                System.setOut(saved);
            }
            assertThat(code).isZero();
            assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("Published\n");
            Awaitility.await().atMost(Duration.ofSeconds(5))
                    .until(() -> stream.body().endsWith("event: note\nid: 7\ndata: two\ndata: lines\n\n"));
        }
    }
}
