package io.holdfast.grip.publisher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.interfaces.DecodedJWT;
import io.holdfast.grip.publish.PublishItem;
import io.holdfast.grip.publish.WsMessageFormat;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class GripPublisherTest {

    private static final Duration FAST = Duration.ofMillis(10);

    @RegisterExtension
    final PublishEndpoint endpoint = new PublishEndpoint();

    private GripPublisher publisher(String query) {
        return GripPublisher.builder().url(endpoint.url() + query).retries(2, FAST).build();
    }

    @Test
    void ws_message_is_posted_as_items_json_to_the_base_publish_path() throws Exception {
        GripPublisher publisher = GripPublisher.fromGripUrl(endpoint.url() + "/grip/");

        publisher.publishWsMessage("room", "hi").get(5, TimeUnit.SECONDS);

        PublishEndpoint.Request r = endpoint.next();
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.path()).isEqualTo("/grip/publish/");
        assertThat(r.header("Content-Type")).isEqualTo("application/json");
        assertThat(r.header("Authorization")).isNull();
        assertThat(r.body()).isEqualTo(
                "{\"items\":[{\"channel\":\"room\",\"formats\":{\"ws-message\":{\"type\":\"text\",\"content\":\"hi\"}}}]}");
    }

    @Test
    void http_stream_and_http_response_conveniences_write_their_formats() throws Exception {
        GripPublisher publisher = publisher("");

        publisher.publishHttpStream("feed", "data: x\n\n").get(5, TimeUnit.SECONDS);
        publisher.publishHttpResponse("poll", "{\"n\":1}").get(5, TimeUnit.SECONDS);

        assertThat(endpoint.next().body()).isEqualTo(
                "{\"items\":[{\"channel\":\"feed\",\"formats\":{\"http-stream\":{\"content\":\"data: x\\n\\n\"}}}]}");
        assertThat(endpoint.next().body()).isEqualTo(
                "{\"items\":[{\"channel\":\"poll\",\"formats\":{\"http-response\":{\"code\":200,\"body\":\"{\\\"n\\\":1}\"}}}]}");
    }

    @Test
    void close_and_refresh_helpers_write_their_actions() throws Exception {
        GripPublisher publisher = publisher("");

        publisher.closeHttpStream("feed").get(5, TimeUnit.SECONDS);
        publisher.closeWebSockets("room", 4000, "bye").get(5, TimeUnit.SECONDS);
        publisher.refreshWebSockets("room").get(5, TimeUnit.SECONDS);

        assertThat(endpoint.next().body()).isEqualTo(
                "{\"items\":[{\"channel\":\"feed\",\"formats\":{\"http-stream\":{\"action\":\"close\",\"content\":\"\"}}}]}");
        assertThat(endpoint.next().body()).isEqualTo("{\"items\":[{\"channel\":\"room\",\"formats\":{\"ws-message\":"
                + "{\"action\":\"close\",\"type\":\"text\",\"code\":4000,\"reason\":\"bye\"}}}]}");
        assertThat(endpoint.next().body()).isEqualTo(
                "{\"items\":[{\"channel\":\"room\",\"formats\":{\"ws-message\":{\"action\":\"refresh\",\"type\":\"text\"}}}]}");
    }

    @Test
    void a_list_of_items_is_published_as_one_batch_request() throws Exception {
        PublishItem first = PublishItem.builder("a").id("1").wsMessage(WsMessageFormat.text("one")).build();
        PublishItem second = PublishItem.builder("b").id("2").prevId("1").meta("sender", "alice")
                .wsMessage(WsMessageFormat.text("two")).build();

        publisher("").publish(List.of(first, second)).get(5, TimeUnit.SECONDS);

        assertThat(endpoint.requestCount()).isEqualTo(1);
        assertThat(endpoint.next().body()).isEqualTo("{\"items\":["
                + "{\"channel\":\"a\",\"id\":\"1\",\"formats\":{\"ws-message\":{\"type\":\"text\",\"content\":\"one\"}}},"
                + "{\"channel\":\"b\",\"id\":\"2\",\"prev-id\":\"1\",\"formats\":{\"ws-message\":{\"type\":\"text\","
                + "\"content\":\"two\"}},\"meta\":{\"sender\":\"alice\"}}]}");
    }

    @Test
    void key_alone_in_the_grip_url_is_sent_as_a_bearer_token() throws Exception {
        publisher("?key=s3cret").publishWsMessage("room", "hi").get(5, TimeUnit.SECONDS);

        assertThat(endpoint.next().header("Authorization")).isEqualTo("Bearer s3cret");
    }

    @Test
    void user_and_password_in_the_grip_url_are_sent_as_basic_auth() throws Exception {
        String url = endpoint.url().replace("http://", "http://alice:pa%3Ass@");
        GripPublisher.fromGripUrl(url).publishWsMessage("room", "hi").get(5, TimeUnit.SECONDS);

        String expected = Base64.getEncoder().encodeToString("alice:pa:ss".getBytes(StandardCharsets.UTF_8));
        assertThat(endpoint.next().header("Authorization")).isEqualTo("Basic " + expected);
    }

    @Test
    void iss_and_key_in_the_grip_url_sign_a_ten_minute_hs256_jwt() throws Exception {
        Instant before = Instant.now();
        publisher("?iss=origin&key=changeme").publishWsMessage("room", "hi").get(5, TimeUnit.SECONDS);

        String header = endpoint.next().header("Authorization");
        assertThat(header).startsWith("Bearer ");
        DecodedJWT jwt = JWT.require(Algorithm.HMAC256("changeme")).withIssuer("origin").build()
                .verify(header.substring("Bearer ".length()));
        assertThat(jwt.getAlgorithm()).isEqualTo("HS256");
        assertThat(jwt.getClaims()).containsOnlyKeys("iss", "exp");
        assertThat(jwt.getExpiresAtAsInstant()).isBetween(before.plusSeconds(599), Instant.now().plusSeconds(600));
    }

    @Test
    void a_base64_key_signs_with_the_decoded_bytes() throws Exception {
        byte[] secret = {0, 1, 2, (byte) 0xfb, (byte) 0xff, 42};
        String key = "base64:" + Base64.getEncoder().encodeToString(secret);
        GripPublisher.builder().url(endpoint.url()).jwt("origin", key).build()
                .publishWsMessage("room", "hi").get(5, TimeUnit.SECONDS);

        String token = endpoint.next().header("Authorization").substring("Bearer ".length());
        assertThat(JWT.require(Algorithm.HMAC256(secret)).build().verify(token).getIssuer()).isEqualTo("origin");
    }

    @Test
    void credentials_from_the_builder_win_over_those_in_the_url() throws Exception {
        GripPublisher.builder().bearer("from-builder").url(endpoint.url() + "?key=from-url").build()
                .publishWsMessage("room", "hi").get(5, TimeUnit.SECONDS);
        GripPublisher.builder().url(endpoint.url()).basic("bob", "pw").build()
                .publishWsMessage("room", "hi").get(5, TimeUnit.SECONDS);

        assertThat(endpoint.next().header("Authorization")).isEqualTo("Bearer from-builder");
        assertThat(endpoint.next().header("Authorization")).startsWith("Basic ");
    }

    @Test
    void a_503_is_retried_until_the_endpoint_succeeds() throws Exception {
        endpoint.answer(503, "busy").answer(503, "busy");

        publisher("").publishWsMessage("room", "hi").get(5, TimeUnit.SECONDS);

        assertThat(endpoint.requestCount()).isEqualTo(3);
        String body = endpoint.next().body();
        assertThat(endpoint.next().body()).isEqualTo(body);
        assertThat(endpoint.next().body()).isEqualTo(body);
    }

    @Test
    void a_400_fails_at_once_with_the_status_and_the_servers_answer() {
        endpoint.answer(400, "Invalid format: item 0: channel: required\n");

        ExecutionException e = catchThrowableOfType(
                () -> publisher("").publishWsMessage("room", "hi").get(5, TimeUnit.SECONDS), ExecutionException.class);

        assertThat(e.getCause()).isInstanceOf(GripPublishException.class);
        GripPublishException failure = (GripPublishException) e.getCause();
        assertThat(failure.status()).isEqualTo(400);
        assertThat(failure.hasResponse()).isTrue();
        assertThat(failure.body()).isEqualTo("Invalid format: item 0: channel: required\n");
        assertThat(failure.attempts()).isEqualTo(1);
        assertThat(failure.uri().toString()).isEqualTo(endpoint.url() + "/publish/");
        assertThat(failure).hasMessageContaining("400 Invalid format: item 0: channel: required");
        assertThat(endpoint.requestCount()).isEqualTo(1);
    }

    @Test
    void a_5xx_that_outlasts_the_retries_fails_with_the_last_answer() {
        endpoint.answer(503, "busy").answer(502, "bad").answer(500, "broken");

        assertThatThrownBy(() -> publisher("").publishSync(
                PublishItem.builder("room").wsMessage(WsMessageFormat.text("hi")).build()))
                .isInstanceOfSatisfying(GripPublishException.class, f -> {
                    assertThat(f.status()).isEqualTo(500);
                    assertThat(f.body()).isEqualTo("broken");
                    assertThat(f.attempts()).isEqualTo(3);
                });
        assertThat(endpoint.requestCount()).isEqualTo(3);
    }

    @Test
    void an_unreachable_endpoint_is_retried_then_fails_without_a_status() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        GripPublisher publisher = GripPublisher.builder().url("http://127.0.0.1:" + port).retries(1, FAST).build();

        assertThatThrownBy(() -> publisher.publishSync(List.of(
                PublishItem.builder("room").wsMessage(WsMessageFormat.text("hi")).build())))
                .isInstanceOfSatisfying(GripPublishException.class, f -> {
                    assertThat(f.hasResponse()).isFalse();
                    assertThat(f.status()).isEqualTo(GripPublishException.NO_STATUS);
                    assertThat(f.body()).isEmpty();
                    assertThat(f.attempts()).isEqualTo(2);
                    assertThat(f).hasCauseInstanceOf(ConnectException.class);
                });
    }

    @Test
    void publish_sync_returns_when_the_endpoint_accepted() throws Exception {
        publisher("").publishSync(PublishItem.builder("room").wsMessage(WsMessageFormat.text("hi")).build());

        assertThat(endpoint.next().path()).isEqualTo("/publish/");
    }

    @Test
    void backoff_doubles_from_the_initial_delay_up_to_the_cap() {
        GripPublisher publisher = GripPublisher.builder().url(endpoint.url()).retries(20, Duration.ofMillis(100)).build();

        assertThat(publisher.backoffMillis(1)).isEqualTo(100);
        assertThat(publisher.backoffMillis(2)).isEqualTo(200);
        assertThat(publisher.backoffMillis(3)).isEqualTo(400);
        assertThat(publisher.backoffMillis(20)).isEqualTo(GripPublisher.MAX_BACKOFF.toMillis());
    }

    @Test
    void bad_arguments_are_refused_where_they_are_given() {
        assertThatThrownBy(() -> publisher("").publish(List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("items: empty");
        assertThatThrownBy(() -> GripPublisher.builder().build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("url: not set");
        assertThatThrownBy(() -> GripPublisher.builder().url("ftp://example.com"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("scheme ftp");
        assertThatThrownBy(() -> GripPublisher.builder().retries(-1, FAST))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("retries: -1 (expected: >= 0)");
        assertThatThrownBy(() -> GripPublisher.builder().timeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeout");
    }

    @Test
    void to_string_shows_no_credentials() {
        GripPublisher publisher = GripPublisher.fromGripUrl(endpoint.url() + "?iss=origin&key=topsecret");

        assertThat(publisher.toString()).doesNotContain("topsecret").contains("/publish/", "iss=origin");
        assertThat(GripPublisher.builder().url(endpoint.url()).bearer("tok3n").build().toString()).doesNotContain("tok3n");
    }
}
