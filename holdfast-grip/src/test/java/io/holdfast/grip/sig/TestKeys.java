package io.holdfast.grip.sig;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;

/** Key material generated per test run, written as PEM the way OpenSSL and the JDK write it. */
final class TestKeys {

    private TestKeys() {
    }

    static KeyPair ec() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    static KeyPair rsa() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return g.generateKeyPair();
    }

    static String pem(String label, byte[] der) {
        String b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + label + "-----\n" + b64 + "\n-----END " + label + "-----\n";
    }

    static Path write(Path dir, String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    /** The SEC1 form OpenSSL writes ("EC PRIVATE KEY"), with the curve named in [0]. */
    static byte[] sec1(KeyPair ec) {
        byte[] pkcs8 = ec.getPrivate().getEncoded();
        // PKCS#8 holds SEC1 in its OCTET STRING; take the scalar out of it and rebuild with [0] curve.
        byte[] inner = Der.parse(pkcs8).children().get(2).value();
        Der.Node d = Der.parse(inner).children().get(1);
        byte[] prime256v1 = {0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x03, 0x01, 0x07};
        return Der.encode(Der.SEQUENCE, Der.encode(Der.INTEGER, new byte[] {1}), Der.encode(d),
                Der.encode(Der.CONTEXT_0, Der.encode(Der.OID, prime256v1)));
    }

    /** The PKCS#1 form ("RSA PRIVATE KEY"): the structure inside the PKCS#8 wrapper. */
    static byte[] pkcs1(KeyPair rsa) {
        return Der.parse(rsa.getPrivate().getEncoded()).children().get(2).value();
    }
}
