package io.holdfast.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.holdfast.server.config.ClusterConfig;
import io.holdfast.server.testing.Holdfast;
import io.holdfast.server.testing.RedisServer;
import io.holdfast.server.testing.StreamClients;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of a node: it runs as a real process (the same classes, started by {@code java}),
 * so it dies without any goodbye; its SSE client reconnects to another node and resumes from the
 * history in Redis with no gap and no repeat.
 */
@Timeout(90)
class NodeCrashTest {
    @RegisterExtension
    final RedisServer redis = new RedisServer();

    @TempDir
    Path dir;

    private Process victim;
    private Holdfast survivor;
    private final StreamClients clients = new StreamClients();

    @AfterEach
    void stop() throws InterruptedException {
        clients.close();
        if (survivor != null) {
            survivor.close();
        }
        if (victim != null) {
            victim.destroyForcibly();
            victim.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private Process startNodeProcess(int port, int publishPort) throws Exception {
        Path conf = dir.resolve("pushpin.conf");
        Files.writeString(conf, """
                [runner]
                http_port=127.0.0.1:%d
                [handler]
                push_in_http_addr=127.0.0.1
                push_in_http_port=%d
                [holdfast]
                zmq=false
                history_channels=h*
                [cluster]
                node_id=victim
                """.formatted(port, publishPort));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                "io.holdfast.server.cli.Main", "--config", conf.toString(), "--redis", redis.url(), "--route", "* test")
                .redirectErrorStream(true).redirectOutput(dir.resolve("victim.log").toFile()).start();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            if (!p.isAlive()) {
                throw new IllegalStateException("node process exited: " + Files.readString(dir.resolve("victim.log")));
            }
            try (Socket s = new Socket("127.0.0.1", publishPort)) {
                return true;
            } catch (IOException e) {
                return false;
            }
        });
        return p;
    }

    private void publish(String id, String prevId, String content) throws Exception {
        HttpResponse<String> r = survivor.publish("{\"items\":[{\"channel\":\"hk\",\"id\":\"" + id + "\""
                + (prevId == null ? "" : ",\"prev-id\":\"" + prevId + "\"")
                + ",\"formats\":{\"http-stream\":{\"content\":\"" + content + "\\n\"}}}]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    @Test
    void anSseClientOfAKilledNodeResumesOnAnotherWithNoGap() throws Exception {
        int port = freePort();
        victim = startNodeProcess(port, freePort());
        survivor = Holdfast.start(b -> b.historyChannels(List.of("h*"))
                .cluster(ClusterConfig.NONE.withRedisUrl(redis.url()).withNodeId("survivor")), "* test");

        StreamClients.Stream first = clients.open(port, "/sse?channel=hk");
        await().atMost(Duration.ofSeconds(10)).until(() -> redis.subscribers("holdfast:{hk}") == 1);
        publish("1", null, "one");
        publish("2", "1", "two");
        await().until(() -> first.body().contains("two"));

        victim.destroyForcibly(); // SIGKILL
        assertThat(victim.waitFor(10, TimeUnit.SECONDS)).isTrue();
        await().until(first::closed);
        publish("3", "2", "three");
        publish("4", "3", "four");

        StreamClients.Stream resumed = clients.openWithHeader(survivor.port(), "/sse?channel=hk", "Last-Event-ID", "2");
        await().until(() -> resumed.body().contains("four"));
        publish("5", "4", "five");
        await().until(() -> resumed.body().contains("five"));
        String body = resumed.body();
        assertThat(body).doesNotContain("one").doesNotContain("two");
        assertThat(body.indexOf("three")).isLessThan(body.indexOf("four"));
        assertThat(body.indexOf("four")).isLessThan(body.indexOf("five"));
        assertThat(body.split("three", -1)).hasSize(2);
        assertThat(body.split("four", -1)).hasSize(2);
    }
}
