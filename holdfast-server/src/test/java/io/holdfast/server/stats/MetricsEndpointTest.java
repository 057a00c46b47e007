package io.holdfast.server.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.holdfast.server.config.ListenAddress;
import io.holdfast.server.config.MetricsConfig;
import io.holdfast.server.testing.Holdfast;
import io.holdfast.server.testing.StreamClients;
import io.holdfast.server.testing.TestOrigin;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** /metrics on the publish port and Pushpin's prometheus_port, read after real traffic. */
class MetricsEndpointTest {
    private TestOrigin origin;
    private Holdfast holdfast;
    private StreamClients clients;

    @BeforeEach
    void setUp() throws Exception {
        origin = new TestOrigin();
        origin.handle("/stream", ex -> {
            ex.getResponseHeaders().add("Content-Type", "text/plain");
            ex.getResponseHeaders().add("Grip-Hold", "stream");
            ex.getResponseHeaders().add("Grip-Channel", "news");
            ex.sendResponseHeaders(200, -1);
        });
        origin.handle("/plain", ex -> {
            byte[] body = "hello".getBytes();
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
        });
        clients = new StreamClients();
        holdfast = Holdfast.start(b -> b.metrics(new MetricsConfig(new ListenAddress("127.0.0.1", 0), "pushpin_")),
                "*,id=main " + origin.target());
    }

    @AfterEach
    void tearDown() {
        clients.close();
        holdfast.close();
        origin.close();
    }

    @Test
    void countsAStreamAPublishAndAProxiedRequest() throws Exception {
        StreamClients.Stream stream = clients.open(holdfast.port(), "/stream");
        await().atMost(Duration.ofSeconds(10)).until(() -> holdfast.server().pubsub().subscriptionCount() == 1);
        assertThat(holdfast.get("/plain").body()).isEqualTo("hello");
        assertThat(holdfast.publish("{\"items\":[{\"channel\":\"news\",\"formats\":{\"http-stream\":{\"content\":\"hi\\n\"}}}]}")
                .statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> stream.body().contains("hi\n"));

        MetricsText m = scrape(publishPortUri("/metrics"));
        // Pushpin's names, without the client library's _total suffix, as Pushpin writes them.
        assertThat(m.type("pushpin_request_received")).isEqualTo("counter");
        assertThat(m.value("pushpin_request_received")).isGreaterThanOrEqualTo(2);
        assertThat(m.type("pushpin_connection_connected")).isEqualTo("gauge");
        assertThat(m.value("pushpin_connection_connected")).isGreaterThanOrEqualTo(1);
        assertThat(m.value("pushpin_connection_minute")).isGreaterThanOrEqualTo(2);
        assertThat(m.value("pushpin_message_received")).isEqualTo(1);
        assertThat(m.value("pushpin_message_sent")).isEqualTo(1);
        // Holdfast's own.
        assertThat(m.value("holdfast_connections_open", "transport", "http-stream")).isEqualTo(1);
        assertThat(m.value("holdfast_connections_open", "transport", "websocket")).isZero();
        assertThat(m.value("holdfast_subscriptions")).isEqualTo(1);
        assertThat(m.value("holdfast_publishes_total", "input", "http")).isEqualTo(1);
        assertThat(m.value("holdfast_deliveries_total", "transport", "http-stream")).isEqualTo(1);
        assertThat(m.value("holdfast_publish_to_write_seconds_count")).isEqualTo(1);
        assertThat(m.value("holdfast_origin_response_seconds_count", "route", "main", "status", "200")).isEqualTo(2);
        assertThat(m.value("holdfast_dropped_total", "reason", "duplicate")).isZero();
        assertThat(m.value("holdfast_cut_offs_total", "reason", "slow_subscriber")).isZero();
        assertThat(m.has("jvm_memory_used_bytes")).isTrue();
    }

    @Test
    void prometheusPortAnswersAnyPathWithoutAuthAndClosedStreamsLeaveTheGauge() throws Exception {
        int port = holdfast.server().prometheusAddress().orElseThrow().getPort();
        StreamClients.Stream stream = clients.open(holdfast.port(), "/stream");
        await().atMost(Duration.ofSeconds(10)).until(() -> holdfast.server().pubsub().subscriptionCount() == 1);
        MetricsText m = scrape(URI.create("http://127.0.0.1:" + port + "/anything"));
        assertThat(m.value("holdfast_connections_open", "transport", "http-stream")).isEqualTo(1);
        stream.channel().close().sync();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                scrape(URI.create("http://127.0.0.1:" + port + "/metrics"))
                        .value("holdfast_connections_open", "transport", "http-stream")).isZero());
        HttpResponse<String> post = Holdfast.CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
    }

    private URI publishPortUri(String path) {
        return URI.create("http://127.0.0.1:" + holdfast.server().publishPort() + path);
    }

    static MetricsText scrape(URI uri) throws Exception {
        HttpResponse<String> r = Holdfast.CLIENT.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain; version=0.0.4");
        return new MetricsText(r.body());
    }
}
