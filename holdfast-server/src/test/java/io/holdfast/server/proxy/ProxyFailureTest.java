package io.holdfast.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.server.testing.Holdfast;
import io.holdfast.server.testing.RawHttp;
import io.holdfast.server.testing.TestOrigin;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ProxyFailureTest {
    private TestOrigin origin;

    @BeforeEach
    void startOrigin() throws Exception {
        origin = new TestOrigin();
        origin.handle("/", ex -> {
            byte[] body = "from origin".getBytes();
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
        });
    }

    @AfterEach
    void stopOrigin() {
        origin.close();
    }

    /** A loopback port with nothing listening on it. */
    static int deadPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void failsOverToTheSecondTargetWhenTheFirstRefuses() throws Exception {
        try (Holdfast hf = Holdfast.start("* 127.0.0.1:" + deadPort() + " " + origin.target())) {
            HttpResponse<String> r = hf.get("/");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("from origin");
        }
    }

    @Test
    void answers502NamingTheCauseWhenNoTargetConnects() throws Exception {
        try (Holdfast hf = Holdfast.start("* 127.0.0.1:" + deadPort())) {
            HttpResponse<String> r = hf.get("/");
            assertThat(r.statusCode()).isEqualTo(502);
            assertThat(r.body()).contains("could not connect").contains("connection refused");
        }
    }

    @Test
    void answers504WhenTheOriginStalls() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        origin.handle("/slow", ex -> {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.sendResponseHeaders(200, -1);
        });
        try (Holdfast hf = Holdfast.start(b -> b.originResponseTimeout(Duration.ofMillis(300)), "* " + origin.target())) {
            HttpResponse<String> r = hf.get("/slow");
            assertThat(r.statusCode()).isEqualTo(504);
            assertThat(r.body()).contains("did not respond in time");
            release.countDown();
            assertThat(hf.get("/").statusCode()).as("other requests still work").isEqualTo(200);
        }
    }

    @Test
    void answers502RouteNotFoundWhenNoRouteMatches() throws Exception {
        try (Holdfast hf = Holdfast.start("example.com " + origin.target())) {
            HttpResponse<String> r = hf.get("/");
            assertThat(r.statusCode()).isEqualTo(502);
            assertThat(r.body()).isEqualTo("Route not found\n");
        }
    }

    @Test
    void malformedRequestGets400() throws Exception {
        try (Holdfast hf = Holdfast.start("* " + origin.target())) {
            String answer = RawHttp.exchange(hf.port(), "GET / HTTP/1.1\r\nHost: x\r\nbad header line\r\n\r\n");
            assertThat(answer).startsWith("HTTP/1.1 400 ");
            assertThat(answer).contains("Malformed HTTP request");
        }
    }

    @Test
    void oversizedHeadersGet431() throws Exception {
        try (Holdfast hf = Holdfast.start("* " + origin.target())) {
            String answer = RawHttp.exchange(hf.port(),
                    "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(10_000) + "\r\n\r\n");
            assertThat(answer).startsWith("HTTP/1.1 431 ");
            assertThat(answer).contains("client_buffer_size");
        }
    }

    @Test
    void bodyOverTheConfiguredLimitGets413() throws Exception {
        try (Holdfast hf = Holdfast.start(b -> b.maxRequestBodySize(100), "* " + origin.target())) {
            String answer = RawHttp.exchange(hf.port(),
                    "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\n" + "a".repeat(500));
            assertThat(answer).startsWith("HTTP/1.1 413 ");
            assertThat(answer).contains("max_request_body_size");
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        origin.handle("/n/", ex -> {
            byte[] body = ex.getRequestURI().getPath().getBytes();
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
        });
        try (Holdfast hf = Holdfast.start("* " + origin.target())) {
            StringBuilder req = new StringBuilder();
            for (int i = 1; i <= 5; i++) {
                req.append("GET /n/").append(i).append(" HTTP/1.1\r\nHost: x\r\n")
                        .append(i == 5 ? "Connection: close\r\n" : "").append("\r\n");
            }
            String answer = RawHttp.exchange(hf.port(), req.toString());
            int last = -1;
            for (int i = 1; i <= 5; i++) {
                int at = answer.indexOf("/n/" + i);
                assertThat(at).as("response %d present after the previous one", i).isGreaterThan(last);
                last = at;
            }
            assertThat(answer.split("HTTP/1.1 200 ", -1)).hasSize(6);
        }
    }
}
