package io.holdfast.grip.publisher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class GripUrlTest {

    @Test
    void local_pushpin_url_publishes_to_publish_without_auth() {
        GripUrl url = GripUrl.parse("http://localhost:5561");

        assertThat(url.publishUri()).hasToString("http://localhost:5561/publish/");
        assertThat(url.auth()).isEqualTo(PublishAuth.none());
        assertThat(url.auth().header(Instant.now())).isEmpty();
        assertThat(url.verifyIssuer()).isEmpty();
        assertThat(url.verifyKey()).isEmpty();
    }

    @Test
    void fastly_style_url_keeps_the_base_path_and_uses_the_key_as_a_bearer_token() {
        GripUrl url = GripUrl.parse("https://api.fastly.com/service/SID/?key=TOKEN&verify-iss=fastly:SID&verify-key=K");

        assertThat(url.publishUri()).hasToString("https://api.fastly.com/service/SID/publish/");
        assertThat(url.auth()).isEqualTo(PublishAuth.bearer("TOKEN"));
        assertThat(url.verifyIssuer()).contains("fastly:SID");
        assertThat(url.verifyKey()).contains("K");
    }

    @Test
    void iss_with_key_means_a_jwt_signed_with_that_key() {
        GripUrl url = GripUrl.parse("http://pushpin:5561/?iss=realm&key=changeme");

        assertThat(url.auth()).isInstanceOfSatisfying(PublishAuth.Jwt.class, jwt -> {
            assertThat(jwt.issuer()).isEqualTo("realm");
            assertThat(jwt.key().algorithmName()).isEqualTo("HS256");
        });
        String token = url.auth().header(Instant.now()).orElseThrow().substring("Bearer ".length());
        assertThat(JWT.require(Algorithm.HMAC256("changeme")).withIssuer("realm").build().verify(token)).isNotNull();
    }

    @Test
    void a_base64_bearer_key_is_decoded_to_its_text() {
        GripUrl url = GripUrl.parse("http://localhost:5561?key=base64:dG9rZW4=");

        assertThat(url.auth()).isEqualTo(PublishAuth.bearer("token"));
    }

    @Test
    void user_and_password_mean_basic_auth_and_leave_the_publish_url() {
        GripUrl url = GripUrl.parse("https://user:p%40ss@example.com:8443/base");

        assertThat(url.publishUri()).hasToString("https://example.com:8443/base/publish/");
        assertThat(url.auth()).isEqualTo(PublishAuth.basic("user", "p@ss"));
    }

    @Test
    void a_key_wins_over_user_and_password() {
        assertThat(GripUrl.parse("http://u:p@localhost?key=k").auth()).isEqualTo(PublishAuth.bearer("k"));
    }

    @Test
    void query_values_are_percent_decoded_but_a_plus_stays_a_plus() {
        GripUrl url = GripUrl.parse("http://localhost?key=a+b%2Fc%3D");

        assertThat(url.auth()).isEqualTo(PublishAuth.bearer("a+b/c="));
    }

    @Test
    void unknown_query_parameters_stay_on_the_publish_url() {
        GripUrl url = GripUrl.parse("http://localhost:5561/x?iss=i&key=k&tenant=blue&verify-iss=v");

        assertThat(url.publishUri()).hasToString("http://localhost:5561/x/publish/?tenant=blue");
    }

    @Test
    void urls_that_are_not_http_with_a_host_are_refused_without_echoing_secrets() {
        assertThatThrownBy(() -> GripUrl.parse("ftp://host/?key=s3cret"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("gripUrl: scheme ftp (expected: http or https)");
        assertThatThrownBy(() -> GripUrl.parse("http:///publish?key=s3cret"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no host")
                .hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> GripUrl.parse("http://host/ bad?key=s3cret"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> GripUrl.parse(" "))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("gripUrl: empty");
    }

    @Test
    void to_string_shows_where_but_not_the_secret() {
        assertThat(GripUrl.parse("http://localhost?key=s3cret").toString())
                .contains("http://localhost/publish/").doesNotContain("s3cret");
        assertThat(GripUrl.parse("http://bob:hunter2@localhost").toString()).doesNotContain("hunter2");
    }
}
