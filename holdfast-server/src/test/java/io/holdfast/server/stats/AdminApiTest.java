package io.holdfast.server.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.holdfast.server.testing.Holdfast;
import io.holdfast.server.testing.StreamClients;
import io.holdfast.server.testing.TestOrigin;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The admin API, health and readiness, and the dashboard feed, over real sockets with publish_key set. */
class AdminApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "admin-secret";
    private static final String BASIC = "Basic " + Base64.getEncoder().encodeToString((":" + KEY).getBytes(StandardCharsets.UTF_8));

    private TestOrigin origin;
    private Holdfast holdfast;
    private StreamClients clients;
    private final LinkedBlockingQueue<String> connectionIds = new LinkedBlockingQueue<>();

    @BeforeEach
    void setUp() throws Exception {
        origin = new TestOrigin();
        origin.handle("/stream", ex -> {
            String user = ex.getRequestURI().getQuery();
            connectionIds.add(user + " " + ex.getRequestHeaders().getFirst("Grip-Connection-Id"));
            ex.getResponseHeaders().add("Content-Type", "text/event-stream");
            ex.getResponseHeaders().add("Grip-Hold", "stream");
            ex.getResponseHeaders().add("Grip-Channel", "news");
            ex.getResponseHeaders().add("Grip-Set-Meta", "user=\"" + user + "\"");
            ex.sendResponseHeaders(200, -1);
        });
        clients = new StreamClients();
        holdfast = Holdfast.start(b -> b.publishKey(KEY).historyChannels(List.of("news")), "* " + origin.target());
    }

    @AfterEach
    void tearDown() {
        clients.close();
        holdfast.close();
        origin.close();
    }

    @Test
    void healthAndReadyNeedNoAuthAndReadyFallsWhenShuttingDown() throws Exception {
        HttpResponse<String> health = send("GET", "/health", null);
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(health.body()).get("status").asText()).isEqualTo("ok");
        HttpResponse<String> ready = send("GET", "/ready", null);
        assertThat(ready.statusCode()).isEqualTo(200);
        JsonNode checks = JSON.readTree(ready.body()).get("checks");
        assertThat(checks.get("listeners").asText()).isEqualTo("ok");
        assertThat(checks.get("routes").asText()).isEqualTo("ok");

        holdfast.server().ops().health().addCheck("redis", () -> "redis unreachable");
        HttpResponse<String> notReady = send("GET", "/ready", null);
        assertThat(notReady.statusCode()).isEqualTo(503);
        assertThat(JSON.readTree(notReady.body()).get("checks").get("redis").asText()).isEqualTo("redis unreachable");
    }

    @Test
    void everyAdminEndpointAndMetricsRefuseRequestsWithoutTheKey() throws Exception {
        for (String path : List.of("/metrics", "/dashboard", "/admin/channels", "/admin/connections/x",
                "/admin/history?channel=news")) {
            HttpResponse<String> r = send("GET", path, null);
            assertThat(r.statusCode()).as(path).isEqualTo(401);
            assertThat(r.headers().allValues("WWW-Authenticate")).as(path).contains("Basic realm=\"holdfast\"");
        }
        assertThat(send("DELETE", "/admin/users/alice", "Basic " + Base64.getEncoder()
                .encodeToString(":wrong".getBytes(StandardCharsets.UTF_8))).statusCode()).isEqualTo(401);
        assertThat(send("GET", "/admin/channels", BASIC).statusCode()).isEqualTo(200);
    }

    @Test
    void listsChannelsShowsAConnectionReadsHistoryAndDisconnects() throws Exception {
        StreamClients.Stream alice1 = clients.open(holdfast.port(), "/stream?alice");
        StreamClients.Stream alice2 = clients.open(holdfast.port(), "/stream?alice");
        StreamClients.Stream bob = clients.open(holdfast.port(), "/stream?bob");
        await().atMost(Duration.ofSeconds(10)).until(() -> holdfast.server().pubsub().subscriptionCount() == 3);
        String aliceKey = null;
        String bobKey = null;
        for (int i = 0; i < 3; i++) {
            String[] seen = connectionIds.poll(5, TimeUnit.SECONDS).split(" ");
            if (seen[0].equals("bob")) {
                bobKey = seen[1];
            } else {
                aliceKey = seen[1];
            }
        }

        JsonNode channels = JSON.readTree(send("GET", "/admin/channels", BASIC).body()).get("channels");
        assertThat(channels).hasSize(1);
        assertThat(channels.get(0).get("channel").asText()).isEqualTo("news");
        assertThat(channels.get(0).get("subscribers").asInt()).isEqualTo(3);

        HttpResponse<String> shown = send("GET", "/admin/connections/" + bobKey, BASIC);
        assertThat(shown.statusCode()).isEqualTo(200);
        JsonNode conn = JSON.readTree(shown.body());
        assertThat(conn.get("connection").asText()).isEqualTo(bobKey);
        assertThat(conn.get("transport").asText()).isEqualTo("sse");
        assertThat(conn.get("channels").get(0).asText()).isEqualTo("news");
        assertThat(conn.get("meta").get("user").asText()).isEqualTo("bob");
        assertThat(conn.get("age_seconds").asLong()).isGreaterThanOrEqualTo(0);
        assertThat(send("GET", "/admin/connections/nobody", BASIC).statusCode()).isEqualTo(404);

        assertThat(publish("{\"items\":[{\"channel\":\"news\",\"id\":\"1\",\"formats\":{\"http-stream\":{\"content\":\"one\\n\"}}},"
                + "{\"channel\":\"news\",\"id\":\"2\",\"prev-id\":\"1\",\"formats\":{\"http-stream\":{\"content\":\"two\\n\"}}}]}"))
                .isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> bob.body().contains("two"));
        JsonNode history = JSON.readTree(send("GET", "/admin/history?channel=news", BASIC).body()).get("items");
        assertThat(history).hasSize(2);
        assertThat(history.get(0).get("id").asText()).isEqualTo("1");
        assertThat(history.get(1).get("formats").get("http-stream").get("content").asText()).isEqualTo("two\n");
        assertThat(send("GET", "/admin/history?channel=other", BASIC).statusCode()).isEqualTo(404);

        HttpResponse<String> users = send("GET", "/admin/users/alice", BASIC);
        assertThat(JSON.readTree(users.body()).get("connections")).hasSize(2);
        HttpResponse<String> dropAlice = send("DELETE", "/admin/users/alice", BASIC);
        assertThat(JSON.readTree(dropAlice.body()).get("disconnected").asInt()).isEqualTo(2);
        await().atMost(Duration.ofSeconds(10)).until(() -> alice1.closed() && alice2.closed());
        assertThat(bob.closed()).isFalse();
        assertThat(JSON.readTree(send("DELETE", "/admin/connections/" + bobKey, BASIC).body())
                .get("disconnected").asInt()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).until(bob::closed);
        assertThat(aliceKey).isNotEqualTo(bobKey);
        await().atMost(Duration.ofSeconds(10)).until(() -> holdfast.server().pubsub().subscriptionCount() == 0);
        assertThat(send("DELETE", "/admin/connections/" + bobKey, BASIC).statusCode()).isEqualTo(404);
    }

    @Test
    void dashboardServesItsPageAndAFeedThatCountsPublishes() throws Exception {
        HttpResponse<String> page = send("GET", "/dashboard", BASIC);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(page.body()).contains("EventSource(\"/dashboard/events\")");

        StreamClients.Stream feed = clients.openWithHeader(holdfast.server().publishPort(), "/dashboard/events",
                "Authorization", BASIC);
        await().atMost(Duration.ofSeconds(10)).until(() -> feed.body().contains("\"single node\""));
        publish("{\"items\":[{\"channel\":\"x\",\"formats\":{\"http-stream\":{\"content\":\"a\"}}}]}");
        await().atMost(Duration.ofSeconds(10)).until(() -> feed.body().contains("\"published\" : 1")
                || feed.body().contains("\"published\":1"));
        assertThat(feed.head().headers().get("Content-Type")).isEqualTo("text/event-stream");
    }

    private int publish(String body) throws Exception {
        return Holdfast.CLIENT.send(HttpRequest.newBuilder(holdfast.publishUri()).header("Authorization", BASIC)
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private HttpResponse<String> send(String method, String path, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + holdfast.server().publishPort() + path))
                .timeout(Duration.ofSeconds(10)).method(method, HttpRequest.BodyPublishers.noBody());
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return Holdfast.CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
