package io.holdfast.grip.sig;

import com.auth0.jwt.JWT;
import com.auth0.jwt.interfaces.Claim;
import com.auth0.jwt.interfaces.DecodedJWT;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Signs and verifies the {@code Grip-Sig} JWT that tells an origin a request came through the proxy.
 *
 * <p>Pushpin signs every forwarded request (and every WebSocket-over-HTTP POST) with claims
 * {@code {"iss": sig_iss, "exp": now + 3600}} and nothing else (spec 1.1.2). Verification, for
 * origins and for a proxy checking {@code upstream_key}, accepts a token only if its signature is
 * good under the key's algorithm and its {@code exp} is present, positive and still in the future;
 * {@code iss} is deliberately not checked by {@link #verify}, as Pushpin does not check it (origins
 * that want it checked use {@link GripSigValidator}). Time is passed in so that callers and tests
 * control the clock.
 */
public final class GripSig {

    /** Pushpin's signature lifetime: one hour. */
    public static final Duration DEFAULT_TTL = Duration.ofHours(1);

    /** Pushpin's default {@code sig_iss}. */
    public static final String DEFAULT_ISSUER = "pushpin";

    private GripSig() {
    }

    /**
     * Signs a token with exactly the claims {@code iss} (omitted if null) and {@code exp}
     * ({@code now + ttl} in Unix seconds).
     *
     * @throws GripKeyException if the key cannot sign (a public key)
     */
    public static String sign(GripKey key, String issuer, Instant now, Duration ttl) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(ttl, "ttl");
        if (!key.canSign()) {
            throw new GripKeyException(key + " cannot sign: it is a public key");
        }
        long exp = now.getEpochSecond() + ttl.getSeconds();
        var builder = JWT.create();
        if (issuer != null) {
            builder.withIssuer(issuer);
        }
        return builder.withExpiresAt(Instant.ofEpochSecond(exp)).sign(key.algorithm());
    }

    /** Signs with the default one-hour lifetime. */
    public static String sign(GripKey key, String issuer, Instant now) {
        return sign(key, issuer, now, DEFAULT_TTL);
    }

    /**
     * Whether {@code token} is a JWT signed by {@code key} (with the key's algorithm) whose
     * {@code exp} is present, {@code > 0} and after {@code now}. Never throws for bad input.
     */
    public static boolean verify(String token, GripKey key, Instant now) {
        return check(token, key, now) != null;
    }

    /**
     * The origin's check of a {@code Grip-Sig} header, now, with an optional (null) expected issuer;
     * the same as {@link GripSigValidator#isValid(String, GripKey, String)}.
     */
    public static boolean isValid(String gripSigHeader, GripKey key, String expectedIssuer) {
        return GripSigValidator.isValid(gripSigHeader, key, expectedIssuer);
    }

    /**
     * The {@code iss} claim of a token that passes {@link #verify}; empty if the token fails or has
     * no string {@code iss}.
     */
    public static Optional<String> verifiedIssuer(String token, GripKey key, Instant now) {
        DecodedJWT jwt = check(token, key, now);
        if (jwt == null) {
            return Optional.empty();
        }
        Claim iss = jwt.getClaim("iss");
        return iss.isMissing() || iss.isNull() ? Optional.empty() : Optional.ofNullable(iss.asString());
    }

    private static DecodedJWT check(String token, GripKey key, Instant now) {
        if (token == null || key == null || now == null) {
            return null;
        }
        try {
            DecodedJWT jwt = JWT.decode(token.trim());
            // The header must name the key's algorithm, so a token cannot pick a weaker one.
            if (!key.algorithmName().equals(jwt.getAlgorithm())) {
                return null;
            }
            key.algorithm().verify(jwt);
            Claim exp = jwt.getClaim("exp");
            if (exp.isMissing() || exp.isNull()) {
                return null;
            }
            Long expSeconds = exp.asLong();
            if (expSeconds == null || expSeconds <= 0 || now.getEpochSecond() >= expSeconds) {
                return null;
            }
            return jwt;
        } catch (RuntimeException e) {
            // JWTDecodeException, SignatureVerificationException, or a key that cannot verify.
            return null;
        }
    }
}
