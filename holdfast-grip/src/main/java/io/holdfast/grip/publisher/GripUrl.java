package io.holdfast.grip.publisher;

import io.holdfast.grip.sig.GripKey;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;

/**
 * A parsed {@code GRIP_URL}: where to publish and how to authenticate, from one string that fits in
 * an environment variable.
 *
 * <p>All GRIP client libraries read the same convention (spec 7):
 * {@code http(s)://[user:pass@]host[:port][/base][?iss=..&key=..&verify-iss=..&verify-key=..]}. The
 * publish URL is {@code <base>/publish/}. {@code key} alone is a Bearer token; {@code iss} with
 * {@code key} means a JWT signed per request with {@code key} (plain text, {@code base64:...}, or
 * {@code file:...} as for {@link GripKey#parse}); a user and password in the URL mean Basic auth (used
 * only when there is no {@code key}). {@code verify-iss} and {@code verify-key} are not used to
 * publish; they are kept for origins that validate {@code Grip-Sig} against the same configuration.
 * Other query parameters stay on the publish URL. Query values are percent-decoded, but a {@code +}
 * stays a {@code +}, so a raw base64 key survives. Error messages never repeat credentials.
 */
public final class GripUrl {

    private static final String BASE64_PREFIX = "base64:";

    private final URI publishUri;
    private final PublishAuth auth;
    private final String verifyIssuer;
    private final String verifyKey;

    private GripUrl(URI publishUri, PublishAuth auth, String verifyIssuer, String verifyKey) {
        this.publishUri = publishUri;
        this.auth = auth;
        this.verifyIssuer = verifyIssuer;
        this.verifyKey = verifyKey;
    }

    /**
     * Parses a GRIP_URL such as {@code http://localhost:5561} or
     * {@code https://api.fastly.com/service/ID?key=TOKEN}.
     *
     * @throws IllegalArgumentException if it is not an absolute http(s) URL with a host, or its key
     *                                  is unusable
     */
    public static GripUrl parse(String gripUrl) {
        if (gripUrl == null || gripUrl.isBlank()) {
            throw new IllegalArgumentException("gripUrl: empty (expected: http(s)://host[:port][/base][?key=..])");
        }
        URI uri;
        try {
            uri = new URI(gripUrl.strip());
        } catch (URISyntaxException e) {
            // The reason names the offending character; the input itself may hold a key.
            throw new IllegalArgumentException("gripUrl: not a valid URL (" + e.getReason() + " at index "
                    + e.getIndex() + ")");
        }
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
            throw new IllegalArgumentException("gripUrl: scheme " + scheme + " (expected: http or https)");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("gripUrl: no host (expected: http(s)://host[:port][/base])");
        }

        String iss = null;
        String key = null;
        String verifyIss = null;
        String verifyKey = null;
        StringBuilder otherQuery = new StringBuilder();
        String rawQuery = uri.getRawQuery();
        if (rawQuery != null && !rawQuery.isEmpty()) {
            for (String pair : rawQuery.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String name = decode(eq < 0 ? pair : pair.substring(0, eq));
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                switch (name) {
                    case "iss" -> iss = value;
                    case "key" -> key = value;
                    case "verify-iss" -> verifyIss = value;
                    case "verify-key" -> verifyKey = value;
                    default -> otherQuery.append(otherQuery.length() == 0 ? "" : "&").append(pair);
                }
            }
        }

        PublishAuth auth = PublishAuth.none();
        if (key != null && !key.isEmpty()) {
            if (iss != null && !iss.isEmpty()) {
                auth = PublishAuth.jwt(iss, parseKey(key));
            } else {
                auth = PublishAuth.bearer(bearerToken(key));
            }
        } else if (uri.getRawUserInfo() != null) {
            String userInfo = uri.getRawUserInfo();
            int colon = userInfo.indexOf(':');
            String user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
            String pass = colon < 0 ? "" : decode(userInfo.substring(colon + 1));
            auth = PublishAuth.basic(user, pass);
        }

        StringBuilder publish = new StringBuilder();
        publish.append(scheme.toLowerCase(Locale.ROOT)).append("://").append(uri.getRawAuthority()
                .substring(uri.getRawUserInfo() == null ? 0 : uri.getRawUserInfo().length() + 1));
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        publish.append(path).append("/publish/");
        if (otherQuery.length() > 0) {
            publish.append('?').append(otherQuery);
        }
        return new GripUrl(URI.create(publish.toString()), auth, emptyToNull(verifyIss), emptyToNull(verifyKey));
    }

    /** The URL items are POSTed to: {@code <base>/publish/}, without credentials. */
    public URI publishUri() {
        return publishUri;
    }

    /** How to authenticate publishes; {@link PublishAuth#none()} when the URL carries no credentials. */
    public PublishAuth auth() {
        return auth;
    }

    /** {@code verify-iss}: the issuer an origin should expect in {@code Grip-Sig}, if given. */
    public Optional<String> verifyIssuer() {
        return Optional.ofNullable(verifyIssuer);
    }

    /** {@code verify-key}: the key spec an origin should verify {@code Grip-Sig} with, if given. */
    public Optional<String> verifyKey() {
        return Optional.ofNullable(verifyKey);
    }

    @Override
    public String toString() {
        return "GripUrl[" + publishUri + ", " + auth + "]";
    }

    private static GripKey parseKey(String key) {
        try {
            return GripKey.parse(key, null);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("gripUrl: key: " + e.getMessage(), e);
        }
    }

    // js-grip decodes a base64: key to bytes and sends those bytes as the Bearer token.
    private static String bearerToken(String key) {
        if (!key.startsWith(BASE64_PREFIX)) {
            return key;
        }
        try {
            byte[] bytes = Base64.getDecoder().decode(key.substring(BASE64_PREFIX.length()));
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("gripUrl: key: base64: key is not valid base64");
        }
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    /** Percent-decodes UTF-8; unlike form decoding, {@code +} is kept. A bad escape is kept as is. */
    private static String decode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        ByteArrayOutputStream escaped = new ByteArrayOutputStream();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            int hi = i + 2 < s.length() ? Character.digit(s.charAt(i + 1), 16) : -1;
            int lo = hi >= 0 ? Character.digit(s.charAt(i + 2), 16) : -1;
            if (c == '%' && lo >= 0) {
                escaped.write(hi << 4 | lo);
                i += 3;
            } else {
                flush(escaped, out);
                out.append(c);
                i++;
            }
        }
        flush(escaped, out);
        return out.toString();
    }

    private static void flush(ByteArrayOutputStream escaped, StringBuilder out) {
        if (escaped.size() > 0) {
            out.append(escaped.toString(StandardCharsets.UTF_8));
            escaped.reset();
        }
    }
}
