package io.holdfast.server.publish;

import io.holdfast.grip.sig.GripKey;
import io.holdfast.grip.sig.GripSig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;

/**
 * Publish API authentication, which Pushpin lacks: with {@code publish_key} set, a request needs
 * {@code Authorization: Bearer <JWT>} signed with the key (as GRIP libraries send for {@code iss}
 * and {@code key} in a GRIP_URL), or Basic auth with the key as password. Without a key the API is
 * open, and the server refuses to expose it beyond loopback.
 */
final class PublishAuth {
    private final GripKey key;
    private final byte[] secret;

    PublishAuth(String publishKey, java.nio.file.Path keyDir) {
        this.key = publishKey == null ? null : GripKey.parse(publishKey, keyDir);
        this.secret = publishKey == null ? null : publishKey.getBytes(StandardCharsets.UTF_8);
    }

    /** Null when allowed; otherwise why not, for the 401 body and the log. */
    String check(String authorization) {
        if (key == null) {
            return null;
        }
        if (authorization == null) {
            return "Authorization required (publish_key is set): send Bearer <JWT> or Basic auth.";
        }
        if (authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String token = authorization.substring(7).strip();
            return GripSig.verify(token, key, Instant.now()) ? null : "Bearer token is not a valid, unexpired JWT for publish_key.";
        }
        if (authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).strip()),
                        StandardCharsets.UTF_8);
                int colon = decoded.indexOf(':');
                byte[] password = decoded.substring(colon + 1).getBytes(StandardCharsets.UTF_8);
                return MessageDigest.isEqual(password, secret) ? null : "Basic auth password does not match publish_key.";
            } catch (IllegalArgumentException e) {
                return "Malformed Basic authorization.";
            }
        }
        return "Unsupported authorization scheme (expected Bearer or Basic).";
    }
}
