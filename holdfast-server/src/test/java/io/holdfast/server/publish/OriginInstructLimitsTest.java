package io.holdfast.server.publish;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.server.testing.Holdfast;
import io.holdfast.server.testing.TestOrigin;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An origin's instructions pass the same {@link io.holdfast.grip.GripLimits} as a publish: a
 * {@code application/grip-instruct} body with an over-long channel, or a {@code response} whose
 * headers would split or re-frame the client's response, gets {@code 502} and subscribes nothing.
 */
class OriginInstructLimitsTest {
    private TestOrigin origin;
    private Holdfast holdfast;
    private volatile String instruct;

    @BeforeEach
    void start() throws Exception {
        origin = new TestOrigin().handle("/", exchange -> {
            byte[] body = instruct.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/grip-instruct");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        });
        holdfast = Holdfast.start("* " + origin.target());
    }

    @AfterEach
    void stop() {
        holdfast.close();
        origin.close();
    }

    private HttpResponse<String> get() throws Exception {
        return Holdfast.CLIENT.send(HttpRequest.newBuilder(holdfast.uri("/poll")).timeout(Duration.ofSeconds(20))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aLongChannelInAnInstructBodyGets502AndSubscribesNothing() throws Exception {
        instruct = "{\"hold\":{\"mode\":\"response\",\"channels\":[{\"name\":\"" + "x".repeat(7000) + "\"}]}}";
        HttpResponse<String> r = get();
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(holdfast.server().pubsub().channelCount()).isZero();
    }

    @Test
    void instructedResponseHeadersThatSplitOrReframeTheResponseGet502() throws Exception {
        for (String headers : new String[] {"{\"X-A\":\"a\\r\\nSet-Cookie: x=1\"}", "{\"Transfer-Encoding\":\"chunked\"}",
                "[[\"X-A\\r\\nSet-Cookie\",\"x=1\"]]"}) {
            instruct = "{\"hold\":{\"mode\":\"response\",\"channels\":[{\"name\":\"a\"}]},\"response\":{\"body\":\"x\","
                    + "\"headers\":" + headers + "}}";
            HttpResponse<String> r = get();
            assertThat(r.statusCode()).as(headers).isEqualTo(502);
            assertThat(r.headers().map()).as(headers).doesNotContainKey("set-cookie");
        }
        assertThat(holdfast.server().pubsub().channelCount()).isZero();
        instruct = "{\"response\":{\"body\":\"fine\",\"headers\":{\"X-A\":\"a\"}}}";
        HttpResponse<String> ok = get();
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.headers().firstValue("X-A")).contains("a");
        assertThat(ok.body()).isEqualTo("fine");
    }
}
