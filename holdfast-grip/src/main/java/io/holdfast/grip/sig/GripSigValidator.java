package io.holdfast.grip.sig;

import java.time.Instant;
import java.util.Optional;

/**
 * The check an origin runs on the {@code Grip-Sig} request header to know a request really came
 * through its GRIP proxy (spec 1.1.2).
 *
 * <p>A request passes only if the header is a JWT signed with the shared key (in the key's own
 * algorithm, so a token cannot choose a weaker one), its {@code exp} is present, positive and in the
 * future, and, when the origin names an expected issuer, its {@code iss} equals it. An origin should
 * treat a request that fails as not coming from the proxy: in particular it must not trust that
 * request's {@code Meta-*} headers, which only the proxy may set. Never throws for bad input, so it
 * can sit directly in an {@code if}.
 */
public final class GripSigValidator {

    private GripSigValidator() {
    }

    /**
     * Whether {@code gripSigHeader} is valid now.
     *
     * @param gripSigHeader  the {@code Grip-Sig} header value; null (absent) is never valid
     * @param key            the proxy's {@code sig_key} (a secret, or a public key for ES256/RS256)
     * @param expectedIssuer the required {@code iss} (Pushpin's default is {@code pushpin}), or null to
     *                       accept any issuer, as Pushpin itself does
     */
    public static boolean isValid(String gripSigHeader, GripKey key, String expectedIssuer) {
        return isValid(gripSigHeader, key, expectedIssuer, Instant.now());
    }

    /** Like {@link #isValid(String, GripKey, String)}, at the given time. */
    public static boolean isValid(String gripSigHeader, GripKey key, String expectedIssuer, Instant now) {
        if (gripSigHeader == null || key == null || now == null) {
            return false;
        }
        if (expectedIssuer == null) {
            return GripSig.verify(gripSigHeader, key, now);
        }
        Optional<String> issuer = GripSig.verifiedIssuer(gripSigHeader, key, now);
        return issuer.isPresent() && issuer.get().equals(expectedIssuer);
    }
}
