package io.holdfast.server.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.holdfast.grip.sig.GripKey;
import io.holdfast.grip.sig.GripSig;
import io.holdfast.server.testing.Holdfast;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PublishApiTest {
    private Holdfast holdfast;

    @BeforeEach
    void start() throws Exception {
        holdfast = Holdfast.start("* test");
    }

    @AfterEach
    void stop() {
        if (holdfast != null) {
            holdfast.close();
        }
    }

    private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return Holdfast.CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder post(String body) {
        return HttpRequest.newBuilder(holdfast.publishUri()).POST(HttpRequest.BodyPublishers.ofString(body));
    }

    @Test
    void answersLikePushpinForSuccessInTextAndJson() throws Exception {
        String body = "{\"items\":[{\"channel\":\"a\",\"formats\":{\"http-stream\":{\"content\":\"x\"}}}]}";
        assertThat(send(post(body)).body()).isEqualTo("Published\n");
        HttpResponse<String> json = send(post(body).header("Accept", "application/json"));
        assertThat(json.body()).isEqualTo("{\"message\":\"Published\"}\n");
        assertThat(json.headers().firstValue("Content-Type")).contains("application/json");
        // the answer means "taken"; the sequencer fans out on its own thread just after
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(holdfast.server().counters().itemsPublished.sum()).isEqualTo(2));
    }

    @Test
    void publishWithoutTrailingSlashAndLegacyFormatsWork() throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(holdfast.publishUri().resolve("/publish"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"items\":[{\"channel\":\"a\",\"http-stream\":{\"content\":\"x\"}}]}")));
        assertThat(r.statusCode()).isEqualTo(200);
    }

    @Test
    void badBodiesGet400WithPushpinsTexts() throws Exception {
        assertThat(send(post("not json")).body()).isEqualTo("Body is not valid JSON.\n");
        assertThat(send(post("{}")).body()).isEqualTo("Invalid format: object does not contain 'items'\n");
        HttpResponse<String> r = send(post("{\"items\":[{\"channel\":\"a\",\"formats\":{}}]}"));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).startsWith("Invalid format:").contains("item 0");
        HttpResponse<String> unknown = send(post("{\"items\":[{\"channel\":\"a\",\"formats\":{\"carrier-pigeon\":{}}}]}"));
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.body()).contains("carrier-pigeon");
    }

    @Test
    void wrongMethodPathAndAcceptAreRefused() throws Exception {
        HttpResponse<String> get = send(HttpRequest.newBuilder(holdfast.publishUri()));
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(get.headers().firstValue("Allow")).contains("POST");
        assertThat(send(HttpRequest.newBuilder(holdfast.publishUri().resolve("/nope"))).statusCode()).isEqualTo(404);
        assertThat(send(post("{\"items\":[]}").header("Accept", "image/png")).statusCode()).isEqualTo(406);
        assertThat(send(HttpRequest.newBuilder(holdfast.publishUri().resolve("/"))).body()).isEqualTo("Pushpin API\n");
    }

    @Test
    void bodiesOverTheLimitGet413() throws Exception {
        holdfast.close();
        holdfast = Holdfast.start(b -> b.publishMaxBodySize(1000), "* test");
        String big = "{\"items\":[{\"channel\":\"a\",\"formats\":{\"http-stream\":{\"content\":\"" + "x".repeat(2000) + "\"}}}]}";
        assertThat(send(post(big)).statusCode()).isEqualTo(413);
    }

    @Test
    void publishKeyRequiresABearerJwtOrBasicPassword() throws Exception {
        holdfast.close();
        holdfast = Holdfast.start(b -> b.publishKey("s3cret"), "* test");
        String body = "{\"items\":[{\"channel\":\"a\",\"formats\":{\"http-stream\":{\"content\":\"x\"}}}]}";
        HttpResponse<String> none = send(post(body));
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.body()).contains("publish_key");

        String token = GripSig.sign(GripKey.parse("s3cret", Path.of("")), "me", Instant.now(), Duration.ofMinutes(5));
        assertThat(send(post(body).header("Authorization", "Bearer " + token)).statusCode()).isEqualTo(200);
        String wrong = GripSig.sign(GripKey.parse("other", Path.of("")), "me", Instant.now(), Duration.ofMinutes(5));
        assertThat(send(post(body).header("Authorization", "Bearer " + wrong)).statusCode()).isEqualTo(401);
        String basic = Base64.getEncoder().encodeToString("user:s3cret".getBytes());
        assertThat(send(post(body).header("Authorization", "Basic " + basic)).statusCode()).isEqualTo(200);
    }

    @Test
    void anOpenApiRefusesToBindBeyondLoopback() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Holdfast.start(
                        b -> b.publishListener(new io.holdfast.server.config.ListenAddress("0.0.0.0", 0)), "* test"))
                .hasMessageContaining("publish_key");
    }
}
