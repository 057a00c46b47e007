package io.holdfast.grip.publisher;

import io.holdfast.grip.sig.GripKey;
import io.holdfast.grip.sig.GripSig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * How a {@link GripPublisher} authenticates to a publish endpoint: not at all, with a Bearer token,
 * with Basic credentials, or with a short-lived JWT it signs itself.
 *
 * <p>Pushpin's own publish endpoint has no authentication (it relies on binding to localhost), but
 * Fastly Fanout and publish endpoints behind a gateway do, and the GRIP client libraries agree on
 * these three schemes (spec 3.1 and 7). A JWT is signed afresh for every request, so a long-lived
 * publisher never sends an expired token. {@code toString()} never shows secrets.
 */
public sealed interface PublishAuth permits PublishAuth.None, PublishAuth.Bearer, PublishAuth.Basic, PublishAuth.Jwt {

    /**
     * The {@code Authorization} header value for a request sent at {@code now}, or empty when no
     * header is sent.
     */
    Optional<String> header(Instant now);

    /** No {@code Authorization} header. */
    static PublishAuth none() {
        return None.INSTANCE;
    }

    /** {@code Authorization: Bearer <token>}. */
    static PublishAuth bearer(String token) {
        return new Bearer(token);
    }

    /** {@code Authorization: Basic base64(user:password)}. */
    static PublishAuth basic(String user, String password) {
        return new Basic(user, password);
    }

    /**
     * {@code Authorization: Bearer <jwt>} with claims {@code iss} and {@code exp} (ten minutes after
     * signing), signed per request with {@code key}.
     */
    static PublishAuth jwt(String issuer, GripKey key) {
        return new Jwt(issuer, key);
    }

    /** No authentication; Pushpin's publish endpoint needs none. */
    final class None implements PublishAuth {
        static final None INSTANCE = new None();

        private None() {
        }

        @Override
        public Optional<String> header(Instant now) {
            return Optional.empty();
        }

        @Override
        public String toString() {
            return "PublishAuth[none]";
        }
    }

    /**
     * A static Bearer token, e.g. a Fastly API token (the {@code key} of a GRIP_URL without
     * {@code iss}).
     *
     * @param token the token, sent as is
     */
    record Bearer(String token) implements PublishAuth {
        public Bearer {
            Objects.requireNonNull(token, "token");
            if (token.isEmpty()) {
                throw new IllegalArgumentException("token: empty");
            }
        }

        @Override
        public Optional<String> header(Instant now) {
            return Optional.of("Bearer " + token);
        }

        @Override
        public String toString() {
            return "PublishAuth[bearer]";
        }
    }

    /**
     * HTTP Basic credentials (the {@code user:pass@} of a GRIP_URL).
     *
     * @param user     the user name
     * @param password the password, possibly empty
     */
    record Basic(String user, String password) implements PublishAuth {
        public Basic {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(password, "password");
        }

        @Override
        public Optional<String> header(Instant now) {
            String pair = user + ":" + password;
            return Optional.of("Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
        }

        @Override
        public String toString() {
            return "PublishAuth[basic user=" + user + "]";
        }
    }

    /**
     * A JWT signed per request (the {@code iss} + {@code key} of a GRIP_URL): HS256 for a shared
     * secret, ES256/RS256 for a PEM private key.
     *
     * @param issuer the {@code iss} claim
     * @param key    a key that can sign
     */
    record Jwt(String issuer, GripKey key) implements PublishAuth {

        /** Token lifetime, as the GRIP client libraries use: ten minutes. */
        public static final Duration TTL = Duration.ofMinutes(10);

        public Jwt {
            Objects.requireNonNull(issuer, "issuer");
            Objects.requireNonNull(key, "key");
            if (!key.canSign()) {
                throw new IllegalArgumentException("key: " + key + " (expected: a secret or a private key)");
            }
        }

        @Override
        public Optional<String> header(Instant now) {
            return Optional.of("Bearer " + GripSig.sign(key, issuer, now, TTL));
        }

        @Override
        public String toString() {
            return "PublishAuth[jwt iss=" + issuer + ", " + key + "]";
        }
    }
}
