package io.holdfast.grip.sig;

import static org.assertj.core.api.Assertions.assertThat;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class GripSigValidatorTest {

    private static final GripKey KEY = GripKey.parse("changeme", null);
    private static final Instant NOW = Instant.ofEpochSecond(1_700_000_000L);

    @Test
    void a_token_signed_with_the_key_is_valid_with_or_without_an_expected_issuer() {
        String token = GripSig.sign(KEY, "pushpin", NOW);

        assertThat(GripSigValidator.isValid(token, KEY, "pushpin", NOW)).isTrue();
        assertThat(GripSigValidator.isValid(token, KEY, null, NOW)).isTrue();
    }

    @Test
    void a_different_issuer_is_refused_when_one_is_expected() {
        String token = GripSig.sign(KEY, "someone-else", NOW);

        assertThat(GripSigValidator.isValid(token, KEY, "pushpin", NOW)).isFalse();
        assertThat(GripSigValidator.isValid(GripSig.sign(KEY, null, NOW), KEY, "pushpin", NOW)).isFalse();
    }

    @Test
    void an_expired_token_is_refused() {
        String token = GripSig.sign(KEY, "pushpin", NOW, Duration.ofSeconds(60));

        assertThat(GripSigValidator.isValid(token, KEY, "pushpin", NOW.plusSeconds(59))).isTrue();
        assertThat(GripSigValidator.isValid(token, KEY, "pushpin", NOW.plusSeconds(60))).isFalse();
    }

    @Test
    void a_token_without_exp_is_refused() {
        String token = JWT.create().withIssuer("pushpin").sign(Algorithm.HMAC256("changeme"));

        assertThat(GripSigValidator.isValid(token, KEY, "pushpin", NOW)).isFalse();
    }

    @Test
    void a_token_signed_with_another_key_or_algorithm_is_refused() throws Exception {
        String otherSecret = GripSig.sign(GripKey.parse("other", null), "pushpin", NOW);
        KeyPair ec = TestKeys.ec();
        String es256 = GripSig.sign(GripKey.ofKeys(ec.getPublic(), ec.getPrivate()), "pushpin", NOW);

        assertThat(GripSigValidator.isValid(otherSecret, KEY, null, NOW)).isFalse();
        assertThat(GripSigValidator.isValid(es256, KEY, null, NOW)).isFalse();
        assertThat(GripSigValidator.isValid(es256, GripKey.ofKeys(ec.getPublic(), null), "pushpin", NOW)).isTrue();
    }

    @Test
    void missing_or_garbled_headers_are_refused_without_throwing() {
        assertThat(GripSigValidator.isValid(null, KEY, null, NOW)).isFalse();
        assertThat(GripSigValidator.isValid("", KEY, null, NOW)).isFalse();
        assertThat(GripSigValidator.isValid("not.a.jwt", KEY, null, NOW)).isFalse();
        assertThat(GripSigValidator.isValid(GripSig.sign(KEY, "pushpin", NOW), null, null, NOW)).isFalse();
    }

    @Test
    void the_current_time_overload_and_grip_sig_shortcut_agree() {
        String fresh = GripSig.sign(KEY, "pushpin", Instant.now());
        String stale = GripSig.sign(KEY, "pushpin", Instant.now().minusSeconds(7200));

        assertThat(GripSigValidator.isValid(fresh, KEY, "pushpin")).isTrue();
        assertThat(GripSig.isValid(fresh, KEY, "pushpin")).isTrue();
        assertThat(GripSigValidator.isValid(stale, KEY, null)).isFalse();
        assertThat(GripSig.isValid(stale, KEY, null)).isFalse();
    }
}
