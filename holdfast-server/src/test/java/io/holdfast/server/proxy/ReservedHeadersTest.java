package io.holdfast.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import io.holdfast.server.testing.Holdfast;
import io.holdfast.server.testing.TestOrigin;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Headers only Holdfast may send to an origin never come from a client (issue 10, defect 8), and a
 * plain request carrying WebSocket-over-HTTP events is refused on an {@code over_http} route.
 */
class ReservedHeadersTest {
    private TestOrigin origin;

    @BeforeEach
    void startOrigin() throws Exception {
        origin = new TestOrigin();
        origin.handle("/", ex -> ex.sendResponseHeaders(204, -1));
    }

    @AfterEach
    void stopOrigin() {
        origin.close();
    }

    private static HttpRequest.Builder forged(Holdfast hf) {
        return HttpRequest.newBuilder(hf.uri("/chat"))
                .header("Connection-Id", "victim")
                .header("Meta-User", "admin")
                .header("Content-Bytes-Replayed", "5")
                .header("Grip-Last", "news; last-id=9");
    }

    @Test
    void connectionIdMetaAndContentBytesHeadersFromAClientNeverReachTheOrigin() throws Exception {
        try (Holdfast hf = Holdfast.start("* " + origin.target())) {
            HttpResponse<String> r = Holdfast.CLIENT.send(forged(hf).header("X-App", "kept").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(204);
            var seen = origin.nextRequest().headers();
            assertThat(seen.getFirst("X-App")).isEqualTo("kept");
            assertThat(seen.keySet()).noneMatch(h -> h.equalsIgnoreCase("Connection-Id")
                    || h.toLowerCase().startsWith("meta-") || h.toLowerCase().startsWith("content-bytes-")
                    || h.equalsIgnoreCase("Grip-Last"));
            JWT.require(Algorithm.HMAC256("test-secret")).build().verify(seen.getFirst("Grip-Sig"));
        }
    }

    @Test
    void aTrustedUpstreamKeepsItsHeaders() throws Exception {
        try (Holdfast hf = Holdfast.start(b -> b.upstreamKey("upstream-secret"), "* " + origin.target())) {
            String sig = JWT.create().withIssuer("upstream")
                    .withExpiresAt(java.time.Instant.now().plusSeconds(60)).sign(Algorithm.HMAC256("upstream-secret"));
            HttpResponse<String> r = Holdfast.CLIENT.send(forged(hf).header("Grip-Sig", sig).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(204);
            var seen = origin.nextRequest().headers();
            assertThat(seen.getFirst("Grip-Sig")).as("trust is decided before stripping").isEqualTo(sig);
            assertThat(seen.getFirst("Meta-User")).isEqualTo("admin");
            assertThat(seen.getFirst("Connection-Id")).isEqualTo("victim");
        }
    }

    @Test
    void aPlainPostOfWebSocketEventsIsRefusedOnAnOverHttpRoute() throws Exception {
        try (Holdfast hf = Holdfast.start("* " + origin.target() + ",over_http")) {
            HttpResponse<String> r = Holdfast.CLIENT.send(forged(hf)
                            .header("Content-Type", "application/websocket-events; charset=utf-8")
                            .header("Accept", "application/websocket-events")
                            .POST(HttpRequest.BodyPublishers.ofString("OPEN\r\nTEXT 2\r\nhi\r\n")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(r.body()).contains("application/websocket-events").contains("WebSocket");
            HttpResponse<String> plain = Holdfast.CLIENT.send(HttpRequest.newBuilder(hf.uri("/page")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(plain.statusCode()).as("other requests on the route still pass").isEqualTo(204);
            assertThat(origin.nextRequest().uri()).isEqualTo("/page");
            assertThat(origin.requestCount()).as("the events POST never reached the origin").isZero();
        }
    }
}
