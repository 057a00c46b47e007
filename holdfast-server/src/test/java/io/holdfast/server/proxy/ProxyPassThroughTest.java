package io.holdfast.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.interfaces.DecodedJWT;
import io.holdfast.server.testing.Holdfast;
import io.holdfast.server.testing.TestOrigin;
import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ProxyPassThroughTest {
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
    void getPassesThroughWithStatusAndHeadersIntact() throws Exception {
        origin.handle("/hello", ex -> {
            ex.getResponseHeaders().add("X-Origin", "yes");
            ex.getResponseHeaders().add("Set-Cookie", "a=1");
            ex.getResponseHeaders().add("Set-Cookie", "b=2");
            byte[] body = "hi there".getBytes();
            ex.sendResponseHeaders(418, body.length);
            ex.getResponseBody().write(body);
        });
        HttpResponse<String> r = Holdfast.CLIENT.send(HttpRequest.newBuilder(holdfast.uri("/hello?x=1"))
                .header("X-Client", "abc").header("Grip-Last", "forged; last-id=1").build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(418);
        assertThat(r.body()).isEqualTo("hi there");
        assertThat(r.headers().firstValue("X-Origin")).contains("yes");
        assertThat(r.headers().allValues("Set-Cookie")).containsExactly("a=1", "b=2");
        TestOrigin.Seen seen = origin.nextRequest();
        assertThat(seen.uri()).isEqualTo("/hello?x=1");
        assertThat(seen.headers().getFirst("X-Client")).isEqualTo("abc");
        assertThat(seen.headers().getFirst("Host")).isEqualTo("127.0.0.1:" + holdfast.port());
        assertThat(seen.headers().containsKey("Grip-Last")).as("client Grip-* headers are stripped").isFalse();
        assertThat(seen.headers().containsKey("Accept-encoding")).isFalse();
        assertThat(seen.headers().getFirst("Grip-Feature")).contains("link:next");
    }

    @Test
    void originRequestsCarryAGripSigTheOriginCanVerify() throws Exception {
        origin.handle("/", ex -> ex.sendResponseHeaders(204, -1));
        holdfast.get("/");
        String sig = origin.nextRequest().headers().getFirst("Grip-Sig");

        DecodedJWT jwt = JWT.require(Algorithm.HMAC256("test-secret")).withIssuer("pushpin").build().verify(sig);
        assertThat(jwt.getExpiresAtAsInstant()).isAfter(java.time.Instant.now().plusSeconds(3000));
    }

    @Test
    void postOfOneMebibyteStreamsBothWays() throws Exception {
        origin.handle("/echo", ex -> {
            byte[] in = ex.getRequestBody().readAllBytes();
            ex.sendResponseHeaders(200, in.length);
            ex.getResponseBody().write(in);
        });
        byte[] body = new byte[1024 * 1024];
        new Random(7).nextBytes(body);
        HttpResponse<byte[]> r = Holdfast.CLIENT.send(HttpRequest.newBuilder(holdfast.uri("/echo"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(MessageDigest.isEqual(r.body(), body)).isTrue();
        assertThat(origin.nextRequest().headers().getFirst("Content-Length")).isEqualTo(String.valueOf(body.length));
    }

    @Test
    void chunkedUploadAndChunkedDownloadArriveWhole() throws Exception {
        origin.handle("/chunks", ex -> {
            byte[] in = ex.getRequestBody().readAllBytes();
            ex.sendResponseHeaders(200, 0); // 0 = chunked in the JDK server
            try (OutputStream out = ex.getResponseBody()) {
                for (int i = 0; i < 3; i++) {
                    out.write(in);
                    out.flush();
                }
            }
        });
        byte[] body = "0123456789".repeat(5000).getBytes();
        HttpResponse<byte[]> r = Holdfast.CLIENT.send(HttpRequest.newBuilder(holdfast.uri("/chunks"))
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build(),
                HttpResponse.BodyHandlers.ofByteArray());

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).hasSize(body.length * 3);
        assertThat(r.headers().firstValue("Transfer-Encoding")).contains("chunked");
        assertThat(origin.nextRequest().headers().getFirst("Transfer-Encoding")).isEqualTo("chunked");
    }

    @Test
    void headResponsesHaveNoBodyAndKeepTheConnectionUsable() throws Exception {
        origin.handle("/head", ex -> {
            ex.getResponseHeaders().add("Content-Length", "5");
            ex.sendResponseHeaders(200, -1);
        });
        origin.handle("/after", ex -> {
            ex.sendResponseHeaders(200, 5);
            ex.getResponseBody().write("after".getBytes());
        });
        HttpResponse<String> head = Holdfast.CLIENT.send(HttpRequest.newBuilder(holdfast.uri("/head"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(holdfast.get("/after").body()).isEqualTo("after");
    }

    @Test
    void expectContinueIsAnsweredAndTheBodyForwarded() throws Exception {
        origin.handle("/upload", ex -> {
            byte[] in = ex.getRequestBody().readAllBytes();
            byte[] out = ("got " + in.length + " expect=" + ex.getRequestHeaders().getFirst("Expect")).getBytes();
            ex.sendResponseHeaders(200, out.length);
            ex.getResponseBody().write(out);
        });
        HttpResponse<String> r = Holdfast.CLIENT.send(HttpRequest.newBuilder(holdfast.uri("/upload"))
                .expectContinue(true).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString("x".repeat(1000))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.body()).isEqualTo("got 1000 expect=null");
    }
}
