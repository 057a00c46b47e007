package io.holdfast.grip.sig;

import java.security.PrivateKey;

/**
 * The private key in PEM text, for callers outside signing that need the same reader: the server's
 * TLS listeners accept every key format {@code sig_key} does (PKCS#8 {@code PRIVATE KEY}, PKCS#1
 * {@code RSA PRIVATE KEY}, SEC1 {@code EC PRIVATE KEY}), so one file works for both.
 */
public final class PemKeys {
    private PemKeys() {
    }

    /**
     * @param source names the file in error messages
     * @throws GripKeyException when the text holds no usable private key
     */
    public static PrivateKey privateKey(String pem, String source) {
        PrivateKey key = PemKeyReader.read(pem, source).privateKey();
        if (key == null) {
            throw new GripKeyException(source + ": no private key found in PEM");
        }
        return key;
    }
}
