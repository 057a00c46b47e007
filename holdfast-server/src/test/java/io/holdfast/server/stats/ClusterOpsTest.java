package io.holdfast.server.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.holdfast.server.config.ClusterConfig;
import io.holdfast.server.testing.Holdfast;
import io.holdfast.server.testing.RedisServer;
import io.holdfast.server.testing.StreamClients;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The operations side of a cluster node, over real sockets with a real {@code redis-server}:
 * {@code /ready} follows Redis reachability, {@code /metrics} carries the cluster's figures.
 */
@Timeout(120)
class ClusterOpsTest {
    @RegisterExtension
    final RedisServer redis = new RedisServer();

    private final List<Holdfast> nodes = new ArrayList<>();
    private final StreamClients clients = new StreamClients();

    @AfterEach
    void stop() {
        clients.close();
        nodes.forEach(Holdfast::close);
    }

    private Holdfast node(String id) throws Exception {
        Holdfast n = Holdfast.start(b -> b.historyChannels(List.of("h*")).cluster(ClusterConfig.NONE.withRedisUrl(redis.url()).withNodeId(id)), "* test");
        nodes.add(n);
        return n;
    }

    private static HttpResponse<String> ops(Holdfast n, String path) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + n.server().publishPort() + path);
        return Holdfast.CLIENT.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void readyIsRefusedWhileRedisIsDownAndComesBackWithIt() throws Exception {
        Holdfast a = node("a");
        HttpResponse<String> up = ops(a, "/ready");
        assertThat(up.statusCode()).as(up.body()).isEqualTo(200);

        redis.kill();
        await().atMost(Duration.ofSeconds(15)).until(() -> ops(a, "/ready").statusCode() == 503);
        HttpResponse<String> down = ops(a, "/ready");
        assertThat(down.body()).contains("redis").contains("Redis is not reachable");
        assertThat(new MetricsText(ops(a, "/metrics").body()).value("holdfast_cluster_redis_connected")).isEqualTo(0);

        redis.start();
        // Lettuce's reconnect back-off is at most 30 s; the bound leaves room for one full wait.
        await().atMost(Duration.ofSeconds(45)).until(() -> ops(a, "/ready").statusCode() == 200);
        assertThat(new MetricsText(ops(a, "/metrics").body()).value("holdfast_cluster_redis_connected")).isEqualTo(1);
    }

    @Test
    void metricsCarryTheClusterFiguresAfterACrossNodePublish() throws Exception {
        Holdfast a = node("a");
        Holdfast b = node("b");
        StreamClients.Stream stream = clients.open(b.port(), "/stream?channel=x");
        await().atMost(Duration.ofSeconds(10)).until(() -> b.server().redisBus().orElseThrow().isSubscribed("x"));

        HttpResponse<String> r = a.publish("{\"items\":[{\"channel\":\"x\",\"formats\":{\"http-stream\":{\"content\":\"hello\\n\"}}}]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> stream.body().contains("hello"));

        MetricsText onA = new MetricsText(ops(a, "/metrics").body());
        assertThat(onA.value("holdfast_cluster_info", "node_id", "a")).isEqualTo(1);
        assertThat(onA.value("holdfast_cluster_published_total")).isEqualTo(1);
        assertThat(onA.value("holdfast_cluster_publish_failed_total")).isEqualTo(0);
        assertThat(onA.value("holdfast_publishes_total", "input", "http")).isEqualTo(1);
        assertThat(onA.value("holdfast_cluster_channels_subscribed")).isEqualTo(0);

        MetricsText onB = new MetricsText(ops(b, "/metrics").body());
        assertThat(onB.value("holdfast_cluster_info", "node_id", "b")).isEqualTo(1);
        assertThat(onB.value("holdfast_cluster_redis_connected")).isEqualTo(1);
        // x, plus the stream's implicit conn: channel (disconnects reach it from any node)
        assertThat(onB.value("holdfast_cluster_channels_subscribed")).isGreaterThanOrEqualTo(1);
        assertThat(onB.value("holdfast_cluster_received_total")).isEqualTo(1);
        assertThat(onB.value("holdfast_cluster_gaps_total")).isEqualTo(0);
        assertThat(onB.value("holdfast_cluster_replayed_from_history_total")).isEqualTo(0);
        assertThat(onB.value("holdfast_publishes_total", "input", "cluster")).isEqualTo(1);
        assertThat(onB.value("holdfast_publishes_total", "input", "http")).isEqualTo(0);
        String text = ops(b, "/metrics").body();
        assertThat(text).doesNotContain("channel=\"x\"");
    }

    @Test
    void adminHistoryOnAnyNodeReadsTheChannelsStreamInRedis() throws Exception {
        Holdfast a = node("a");
        Holdfast b = node("b");
        for (String id : List.of("1", "2")) {
            HttpResponse<String> r = a.publish("{\"items\":[{\"channel\":\"h1\",\"id\":\"" + id
                    + "\",\"formats\":{\"http-stream\":{\"content\":\"m" + id + "\\n\"}}}]}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        }
        HttpResponse<String> history = ops(b, "/admin/history?channel=h1");
        assertThat(history.statusCode()).as(history.body()).isEqualTo(200);
        com.fasterxml.jackson.databind.JsonNode items =
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(history.body()).get("items");
        assertThat(items).hasSize(2);
        assertThat(items.get(0).get("id").asText()).isEqualTo("1");
        assertThat(items.get(1).get("formats").get("http-stream").get("content").asText()).isEqualTo("m2\n");
        assertThat(ops(b, "/admin/history?channel=other").statusCode()).isEqualTo(404);

        redis.kill();
        await().atMost(Duration.ofSeconds(15)).until(() -> ops(b, "/admin/history?channel=h1").statusCode() == 503);
    }

    @Test
    void dashboardFeedShowsThisNodeAndWhetherRedisIsConnected() throws Exception {
        Holdfast a = node("a");
        StreamClients.Stream feed = clients.open(a.server().publishPort(), "/dashboard/events");
        await().atMost(Duration.ofSeconds(10)).until(() -> feed.body().contains("a (this node, Redis connected)"));
        assertThat(feed.body()).contains("\"mode\":\"cluster\"");

        redis.kill();
        await().atMost(Duration.ofSeconds(15)).until(() -> feed.body().contains("a (this node, Redis NOT connected)"));
    }
}
