package io.holdfast.grip.sig;

import com.auth0.jwt.algorithms.Algorithm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A key for signing or verifying {@code Grip-Sig} tokens, read from a Pushpin-style key spec.
 *
 * <p>Pushpin's {@code sig_key}, {@code upstream_key} and route {@code sig_key=} all take the same
 * forms (spec 1.1.2): a plain string (its UTF-8 bytes are an HS256 secret), {@code base64:<b64>}
 * (a binary secret), or {@code file:<path>} relative to the config file's directory, where a file
 * starting with {@code -----BEGIN} is a PEM key (EC gives ES256, RSA gives RS256) and any other file
 * holds the secret as hex text. This class turns any of them into the matching java-jwt algorithm.
 * A public key alone can verify but not sign. Instances are immutable; {@link #toString()} never
 * shows secret material.
 */
public final class GripKey {

    private static final String BASE64_PREFIX = "base64:";
    private static final String FILE_PREFIX = "file:";

    private final Algorithm algorithm;
    private final boolean canSign;
    private final String description;

    private GripKey(Algorithm algorithm, boolean canSign, String description) {
        this.algorithm = algorithm;
        this.canSign = canSign;
        this.description = description;
    }

    /**
     * Reads a key spec.
     *
     * @param spec    the configured value, e.g. {@code changeme}, {@code base64:c2VjcmV0},
     *                {@code file:keys/sig.pem}
     * @param baseDir the directory {@code file:} paths are relative to (the config file's directory);
     *                null means the working directory
     * @throws GripKeyException if the spec is empty, malformed, or names an unreadable or invalid file
     */
    public static GripKey parse(String spec, Path baseDir) {
        if (spec == null || spec.isEmpty()) {
            throw new GripKeyException("key is empty");
        }
        if (spec.startsWith(BASE64_PREFIX)) {
            byte[] secret;
            try {
                secret = Base64.getDecoder().decode(spec.substring(BASE64_PREFIX.length()).trim());
            } catch (IllegalArgumentException e) {
                throw new GripKeyException("base64: key is not valid base64", e);
            }
            return ofSecret(secret);
        }
        if (spec.startsWith(FILE_PREFIX)) {
            return fromFile(spec.substring(FILE_PREFIX.length()), baseDir);
        }
        return ofSecret(spec.getBytes(StandardCharsets.UTF_8));
    }

    /** An HS256 key from a shared secret; the array is copied. */
    public static GripKey ofSecret(byte[] secret) {
        if (secret == null || secret.length == 0) {
            throw new GripKeyException("key is empty");
        }
        byte[] copy = Arrays.copyOf(secret, secret.length);
        return new GripKey(Algorithm.HMAC256(copy), true, "HS256 secret (" + copy.length + " bytes)");
    }

    /**
     * An ES256 or RS256 key from PEM text (see the class description for the block types).
     *
     * @throws GripKeyException if no usable key is found
     */
    public static GripKey ofPem(String pem) {
        return ofPem(pem, "PEM");
    }

    /**
     * An ES256/RS256 key from JDK key objects; either may be null (not both). A public key alone
     * verifies only.
     */
    public static GripKey ofKeys(PublicKey publicKey, PrivateKey privateKey) {
        if (publicKey == null && privateKey == null) {
            throw new GripKeyException("no key given");
        }
        Object any = privateKey != null ? privateKey : publicKey;
        if (any instanceof ECKey ec) {
            int bits = ec.getParams().getCurve().getField().getFieldSize();
            Algorithm alg;
            switch (bits) {
                case 256 -> alg = Algorithm.ECDSA256((ECPublicKey) publicKey, (ECPrivateKey) privateKey);
                case 384 -> alg = Algorithm.ECDSA384((ECPublicKey) publicKey, (ECPrivateKey) privateKey);
                case 521 -> alg = Algorithm.ECDSA512((ECPublicKey) publicKey, (ECPrivateKey) privateKey);
                default -> throw new GripKeyException("unsupported EC curve size " + bits
                        + " (expected P-256, P-384 or P-521)");
            }
            return new GripKey(alg, privateKey != null, alg.getName() + (privateKey != null ? " key pair" : " public key"));
        }
        if (any instanceof RSAPublicKey || any instanceof RSAPrivateKey) {
            Algorithm alg = Algorithm.RSA256((RSAPublicKey) publicKey, (RSAPrivateKey) privateKey);
            return new GripKey(alg, privateKey != null, "RS256" + (privateKey != null ? " key pair" : " public key"));
        }
        throw new GripKeyException("unsupported key type " + ((Key) any).getAlgorithm()
                + " (expected EC or RSA)");
    }

    private static GripKey ofPem(String pem, String source) {
        PemKeyReader.Keys keys = PemKeyReader.read(pem, source);
        return ofKeys(keys.publicKey(), keys.privateKey());
    }

    private static GripKey fromFile(String pathText, Path baseDir) {
        String source = FILE_PREFIX + pathText;
        if (pathText.isEmpty()) {
            throw new GripKeyException(source + ": no path given");
        }
        Path path = Path.of(pathText);
        if (!path.isAbsolute() && baseDir != null) {
            path = baseDir.resolve(path);
        }
        String text;
        try {
            text = new String(Files.readAllBytes(path), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new GripKeyException(source + ": cannot read " + path + " (" + e.getClass().getSimpleName() + ")", e);
        }
        String trimmed = text.strip();
        if (trimmed.startsWith("-----BEGIN")) {
            return ofPem(trimmed, source);
        }
        // Not PEM: the file holds the secret as hex text (spec 1.1.2).
        if (trimmed.isEmpty()) {
            throw new GripKeyException(source + ": file is empty");
        }
        try {
            return ofSecret(HexFormat.of().parseHex(trimmed));
        } catch (IllegalArgumentException e) {
            throw new GripKeyException(source + ": expected a PEM key or a hex-encoded secret", e);
        }
    }

    /** Whether this key can sign (a secret or a private key); a public key only verifies. */
    public boolean canSign() {
        return canSign;
    }

    /** The JWS algorithm: {@code HS256}, {@code ES256} or {@code RS256} (ES384/ES512 for larger curves). */
    public String algorithmName() {
        return algorithm.getName();
    }

    Algorithm algorithm() {
        return algorithm;
    }

    @Override
    public String toString() {
        return "GripKey[" + description + "]";
    }
}
