package io.holdfast.grip.sig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GripKeyTest {

    private static final Instant NOW = Instant.ofEpochSecond(1_700_000_000L);

    @TempDir
    Path dir;

    @Test
    void plain_string_is_a_utf8_hs256_secret() {
        GripKey key = GripKey.parse("changeme", dir);
        assertThat(key.algorithmName()).isEqualTo("HS256");
        assertThat(key.canSign()).isTrue();
        String token = GripSig.sign(key, "pushpin", NOW);
        assertThat(GripSig.verify(token, GripKey.ofSecret("changeme".getBytes(StandardCharsets.UTF_8)), NOW)).isTrue();
    }

    @Test
    void base64_prefix_gives_a_binary_secret() {
        byte[] secret = {0, 1, 2, (byte) 0xff, 0x7f};
        GripKey key = GripKey.parse("base64:AAEC/38=", dir);
        String token = GripSig.sign(key, "pushpin", NOW);
        assertThat(GripSig.verify(token, GripKey.ofSecret(secret), NOW)).isTrue();
    }

    @Test
    void invalid_base64_is_rejected_without_echoing_the_secret() {
        assertThatThrownBy(() -> GripKey.parse("base64:not*base64", dir))
                .isInstanceOf(GripKeyException.class)
                .hasMessage("base64: key is not valid base64");
    }

    @Test
    void empty_key_is_rejected() {
        assertThatThrownBy(() -> GripKey.parse("", dir)).isInstanceOf(GripKeyException.class)
                .hasMessage("key is empty");
        assertThatThrownBy(() -> GripKey.ofSecret(new byte[0])).isInstanceOf(GripKeyException.class);
    }

    @Test
    void file_without_pem_marker_holds_a_hex_secret_relative_to_the_base_dir() throws Exception {
        Files.createDirectories(dir.resolve("keys"));
        TestKeys.write(dir.resolve("keys"), "secret.hex", "00ff10ab\n");
        GripKey key = GripKey.parse("file:keys/secret.hex", dir);
        assertThat(key.algorithmName()).isEqualTo("HS256");
        String token = GripSig.sign(key, "pushpin", NOW);
        assertThat(GripSig.verify(token, GripKey.ofSecret(HexFormat.of().parseHex("00ff10ab")), NOW)).isTrue();
    }

    @Test
    void file_with_bad_hex_names_the_file() throws Exception {
        TestKeys.write(dir, "bad.key", "not hex at all");
        assertThatThrownBy(() -> GripKey.parse("file:bad.key", dir))
                .isInstanceOf(GripKeyException.class)
                .hasMessage("file:bad.key: expected a PEM key or a hex-encoded secret");
    }

    @Test
    void missing_file_names_the_path() {
        assertThatThrownBy(() -> GripKey.parse("file:nope.pem", dir))
                .isInstanceOf(GripKeyException.class)
                .hasMessageStartingWith("file:nope.pem: cannot read ")
                .hasMessageContaining("NoSuchFileException");
    }

    @Test
    void empty_file_is_rejected() throws Exception {
        TestKeys.write(dir, "empty", "\n");
        assertThatThrownBy(() -> GripKey.parse("file:empty", dir)).hasMessage("file:empty: file is empty");
    }

    @Test
    void ec_pkcs8_private_key_file_signs_es256_and_verifies_with_its_derived_public_key() throws Exception {
        KeyPair pair = TestKeys.ec();
        TestKeys.write(dir, "ec.pem", TestKeys.pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
        GripKey key = GripKey.parse("file:ec.pem", dir);
        assertThat(key.algorithmName()).isEqualTo("ES256");
        assertThat(key.canSign()).isTrue();
        String token = GripSig.sign(key, "pushpin", NOW);
        // The same key verifies (public half derived), as does the real public key.
        assertThat(GripSig.verify(token, key, NOW)).isTrue();
        assertThat(GripSig.verify(token, GripKey.ofKeys(pair.getPublic(), null), NOW)).isTrue();
    }

    @Test
    void sec1_ec_private_key_is_accepted() throws Exception {
        KeyPair pair = TestKeys.ec();
        String pem = "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n"
                + TestKeys.pem("EC PRIVATE KEY", TestKeys.sec1(pair));
        GripKey key = GripKey.ofPem(pem);
        assertThat(key.algorithmName()).isEqualTo("ES256");
        String token = GripSig.sign(key, "pushpin", NOW);
        assertThat(GripSig.verify(token, GripKey.ofKeys(pair.getPublic(), null), NOW)).isTrue();
    }

    @Test
    void public_key_pem_verifies_but_cannot_sign() throws Exception {
        KeyPair pair = TestKeys.ec();
        TestKeys.write(dir, "pub.pem", TestKeys.pem("PUBLIC KEY", pair.getPublic().getEncoded()));
        GripKey pub = GripKey.parse("file:pub.pem", dir);
        assertThat(pub.canSign()).isFalse();
        assertThat(pub.algorithmName()).isEqualTo("ES256");
        String token = GripSig.sign(GripKey.ofKeys(pair.getPublic(), pair.getPrivate()), "pushpin", NOW);
        assertThat(GripSig.verify(token, pub, NOW)).isTrue();
        assertThatThrownBy(() -> GripSig.sign(pub, "pushpin", NOW))
                .isInstanceOf(GripKeyException.class)
                .hasMessageContaining("cannot sign");
    }

    @Test
    void rsa_pkcs8_and_pkcs1_private_keys_sign_rs256() throws Exception {
        KeyPair pair = TestKeys.rsa();
        GripKey verifier = GripKey.ofPem(TestKeys.pem("PUBLIC KEY", pair.getPublic().getEncoded()));
        for (String pem : new String[] {TestKeys.pem("PRIVATE KEY", pair.getPrivate().getEncoded()),
            TestKeys.pem("RSA PRIVATE KEY", TestKeys.pkcs1(pair))}) {
            GripKey key = GripKey.ofPem(pem);
            assertThat(key.algorithmName()).isEqualTo("RS256");
            String token = GripSig.sign(key, "pushpin", NOW);
            assertThat(GripSig.verify(token, verifier, NOW)).isTrue();
            assertThat(GripSig.verify(token, key, NOW)).isTrue();
        }
    }

    @Test
    void private_and_public_blocks_in_one_file_are_used_together() throws Exception {
        KeyPair pair = TestKeys.ec();
        String pem = TestKeys.pem("PRIVATE KEY", pair.getPrivate().getEncoded())
                + TestKeys.pem("PUBLIC KEY", pair.getPublic().getEncoded());
        GripKey key = GripKey.ofPem(pem);
        assertThat(GripSig.verify(GripSig.sign(key, "x", NOW), key, NOW)).isTrue();
    }

    @Test
    void mismatched_key_types_in_one_file_are_rejected() throws Exception {
        String pem = TestKeys.pem("PRIVATE KEY", TestKeys.ec().getPrivate().getEncoded())
                + TestKeys.pem("PUBLIC KEY", TestKeys.rsa().getPublic().getEncoded());
        assertThatThrownBy(() -> GripKey.ofPem(pem)).isInstanceOf(GripKeyException.class)
                .hasMessage("PEM: private key is EC but public key is RSA");
    }

    @Test
    void encrypted_pem_is_rejected_with_a_hint() {
        String pem = "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n";
        assertThatThrownBy(() -> GripKey.ofPem(pem)).isInstanceOf(GripKeyException.class)
                .hasMessageContaining("encrypted PEM keys are not supported");
    }

    @Test
    void pem_without_a_key_names_the_blocks_found() throws Exception {
        TestKeys.write(dir, "params.pem", "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n");
        assertThatThrownBy(() -> GripKey.parse("file:params.pem", dir)).isInstanceOf(GripKeyException.class)
                .hasMessage("file:params.pem: no private or public key found in PEM (blocks: EC PARAMETERS)");
    }

    @Test
    void garbage_inside_a_pem_block_is_reported_with_its_label() {
        String pem = "-----BEGIN PRIVATE KEY-----\nAAECAwQF\n-----END PRIVATE KEY-----\n";
        assertThatThrownBy(() -> GripKey.ofPem(pem)).isInstanceOf(GripKeyException.class)
                .hasMessageStartingWith("PEM: PEM block PRIVATE KEY is not a valid key");
    }

    @Test
    void to_string_never_shows_the_secret() {
        assertThat(GripKey.parse("supersecret", dir).toString()).isEqualTo("GripKey[HS256 secret (11 bytes)]")
                .doesNotContain("supersecret");
    }
}
