package io.holdfast.grip.sig;

import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the EC or RSA key held in a PEM file named by {@code sig_key=file:...} (spec 1.1.2).
 *
 * <p>Accepts what OpenSSL and the JDK write: PKCS#8 {@code PRIVATE KEY}, SEC1 {@code EC PRIVATE KEY},
 * PKCS#1 {@code RSA PRIVATE KEY} and {@code RSA PUBLIC KEY}, X.509 {@code PUBLIC KEY} and
 * {@code CERTIFICATE}. A file may hold several blocks (a private key and its public key, or
 * {@code EC PARAMETERS} before the key); the first private and the first public key win. When only a
 * private key is given, its public half is derived so the key can verify as well as sign.
 */
final class PemKeyReader {

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);

    /** The keys found; either may be null, not both. */
    record Keys(PublicKey publicKey, PrivateKey privateKey) {
    }

    private PemKeyReader() {
    }

    /**
     * @param source names the file in error messages
     */
    static Keys read(String pem, String source) {
        PublicKey publicKey = null;
        PrivateKey privateKey = null;
        List<String> labels = new ArrayList<>();
        Matcher m = BLOCK.matcher(pem);
        while (m.find()) {
            String label = m.group(1);
            labels.add(label);
            String body = m.group(2);
            if (body.contains("Proc-Type:") || label.startsWith("ENCRYPTED")) {
                throw new GripKeyException(source + ": encrypted PEM keys are not supported; decrypt it first "
                        + "(openssl pkey -in key.pem -out plain.pem)");
            }
            byte[] der;
            try {
                der = Base64.getMimeDecoder().decode(body.trim());
            } catch (IllegalArgumentException e) {
                throw new GripKeyException(source + ": PEM block " + label + " is not valid base64", e);
            }
            try {
                switch (label) {
                    case "PRIVATE KEY":
                        if (privateKey == null) {
                            privateKey = pkcs8(der);
                        }
                        break;
                    case "EC PRIVATE KEY":
                        if (privateKey == null) {
                            privateKey = pkcs8(sec1ToPkcs8(der));
                        }
                        break;
                    case "RSA PRIVATE KEY":
                        if (privateKey == null) {
                            privateKey = pkcs1Private(der);
                        }
                        break;
                    case "PUBLIC KEY":
                        if (publicKey == null) {
                            publicKey = subjectPublicKeyInfo(der);
                        }
                        break;
                    case "RSA PUBLIC KEY":
                        if (publicKey == null) {
                            publicKey = pkcs1Public(der);
                        }
                        break;
                    case "CERTIFICATE":
                        if (publicKey == null) {
                            publicKey = CertificateFactory.getInstance("X.509")
                                    .generateCertificate(new ByteArrayInputStream(der)).getPublicKey();
                        }
                        break;
                    default:
                        break; // e.g. EC PARAMETERS: not a key, nothing to read
                }
            } catch (GeneralSecurityException | IllegalArgumentException | ClassCastException
                     | IndexOutOfBoundsException e) {
                throw new GripKeyException(source + ": PEM block " + label + " is not a valid key: "
                        + e.getMessage(), e);
            }
        }
        if (privateKey == null && publicKey == null) {
            throw new GripKeyException(source + ": no private or public key found in PEM"
                    + (labels.isEmpty() ? "" : " (blocks: " + String.join(", ", labels) + ")"));
        }
        if (privateKey != null && publicKey == null) {
            publicKey = publicOf(privateKey, source);
        }
        if (privateKey != null && !privateKey.getAlgorithm().equals(publicKey.getAlgorithm())) {
            throw new GripKeyException(source + ": private key is " + privateKey.getAlgorithm()
                    + " but public key is " + publicKey.getAlgorithm());
        }
        return new Keys(publicKey, privateKey);
    }

    private static PrivateKey pkcs8(byte[] der) throws GeneralSecurityException {
        List<Der.Node> info = Der.parse(der).children();
        Der.Node algorithm = info.get(1).children().get(0);
        if (algorithm.isOid(Der.OID_EC_PUBLIC_KEY)) {
            return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
        }
        if (algorithm.isOid(Der.OID_RSA_ENCRYPTION)) {
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
        }
        throw new GeneralSecurityException("unsupported key algorithm (expected EC or RSA)");
    }

    // SEC1 (RFC 5915): SEQUENCE { 1, OCTET STRING d, [0] curve OID, [1] public point }.
    // PKCS#8 wraps it as SEQUENCE { 0, SEQUENCE { ecPublicKey, curve OID }, OCTET STRING sec1 }.
    private static byte[] sec1ToPkcs8(byte[] sec1) throws GeneralSecurityException {
        Der.Node curve = null;
        for (Der.Node child : Der.parse(sec1).children()) {
            if (child.tag() == Der.CONTEXT_0) {
                curve = child.children().get(0);
            }
        }
        if (curve == null || curve.tag() != Der.OID) {
            throw new GeneralSecurityException("EC PRIVATE KEY does not name its curve");
        }
        byte[] algorithm = Der.encode(Der.SEQUENCE, Der.encode(Der.OID, Der.OID_EC_PUBLIC_KEY), Der.encode(curve));
        return Der.encode(Der.SEQUENCE, Der.encode(Der.INTEGER, new byte[] {0}), algorithm,
                Der.encode(Der.OCTET_STRING, sec1));
    }

    // PKCS#1 (RFC 8017): SEQUENCE { version, n, e, d, p, q, dp, dq, qinv }.
    private static PrivateKey pkcs1Private(byte[] der) throws GeneralSecurityException {
        List<Der.Node> f = Der.parse(der).children();
        return KeyFactory.getInstance("RSA").generatePrivate(new RSAPrivateCrtKeySpec(
                f.get(1).integer(), f.get(2).integer(), f.get(3).integer(), f.get(4).integer(),
                f.get(5).integer(), f.get(6).integer(), f.get(7).integer(), f.get(8).integer()));
    }

    private static PublicKey pkcs1Public(byte[] der) throws GeneralSecurityException {
        List<Der.Node> f = Der.parse(der).children();
        return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(f.get(0).integer(),
                f.get(1).integer()));
    }

    private static PublicKey subjectPublicKeyInfo(byte[] der) throws GeneralSecurityException {
        Der.Node algorithm = Der.parse(der).children().get(0).children().get(0);
        if (algorithm.isOid(Der.OID_EC_PUBLIC_KEY)) {
            return KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der));
        }
        if (algorithm.isOid(Der.OID_RSA_ENCRYPTION)) {
            return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
        }
        throw new GeneralSecurityException("unsupported key algorithm (expected EC or RSA)");
    }

    private static PublicKey publicOf(PrivateKey privateKey, String source) {
        try {
            if (privateKey instanceof RSAPrivateCrtKey rsa) {
                return KeyFactory.getInstance("RSA").generatePublic(
                        new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
            }
            if (privateKey instanceof ECPrivateKey ec) {
                return EcPublicKeys.derive(ec);
            }
        } catch (GeneralSecurityException e) {
            throw new GripKeyException(source + ": cannot derive the public key: " + e.getMessage(), e);
        }
        throw new GripKeyException(source + ": cannot derive the public key of a "
                + privateKey.getAlgorithm() + " key; add a PUBLIC KEY block to the file");
    }
}
