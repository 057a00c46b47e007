package io.holdfast.server.hold;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.holdfast.server.HoldfastServer;
import io.holdfast.server.testing.Holdfast;
import io.holdfast.server.testing.StreamClients;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The built-in test target, reached through the default routes exactly as a bare ./holdfast serves it. */
class TestEndpointsTest {

    @Test
    void defaultConfigServesTheTestEndpointsAndExplainsAMissingOrigin() throws Exception {
        try (Holdfast hf = Holdfast.start(b -> b.routeSpecs(java.util.List.of()));
             StreamClients clients = new StreamClients()) {
            assertThat(hf.get("/test/").body()).contains("Hello from the Holdfast test handler");
            assertThat(hf.get("/test/nothing").statusCode()).isEqualTo(404);

            StreamClients.Stream stream = clients.open(hf.port(), "/test/stream");
            StreamClients.Stream sse = clients.open(hf.port(), "/test/sse");
            CompletableFuture<HttpResponse<String>> poll = Holdfast.CLIENT.sendAsync(
                    HttpRequest.newBuilder(hf.uri("/test/long-poll")).build(), HttpResponse.BodyHandlers.ofString());
            HoldfastServer server = hf.server();
            await().until(() -> server.pubsub().subscriptionCount() == 3);

            hf.publish("""
                    {"items":[{"channel":"test","formats":{
                      "http-stream":{"content":"data: hello\\n\\n"},
                      "http-response":{"body":"hello\\n"}}}]}""");
            assertThat(poll.get(10, TimeUnit.SECONDS).body()).isEqualTo("hello\n");
            await().until(() -> stream.body().equals("[stream opened]\ndata: hello\n\n"));
            await().until(() -> sse.body().endsWith("data: hello\n\n"));
            assertThat(sse.head().headers().get("Content-Type")).isEqualTo("text/event-stream");

            HttpResponse<String> other = hf.get("/elsewhere");
            // Nothing is expected on localhost:8080 during tests; if something is, it answered instead.
            if (other.statusCode() == 502) {
                assertThat(other.body()).contains("./holdfast --route");
            }
        }
    }
}
