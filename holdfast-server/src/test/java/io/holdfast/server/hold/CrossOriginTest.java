package io.holdfast.server.hold;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.holdfast.server.testing.Holdfast;
import io.holdfast.server.testing.TestOrigin;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Auto cross-origin and JSON-P (spec 5.4), on proxied responses and long-polls. */
class CrossOriginTest {
    private TestOrigin origin;
    private Holdfast holdfast;

    @BeforeEach
    void start() throws Exception {
        origin = new TestOrigin();
        origin.handle("/plain", ex -> {
            byte[] in = ex.getRequestBody().readAllBytes();
            ex.getResponseHeaders().add("X-App", "1");
            ex.getResponseHeaders().add("Content-Type", "text/plain");
            byte[] body = (ex.getRequestMethod() + " " + ex.getRequestURI() + " " + new String(in)).getBytes();
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
        });
        origin.handle("/poll", ex -> {
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.getResponseHeaders().add("Grip-Hold", "response");
            ex.getResponseHeaders().add("Grip-Channel", "c");
            byte[] body = "{}".getBytes();
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
        });
        holdfast = Holdfast.start("*,aco " + origin.target());
    }

    @AfterEach
    void stop() {
        holdfast.close();
        origin.close();
    }

    @Test
    void corsHeadersAreAddedToProxiedResponses() throws Exception {
        HttpResponse<String> r = Holdfast.CLIENT.send(HttpRequest.newBuilder(holdfast.uri("/plain"))
                .header("Origin", "https://app.example").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).contains("https://app.example");
        assertThat(r.headers().firstValue("Access-Control-Allow-Credentials")).contains("true");
        assertThat(r.headers().firstValue("Access-Control-Expose-Headers")).hasValueSatisfying(v -> assertThat(v).containsIgnoringCase("X-App"));
        assertThat(r.headers().firstValue("Access-Control-Max-Age")).contains("3600");
    }

    @Test
    void jsonpDescribesTheRequestAndWrapsTheResponse() throws Exception {
        HttpResponse<String> r = holdfast.get("/plain?x=1&callback=cb&_method=POST&_body=hello");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).contains("application/javascript");
        assertThat(r.body()).startsWith("/**/cb({\"code\":200,\"reason\":\"OK\",\"headers\":{")
                .contains("\"body\":\"POST /plain?x=1 hello\"").endsWith(");\n");
    }

    @Test
    void aBodyPatchIsAppliedToTheTimeoutBody() throws Exception {
        CompletableFuture<HttpResponse<String>> poll = Holdfast.CLIENT.sendAsync(
                HttpRequest.newBuilder(holdfast.uri("/poll")).build(), HttpResponse.BodyHandlers.ofString());
        await().until(() -> holdfast.server().pubsub().subscriptionCount() == 1);
        holdfast.publish("{\"items\":[{\"channel\":\"c\",\"formats\":{\"http-response\":"
                + "{\"body-patch\":[{\"op\":\"add\",\"path\":\"/n\",\"value\":2}]}}}]}");
        assertThat(poll.get(10, TimeUnit.SECONDS).body()).isEqualTo("{\"n\":2}");
    }

    @Test
    void origHeadersGivesTheOriginAMarkedCopyOfEveryClientHeader() throws Exception {
        holdfast.close();
        holdfast = Holdfast.start("*,orig_headers " + origin.target());
        Holdfast.CLIENT.send(HttpRequest.newBuilder(holdfast.uri("/plain")).header("Accept-Encoding", "gzip")
                .build(), HttpResponse.BodyHandlers.ofString());
        TestOrigin.Seen seen = origin.nextRequest();
        assertThat(seen.headers().getFirst("Eb9bf0f5-accept-encoding")).isEqualTo("gzip");
        assertThat(seen.headers().containsKey("Accept-encoding")).isFalse();
    }

    @Test
    void aJsonpLongPollGetsThePublishedResponseAsAScript() throws Exception {
        CompletableFuture<HttpResponse<String>> poll = Holdfast.CLIENT.sendAsync(
                HttpRequest.newBuilder(holdfast.uri("/poll?callback=handle")).build(), HttpResponse.BodyHandlers.ofString());
        await().until(() -> holdfast.server().pubsub().subscriptionCount() == 1);
        holdfast.publish("{\"items\":[{\"channel\":\"c\",\"formats\":{\"http-response\":{\"body\":\"{\\\"n\\\":1}\"}}}]}");
        HttpResponse<String> r = poll.get(10, TimeUnit.SECONDS);
        assertThat(r.headers().firstValue("Content-Type")).contains("application/javascript");
        assertThat(r.body()).startsWith("/**/handle({\"code\":200").contains("\"body\":\"{\\\"n\\\":1}\"");
    }
}
