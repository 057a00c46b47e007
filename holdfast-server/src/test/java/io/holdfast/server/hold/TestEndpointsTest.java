package io.holdfast.server.hold;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.holdfast.server.HoldfastServer;
import io.holdfast.server.testing.Holdfast;
import io.holdfast.server.testing.HoldfastExtension;
import io.holdfast.server.testing.StreamClients;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The built-in test target, reached through the default routes exactly as a bare ./holdfast serves it. */
class TestEndpointsTest {

    /** No route given: the server's default routes, as a bare {@code ./holdfast} has them. */
    @RegisterExtension
    static final HoldfastExtension HF = HoldfastExtension.builder().build();

    @Test
    void defaultConfigServesTheTestEndpoints() throws Exception {
        try (StreamClients clients = new StreamClients()) {
            assertThat(HF.get("/test/").body()).contains("Hello from the Holdfast test handler");
            assertThat(HF.get("/test/nothing").statusCode()).isEqualTo(404);

            StreamClients.Stream stream = clients.open(HF.port(), "/test/stream");
            StreamClients.Stream sse = clients.open(HF.port(), "/test/sse");
            CompletableFuture<HttpResponse<String>> poll = Holdfast.CLIENT.sendAsync(
                    HttpRequest.newBuilder(HF.uri("/test/long-poll")).build(), HttpResponse.BodyHandlers.ofString());
            HoldfastServer server = HF.server();
            await().until(() -> server.pubsub().subscriptionCount() == 3);

            HF.publish("""
                    {"items":[{"channel":"test","formats":{
                      "http-stream":{"content":"data: hello\\n\\n"},
                      "http-response":{"body":"hello\\n"}}}]}""");
            assertThat(poll.get(10, TimeUnit.SECONDS).body()).isEqualTo("hello\n");
            await().until(() -> stream.body().equals("[stream opened]\ndata: hello\n\n"));
            await().until(() -> sse.body().endsWith("data: hello\n\n"));
            assertThat(sse.head().headers().get("Content-Type")).isEqualTo("text/event-stream");
        }
    }

    @Test
    void defaultRouteExplainsAMissingOriginOnLocalhost8080() throws Exception {
        // The default route is the fixed "* localhost:8080"; a test may not bind that port, so it
        // runs only when nothing listens there (reported as skipped otherwise, never passed blindly).
        assumeTrue(nothingListensOn(new InetSocketAddress("127.0.0.1", 8080))
                   && nothingListensOn(new InetSocketAddress("::1", 8080)),
                "something listens on localhost:8080, so the default route reaches it");
        HttpResponse<String> other = HF.get("/elsewhere");

        assertThat(other.statusCode()).isEqualTo(502);
        assertThat(other.body()).contains("localhost:8080", "./holdfast --route");
    }

    private static boolean nothingListensOn(InetSocketAddress address) {
        try (Socket socket = new Socket()) {
            socket.connect(address, 2000);
            return false;
        } catch (IOException e) {
            return true; // refused (or no IPv6 loopback): nothing to reach
        }
    }
}
