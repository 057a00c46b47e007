package io.holdfast.server.hold;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.holdfast.server.testing.Holdfast;
import io.holdfast.server.testing.TestOrigin;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Pushpin parity for long-polls (issue 12): request bodies kept for retries, the 100,000-byte limit
 * on held request bodies, {@code Grip-Expose-Headers} against published headers, JSON-P callbacks.
 */
class HoldParityTest {
    private TestOrigin origin;
    private Holdfast holdfast;

    @BeforeEach
    void start() throws Exception {
        origin = new TestOrigin();
        holdfast = Holdfast.start("*,aco " + origin.target());
    }

    @AfterEach
    void stop() {
        holdfast.close();
        origin.close();
    }

    private static void respond(com.sun.net.httpserver.HttpExchange ex, int code, String body) throws java.io.IOException {
        byte[] b = body.getBytes();
        ex.sendResponseHeaders(code, b.length == 0 ? -1 : b.length);
        if (b.length > 0) {
            ex.getResponseBody().write(b);
        }
    }

    private CompletableFuture<HttpResponse<String>> post(String path, String body) {
        return Holdfast.CLIENT.sendAsync(HttpRequest.newBuilder(holdfast.uri(path)).timeout(Duration.ofSeconds(20))
                        .header("Content-Type", "text/plain").header("X-Client", "yes")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aHeldPostIsRetriedWithItsMethodHeadersBodyAndAFreshGripSig() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        origin.handle("/poll", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes());
            seen.add(ex.getRequestMethod() + " " + body + " " + ex.getRequestHeaders().getFirst("X-Client") + " "
                    + ex.getRequestHeaders().getFirst("Grip-Last") + " " + ex.getRequestHeaders().getFirst("Grip-Sig"));
            if (calls.incrementAndGet() == 1) {
                ex.getResponseHeaders().add("Grip-Hold", "response");
                ex.getResponseHeaders().add("Grip-Channel", "c; prev-id=1");
                respond(ex, 200, "timeout");
            } else {
                respond(ex, 200, "retried with " + body);
            }
        });
        CompletableFuture<HttpResponse<String>> poll = post("/poll", "the request body");
        await().until(() -> holdfast.server().pubsub().hasSubscribers("c"));
        holdfast.publish("{\"items\":[{\"channel\":\"c\",\"id\":\"2\",\"prev-id\":\"1\","
                + "\"formats\":{\"http-response\":{\"action\":\"hint\"}}}]}");

        HttpResponse<String> r = poll.get(10, TimeUnit.SECONDS);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("retried with the request body");
        assertThat(seen).hasSize(2);
        assertThat(seen.get(0)).startsWith("POST the request body yes null ");
        assertThat(seen.get(1)).startsWith("POST the request body yes c; last-id=1 ");
        String firstSig = seen.get(0).substring(seen.get(0).lastIndexOf(' ') + 1);
        String retrySig = seen.get(1).substring(seen.get(1).lastIndexOf(' ') + 1);
        assertThat(retrySig).isNotBlank().isNotEqualTo("null");
        assertThat(firstSig).isNotBlank().isNotEqualTo("null");
    }

    @Test
    void aHeldPostIsRetriedOnRecoverWithItsBody() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        origin.handle("/poll", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes());
            if (calls.incrementAndGet() == 1) {
                ex.getResponseHeaders().add("Grip-Hold", "response");
                ex.getResponseHeaders().add("Grip-Channel", "c");
                respond(ex, 200, "timeout");
            } else {
                respond(ex, 200, "recovered " + body);
            }
        });
        CompletableFuture<HttpResponse<String>> poll = post("/poll", "x=1");
        await().until(() -> holdfast.server().pubsub().hasSubscribers("c"));
        holdfast.server().pubsub().recover();
        assertThat(poll.get(10, TimeUnit.SECONDS).body()).isEqualTo("recovered x=1");
    }

    @Test
    void aRequestBodyOver100000BytesThatWouldBeHeldGets400AtOnce() throws Exception {
        origin.handle("/poll", ex -> {
            ex.getRequestBody().readAllBytes();
            ex.getResponseHeaders().add("Grip-Hold", "response");
            ex.getResponseHeaders().add("Grip-Channel", "c");
            respond(ex, 200, "timeout");
        });
        HttpResponse<String> big = post("/poll", "x".repeat(100_001)).get(10, TimeUnit.SECONDS);
        assertThat(big.statusCode()).isEqualTo(400);
        assertThat(big.body()).contains("Request too large to accept GRIP instruct.");
        // The same without Content-Length (chunked): counted as it passes.
        byte[] chunked = "y".repeat(100_001).getBytes();
        HttpResponse<String> streamed = Holdfast.CLIENT.send(HttpRequest.newBuilder(holdfast.uri("/poll"))
                .timeout(Duration.ofSeconds(20)).POST(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new java.io.ByteArrayInputStream(chunked))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(streamed.statusCode()).isEqualTo(400);
        assertThat(holdfast.server().pubsub().hasSubscribers("c")).isFalse();

        CompletableFuture<HttpResponse<String>> fits = post("/poll", "x".repeat(100_000));
        await().until(() -> holdfast.server().pubsub().hasSubscribers("c"));
        holdfast.publish("{\"items\":[{\"channel\":\"c\",\"formats\":{\"http-response\":{\"body\":\"held\"}}}]}");
        assertThat(fits.get(10, TimeUnit.SECONDS).body()).isEqualTo("held");
    }

    @Test
    void exposeHeadersFiltersTheOriginsHeadersButNeverThePublishedOnes() throws Exception {
        origin.handle("/poll", ex -> {
            ex.getResponseHeaders().add("Grip-Hold", "response");
            ex.getResponseHeaders().add("Grip-Channel", "c");
            ex.getResponseHeaders().add("Grip-Expose-Headers", "X-Keep");
            ex.getResponseHeaders().add("X-Keep", "origin");
            ex.getResponseHeaders().add("X-Drop", "origin");
            respond(ex, 200, "timeout");
        });
        CompletableFuture<HttpResponse<String>> poll = Holdfast.CLIENT.sendAsync(
                HttpRequest.newBuilder(holdfast.uri("/poll")).build(), HttpResponse.BodyHandlers.ofString());
        await().until(() -> holdfast.server().pubsub().hasSubscribers("c"));
        holdfast.publish("{\"items\":[{\"channel\":\"c\",\"formats\":{\"http-response\":{\"body\":\"hi\","
                + "\"headers\":{\"X-Published\":\"pub\",\"X-Drop\":\"pub\"}}}}]}");
        HttpResponse<String> r = poll.get(10, TimeUnit.SECONDS);
        assertThat(r.body()).isEqualTo("hi");
        assertThat(r.headers().firstValue("X-Keep")).contains("origin");
        assertThat(r.headers().firstValue("X-Published")).contains("pub");
        assertThat(r.headers().allValues("X-Drop")).containsExactly("pub");
    }

    @Test
    void anEmptyJsonpCallbackIsRefusedWithoutReachingTheOrigin() throws Exception {
        origin.handle("/plain", ex -> respond(ex, 200, "origin"));
        HttpResponse<String> r = holdfast.get("/plain?callback=&x=1");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("Invalid callback parameter.");
        assertThat(origin.requestCount()).isZero();
        assertThat(holdfast.get("/plain?callback=cb").body()).startsWith("/**/cb(");
    }

    @Test
    void origHeadersNeedMarkCopiesListedHeadersOnlyWhenTheClientSentThemMarked() throws Exception {
        origin.handle("/plain", ex -> respond(ex, 200, "ok"));
        try (Holdfast marked = Holdfast.start(b -> b.origHeadersNeedMark(List.of("X-Real-IP")),
                "*,orig_headers " + origin.target())) {
            Holdfast.CLIENT.send(HttpRequest.newBuilder(marked.uri("/plain")).header("X-Real-IP", "6.6.6.6")
                    .header("Eb9bf0f5-X-Real-IP", "198.51.100.1").header("X-Other", "o").build(),
                    HttpResponse.BodyHandlers.ofString());
            TestOrigin.Seen seen = origin.nextRequest();
            assertThat(seen.headers().get("Eb9bf0f5-x-real-ip")).containsExactly("198.51.100.1");
            assertThat(seen.headers().get("Eb9bf0f5-x-other")).containsExactly("o");
            assertThat(seen.headers().containsKey("Eb9bf0f5-eb9bf0f5-x-real-ip")).isFalse();
        }
        // A route without orig_headers drops marked headers a client made up.
        Holdfast.CLIENT.send(HttpRequest.newBuilder(holdfast.uri("/plain")).header("Eb9bf0f5-X-Real-IP", "forged")
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(origin.nextRequest().headers().containsKey("Eb9bf0f5-x-real-ip")).isFalse();
    }
}
