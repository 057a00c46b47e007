package io.holdfast.server.hold;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import io.holdfast.server.testing.Holdfast;
import io.holdfast.server.testing.TestOrigin;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GripInstructionsTest {
    private TestOrigin origin;
    private Holdfast holdfast;

    @BeforeEach
    void start() throws Exception {
        origin = new TestOrigin();
        holdfast = Holdfast.start("* " + origin.target());
    }

    @AfterEach
    void stop() {
        holdfast.close();
        origin.close();
    }

    @Test
    void malformedGripHeaderGives502NamingIt() throws Exception {
        origin.handle("/", ex -> {
            ex.getResponseHeaders().add("Grip-Hold", "response");
            ex.getResponseHeaders().add("Grip-Channel", "x");
            ex.getResponseHeaders().add("Grip-Timeout", "soon");
            ex.sendResponseHeaders(200, -1);
        });
        HttpResponse<String> r = holdfast.get("/");
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(r.body()).contains("Grip-Timeout");
    }

    @Test
    void unknownHoldModeGives502() throws Exception {
        origin.handle("/", ex -> {
            ex.getResponseHeaders().add("Grip-Hold", "forever");
            ex.getResponseHeaders().add("Grip-Channel", "x");
            ex.sendResponseHeaders(200, -1);
        });
        HttpResponse<String> r = holdfast.get("/");
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(r.body()).contains("Grip-Hold");
    }

    @Test
    void noHoldResponseIsRelayedWithoutGripHeadersAndWithGripStatus() throws Exception {
        origin.handle("/", ex -> {
            ex.getResponseHeaders().add("Grip-Status", "404 Gone Fishing");
            ex.getResponseHeaders().add("X-App", "1");
            byte[] body = "nope".getBytes();
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
        });
        HttpResponse<String> r = holdfast.get("/");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.body()).isEqualTo("nope");
        assertThat(r.headers().firstValue("X-App")).contains("1");
        assertThat(r.headers().map().keySet()).noneMatch(h -> h.toLowerCase().startsWith("grip-"));
    }

    @Test
    void jsonInstructHoldsAndUsesItsOwnResponse() throws Exception {
        origin.handle("/", ex -> {
            ex.getResponseHeaders().add("Content-Type", "application/grip-instruct");
            byte[] body = """
                    {"hold":{"mode":"response","channels":[{"name":"j"}],"timeout":5},
                     "response":{"code":202,"headers":{"Content-Type":"text/plain","X-J":"yes"},"body":"timeout body\\n"}}
                    """.getBytes();
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
        });
        CompletableFuture<HttpResponse<String>> poll = Holdfast.CLIENT.sendAsync(
                HttpRequest.newBuilder(holdfast.uri("/")).build(), HttpResponse.BodyHandlers.ofString());
        await().until(() -> holdfast.server().pubsub().subscriptionCount() == 1);
        holdfast.publish("{\"items\":[{\"channel\":\"j\",\"formats\":{\"http-response\":{\"body\":\"live\\n\"}}}]}");
        HttpResponse<String> r = poll.get(10, TimeUnit.SECONDS);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("live\n");
        assertThat(r.headers().firstValue("X-J")).contains("yes");
    }

    @Test
    void aUtf8ChannelNameInAHeaderMatchesTheSameNameInAJsonPublish() throws Exception {
        String wire = new String("café-☕".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                java.nio.charset.StandardCharsets.ISO_8859_1);
        origin.handle("/", ex -> {
            ex.getResponseHeaders().add("Grip-Hold", "response");
            ex.getResponseHeaders().add("Grip-Channel", wire);
            ex.sendResponseHeaders(200, -1);
        });
        CompletableFuture<HttpResponse<String>> poll = Holdfast.CLIENT.sendAsync(
                HttpRequest.newBuilder(holdfast.uri("/")).build(), HttpResponse.BodyHandlers.ofString());
        await().until(() -> holdfast.server().pubsub().subscriptionCount() == 1);
        holdfast.publish("{\"items\":[{\"channel\":\"café-☕\",\"formats\":{\"http-response\":{\"body\":\"ok\"}}}]}");
        assertThat(poll.get(10, TimeUnit.SECONDS).body()).isEqualTo("ok");
    }

    @Test
    void exposeHeadersKeepsOnlyTheListedOnes() throws Exception {
        origin.handle("/", ex -> {
            ex.getResponseHeaders().add("Grip-Expose-Headers", "X-Keep");
            ex.getResponseHeaders().add("X-Keep", "1");
            ex.getResponseHeaders().add("X-Drop", "1");
            ex.sendResponseHeaders(200, -1);
        });
        HttpResponse<String> r = holdfast.get("/");
        assertThat(r.headers().firstValue("X-Keep")).contains("1");
        assertThat(r.headers().firstValue("X-Drop")).isEmpty();
    }

    @Test
    void aForgedClientGripSigNeverReachesTheOrigin() throws Exception {
        origin.handle("/", ex -> ex.sendResponseHeaders(204, -1));
        String forged = JWT.create().withIssuer("pushpin").sign(Algorithm.HMAC256("attacker"));
        Holdfast.CLIENT.send(HttpRequest.newBuilder(holdfast.uri("/")).header("Grip-Sig", forged).build(),
                HttpResponse.BodyHandlers.discarding());
        String seen = origin.nextRequest().headers().getFirst("Grip-Sig");
        assertThat(seen).isNotEqualTo(forged);
        JWT.require(Algorithm.HMAC256("test-secret")).build().verify(seen);
    }

    @Test
    void channelPrefixOfTheRouteNamespacesSubscriptions() throws Exception {
        holdfast.close();
        holdfast = Holdfast.start("*,prefix=tenant1: " + origin.target());
        origin.handle("/", ex -> {
            ex.getResponseHeaders().add("Grip-Hold", "response");
            ex.getResponseHeaders().add("Grip-Channel", "room");
            ex.sendResponseHeaders(200, -1);
        });
        CompletableFuture<HttpResponse<String>> poll = Holdfast.CLIENT.sendAsync(
                HttpRequest.newBuilder(holdfast.uri("/")).build(), HttpResponse.BodyHandlers.ofString());
        await().until(() -> holdfast.server().pubsub().subscriptionCount() == 1);
        holdfast.publish("{\"items\":[{\"channel\":\"room\",\"formats\":{\"http-response\":{\"body\":\"wrong\"}}}]}");
        holdfast.publish("{\"items\":[{\"channel\":\"tenant1:room\",\"formats\":{\"http-response\":{\"body\":\"right\"}}}]}");
        assertThat(poll.get(10, TimeUnit.SECONDS).body()).isEqualTo("right");
    }
}
