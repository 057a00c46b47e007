package io.holdfast.grip.sig;

import static org.assertj.core.api.Assertions.assertThat;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.interfaces.DecodedJWT;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GripSigTest {

    private static final byte[] SECRET = "changeme".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    @Test
    void hs256_token_has_exactly_iss_and_exp_and_verifies_with_java_jwt() {
        Instant now = Instant.now();
        String token = GripSig.sign(GripKey.ofSecret(SECRET), "pushpin", now);

        DecodedJWT jwt = JWT.require(Algorithm.HMAC256(SECRET)).withIssuer("pushpin").build().verify(token);
        assertThat(jwt.getAlgorithm()).isEqualTo("HS256");
        assertThat(jwt.getClaims()).containsOnlyKeys("iss", "exp");
        assertThat(jwt.getClaim("exp").asLong()).isEqualTo(now.getEpochSecond() + 3600);
    }

    @Test
    void payload_is_the_spec_example_shape() {
        String token = GripSig.sign(GripKey.ofSecret(SECRET), "pushpin", Instant.ofEpochSecond(1_700_000_000L));
        String payload = new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
        assertThat(payload).contains("\"iss\":\"pushpin\"").contains("\"exp\":1700003600");
    }

    @Test
    void es256_pem_file_key_signs_tokens_java_jwt_verifies() throws Exception {
        KeyPair pair = TestKeys.ec();
        TestKeys.write(dir, "sig.pem", TestKeys.pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
        GripKey key = GripKey.parse("file:sig.pem", dir);
        Instant now = Instant.now();

        String token = GripSig.sign(key, "holdfast", now, Duration.ofMinutes(5));

        DecodedJWT jwt = JWT.require(Algorithm.ECDSA256((ECPublicKey) pair.getPublic(), null)).build().verify(token);
        assertThat(jwt.getAlgorithm()).isEqualTo("ES256");
        assertThat(jwt.getIssuer()).isEqualTo("holdfast");
        assertThat(jwt.getClaim("exp").asLong()).isEqualTo(now.getEpochSecond() + 300);
        assertThat(GripSig.verify(token, key, now)).isTrue();
    }

    @Test
    void token_signed_by_java_jwt_verifies_here() {
        Instant now = Instant.ofEpochSecond(1_700_000_000L);
        String token = JWT.create().withIssuer("pushpin").withExpiresAt(now.plusSeconds(60))
                .sign(Algorithm.HMAC256(SECRET));
        assertThat(GripSig.verify(token, GripKey.ofSecret(SECRET), now)).isTrue();
        assertThat(GripSig.verifiedIssuer(token, GripKey.ofSecret(SECRET), now)).contains("pushpin");
    }

    @Test
    void expired_token_is_rejected() {
        Instant signed = Instant.ofEpochSecond(1_700_000_000L);
        GripKey key = GripKey.ofSecret(SECRET);
        String token = GripSig.sign(key, "pushpin", signed);
        assertThat(GripSig.verify(token, key, signed.plusSeconds(3599))).isTrue();
        assertThat(GripSig.verify(token, key, signed.plusSeconds(3600))).isFalse();
        assertThat(GripSig.verify(token, key, signed.plusSeconds(7200))).isFalse();
    }

    @Test
    void token_without_exp_or_with_non_positive_exp_is_rejected() {
        Instant now = Instant.ofEpochSecond(1_700_000_000L);
        GripKey key = GripKey.ofSecret(SECRET);
        String noExp = JWT.create().withIssuer("pushpin").sign(Algorithm.HMAC256(SECRET));
        String zeroExp = JWT.create().withClaim("exp", 0L).sign(Algorithm.HMAC256(SECRET));
        String negativeExp = JWT.create().withClaim("exp", -5L).sign(Algorithm.HMAC256(SECRET));
        assertThat(GripSig.verify(noExp, key, now)).isFalse();
        assertThat(GripSig.verify(zeroExp, key, Instant.ofEpochSecond(-100))).isFalse();
        assertThat(GripSig.verify(negativeExp, key, Instant.ofEpochSecond(-100))).isFalse();
    }

    @Test
    void token_signed_with_another_secret_is_rejected() {
        Instant now = Instant.now();
        String forged = GripSig.sign(GripKey.ofSecret("attacker".getBytes(StandardCharsets.UTF_8)), "pushpin", now);
        assertThat(GripSig.verify(forged, GripKey.ofSecret(SECRET), now)).isFalse();
    }

    @Test
    void tampered_payload_is_rejected() {
        Instant now = Instant.ofEpochSecond(1_700_000_000L);
        String token = GripSig.sign(GripKey.ofSecret(SECRET), "pushpin", now);
        String[] parts = token.split("\\.");
        String longer = Base64.getUrlEncoder().withoutPadding()
                .encodeToString("{\"iss\":\"pushpin\",\"exp\":1900000000}".getBytes(StandardCharsets.UTF_8));
        assertThat(GripSig.verify(parts[0] + "." + longer + "." + parts[2], GripKey.ofSecret(SECRET), now)).isFalse();
    }

    @Test
    void unsigned_alg_none_token_is_rejected() {
        Instant now = Instant.ofEpochSecond(1_700_000_000L);
        String none = JWT.create().withExpiresAt(now.plusSeconds(60)).sign(Algorithm.none());
        assertThat(GripSig.verify(none, GripKey.ofSecret(SECRET), now)).isFalse();
    }

    @Test
    void token_whose_header_names_another_algorithm_is_rejected() throws Exception {
        Instant now = Instant.now();
        KeyPair pair = TestKeys.ec();
        GripKey ec = GripKey.ofKeys(pair.getPublic(), pair.getPrivate());
        String hs = GripSig.sign(GripKey.ofSecret(SECRET), "pushpin", now);
        assertThat(GripSig.verify(hs, ec, now)).isFalse();
    }

    @Test
    void garbage_and_null_tokens_are_rejected_without_throwing() {
        GripKey key = GripKey.ofSecret(SECRET);
        Instant now = Instant.now();
        assertThat(GripSig.verify("not.a.jwt", key, now)).isFalse();
        assertThat(GripSig.verify("", key, now)).isFalse();
        assertThat(GripSig.verify(null, key, now)).isFalse();
        assertThat(GripSig.verifiedIssuer("x", key, now)).isEmpty();
    }

    @Test
    void issuer_is_not_checked() {
        Instant now = Instant.now();
        GripKey key = GripKey.ofSecret(SECRET);
        String token = GripSig.sign(key, "somebody-else", now);
        assertThat(GripSig.verify(token, key, now)).isTrue();
        assertThat(GripSig.verifiedIssuer(token, key, now)).contains("somebody-else");
    }
}
