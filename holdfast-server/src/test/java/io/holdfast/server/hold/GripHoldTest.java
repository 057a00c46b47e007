package io.holdfast.server.hold;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.holdfast.server.testing.Holdfast;
import io.holdfast.server.testing.StreamClients;
import io.holdfast.server.testing.TestOrigin;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GripHoldTest {
    private TestOrigin origin;
    private Holdfast holdfast;
    private StreamClients clients;

    @BeforeEach
    void start() throws Exception {
        origin = new TestOrigin();
        origin.handle("/poll", ex -> {
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.getResponseHeaders().add("Grip-Hold", "response");
            ex.getResponseHeaders().add("Grip-Channel", "updates");
            ex.getResponseHeaders().add("Grip-Timeout", "5");
            ex.getResponseHeaders().add("X-Kept", "yes");
            byte[] body = "{\"messages\": []}".getBytes();
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
        });
        origin.handle("/stream", ex -> {
            ex.getResponseHeaders().add("Content-Type", "text/plain");
            ex.getResponseHeaders().add("Grip-Hold", "stream");
            ex.getResponseHeaders().add("Grip-Channel", "feed");
            byte[] body = "welcome\n".getBytes();
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
        });
        origin.handle("/sse", ex -> {
            ex.getResponseHeaders().add("Content-Type", "text/event-stream");
            ex.getResponseHeaders().add("Grip-Hold", "stream");
            ex.getResponseHeaders().add("Grip-Channel", "news");
            ex.getResponseHeaders().add("Grip-Keep-Alive", ":ka\\n\\n; format=cstring; timeout=1");
            ex.sendResponseHeaders(200, -1);
        });
        origin.handle("/big", ex -> {
            ex.getResponseHeaders().add("Content-Type", "text/plain");
            ex.getResponseHeaders().add("Grip-Hold", "stream");
            ex.getResponseHeaders().add("Grip-Channel", "feed");
            ex.sendResponseHeaders(200, 0);
            for (int i = 0; i < 30; i++) {
                ex.getResponseBody().write(("x".repeat(9_999) + "\n").getBytes());
            }
        });
        holdfast = Holdfast.start("* " + origin.target());
        clients = new StreamClients();
    }

    @AfterEach
    void stop() {
        clients.close();
        holdfast.close();
        origin.close();
    }

    private void awaitSubscriptions(long n) {
        await().atMost(Duration.ofSeconds(20)).until(() -> holdfast.server().pubsub().subscriptionCount() >= n);
    }

    @Test
    void longPollReceivesAPublishedResponse() throws Exception {
        CompletableFuture<HttpResponse<String>> poll = Holdfast.CLIENT.sendAsync(
                java.net.http.HttpRequest.newBuilder(holdfast.uri("/poll")).build(), HttpResponse.BodyHandlers.ofString());
        awaitSubscriptions(1);

        HttpResponse<String> published = holdfast.publish("""
                {"items":[{"channel":"updates","formats":{"http-response":
                  {"code":201,"headers":{"X-Pub":"1"},"body":"{\\"messages\\": [\\"hi\\"]}"}}}]}""");
        assertThat(published.statusCode()).isEqualTo(200);
        assertThat(published.body()).isEqualTo("Published\n");

        HttpResponse<String> r = poll.get(10, TimeUnit.SECONDS);
        assertThat(r.statusCode()).isEqualTo(201);
        assertThat(r.body()).isEqualTo("{\"messages\": [\"hi\"]}");
        assertThat(r.headers().firstValue("X-Pub")).contains("1");
        assertThat(r.headers().firstValue("X-Kept")).as("held response headers carry over").contains("yes");
        assertThat(r.headers().map().keySet()).noneMatch(h -> h.toLowerCase().startsWith("grip-"));
        await().until(() -> holdfast.server().pubsub().subscriptionCount() == 0);
        assertThat(holdfast.server().pubsub().channelCount()).isZero();
    }

    @Test
    void longPollTimesOutWithTheOriginsOwnResponse() throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> r = holdfast.get("/poll");
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"messages\": []}");
        assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(seconds).isBetween(4L, 9L);
    }

    @Test
    void thousandStreamMessagesArriveInOrder() throws Exception {
        StreamClients.Stream stream = clients.open(holdfast.port(), "/stream");
        awaitSubscriptions(1);
        StringBuilder expected = new StringBuilder("welcome\n");
        for (int i = 0; i < 1000; i++) {
            holdfast.publish("{\"items\":[{\"channel\":\"feed\",\"formats\":{\"http-stream\":{\"content\":\"m" + i + "\\n\"}}}]}");
            expected.append('m').append(i).append('\n');
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> stream.body().length() >= expected.length());
        assertThat(stream.body()).isEqualTo(expected.toString());
        assertThat(stream.head().headers().get("Transfer-Encoding")).isEqualTo("chunked");
    }

    @Test
    void thousandSseSubscribersEachReceiveOnePublish() throws Exception {
        List<StreamClients.Stream> streams = clients.open(holdfast.port(), "/sse", 1000);
        awaitSubscriptions(1000);
        holdfast.publish("{\"items\":[{\"channel\":\"news\",\"formats\":{\"http-stream\":{\"content\":\"data: flash\\n\\n\"}}}]}");
        await().atMost(Duration.ofSeconds(20)).until(() -> streams.stream().allMatch(s -> s.body().contains("data: flash\n\n")));
        assertThat(streams).allSatisfy(s -> {
            assertThat(s.head().status().code()).isEqualTo(200);
            assertThat(s.head().headers().get("Content-Type")).isEqualTo("text/event-stream");
            assertThat(s.body().split("data: flash", -1)).hasSize(2);
        });
    }

    @Test
    void keepAliveArrivesAtItsInterval() throws Exception {
        StreamClients.Stream stream = clients.open(holdfast.port(), "/sse");
        awaitSubscriptions(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> stream.body().contains(":ka\n\n"));
        await().atMost(Duration.ofSeconds(5)).until(() -> stream.body().split(":ka", -1).length >= 3);
    }

    @Test
    void aStreamsInitialBodyOfAnySizeStreamsThroughBeforePublishedContent() throws Exception {
        StreamClients.Stream stream = clients.open(holdfast.port(), "/big");
        awaitSubscriptions(1);
        holdfast.publish("{\"items\":[{\"channel\":\"feed\",\"formats\":{\"http-stream\":{\"content\":\"after\\n\"}}}]}");
        await().atMost(Duration.ofSeconds(10)).until(() -> stream.body().endsWith("after\n"));
        assertThat(stream.body()).hasSize(300_000 + "after\n".length());
        assertThat(stream.body()).startsWith("xxxx");
    }

    @Test
    void closeActionEndsTheStream() throws Exception {
        StreamClients.Stream stream = clients.open(holdfast.port(), "/stream");
        awaitSubscriptions(1);
        holdfast.publish("{\"items\":[{\"channel\":\"feed\",\"formats\":{\"http-stream\":{\"action\":\"close\"}}}]}");
        await().atMost(Duration.ofSeconds(5)).until(stream::ended);
        assertThat(stream.body()).isEqualTo("welcome\n");
        await().until(() -> holdfast.server().pubsub().subscriptionCount() == 0);
    }

    @Test
    void aRejectedPublishDeliversNothing() throws Exception {
        StreamClients.Stream stream = clients.open(holdfast.port(), "/stream");
        awaitSubscriptions(1);
        HttpResponse<String> r = holdfast.publish("""
                {"items":[{"channel":"feed","formats":{"http-stream":{"content":"first\\n"}}},
                          {"channel":"feed","formats":{"http-stream":{"content":7}}}]}""");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("item 1").contains("content");
        holdfast.publish("{\"items\":[{\"channel\":\"feed\",\"formats\":{\"http-stream\":{\"content\":\"second\\n\"}}}]}");
        await().until(() -> stream.body().contains("second"));
        assertThat(stream.body()).isEqualTo("welcome\nsecond\n");
    }
}
