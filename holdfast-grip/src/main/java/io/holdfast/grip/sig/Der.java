package io.holdfast.grip.sig;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Just enough ASN.1 DER to read and re-wrap the key structures the JDK does not load by itself.
 *
 * <p>The JDK reads PKCS#8 private keys and X.509 public keys, but OpenSSL also writes SEC1
 * {@code EC PRIVATE KEY} and PKCS#1 {@code RSA PRIVATE KEY} files, which Pushpin users have on disk.
 * This reader walks those structures; the writer wraps a SEC1 key into PKCS#8 and an EC point into
 * an X.509 SubjectPublicKeyInfo.
 */
final class Der {

    static final int INTEGER = 0x02;
    static final int BIT_STRING = 0x03;
    static final int OCTET_STRING = 0x04;
    static final int NULL = 0x05;
    static final int OID = 0x06;
    static final int SEQUENCE = 0x30;
    static final int CONTEXT_0 = 0xa0;
    static final int CONTEXT_1 = 0xa1;

    // DER contents of the object identifiers we need (X.690 encoding, without tag and length).
    static final byte[] OID_EC_PUBLIC_KEY = {0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};
    static final byte[] OID_RSA_ENCRYPTION = {0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01,
        0x01};

    /** One decoded TLV element. */
    record Node(int tag, byte[] value) {

        /** The children of a constructed element (SEQUENCE, [0], [1]). */
        List<Node> children() {
            List<Node> out = new ArrayList<>();
            int[] pos = {0};
            while (pos[0] < value.length) {
                out.add(read(value, pos));
            }
            return out;
        }

        BigInteger integer() {
            if (tag != INTEGER) {
                throw new IllegalArgumentException("expected INTEGER, found tag " + tag);
            }
            return new BigInteger(value);
        }

        boolean isOid(byte[] oid) {
            return tag == OID && Arrays.equals(value, oid);
        }

        /** Bytes of a BIT STRING without the leading unused-bits count. */
        byte[] bits() {
            if (tag != BIT_STRING || value.length == 0 || value[0] != 0) {
                throw new IllegalArgumentException("expected a whole-byte BIT STRING");
            }
            return Arrays.copyOfRange(value, 1, value.length);
        }
    }

    private Der() {
    }

    /** Parses a complete DER element; trailing bytes are an error. */
    static Node parse(byte[] der) {
        int[] pos = {0};
        Node n = read(der, pos);
        if (pos[0] != der.length) {
            throw new IllegalArgumentException("trailing bytes after DER element");
        }
        return n;
    }

    static Node read(byte[] in, int[] pos) {
        int p = pos[0];
        if (p + 2 > in.length) {
            throw new IllegalArgumentException("truncated DER element");
        }
        int tag = in[p++] & 0xff;
        int len = in[p++] & 0xff;
        if (len >= 0x80) {
            int count = len & 0x7f;
            if (count == 0 || count > 3 || p + count > in.length) {
                throw new IllegalArgumentException("unsupported DER length");
            }
            len = 0;
            for (int i = 0; i < count; i++) {
                len = (len << 8) | (in[p++] & 0xff);
            }
        }
        if (p + len > in.length) {
            throw new IllegalArgumentException("truncated DER element");
        }
        pos[0] = p + len;
        return new Node(tag, Arrays.copyOfRange(in, p, p + len));
    }

    /** Encodes one element from its tag and already-encoded contents. */
    static byte[] encode(int tag, byte[]... parts) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            body.writeBytes(part);
        }
        int len = body.size();
        ByteArrayOutputStream out = new ByteArrayOutputStream(len + 6);
        out.write(tag);
        if (len < 0x80) {
            out.write(len);
        } else if (len < 0x100) {
            out.write(0x81);
            out.write(len);
        } else if (len < 0x10000) {
            out.write(0x82);
            out.write(len >> 8);
            out.write(len);
        } else {
            out.write(0x83);
            out.write(len >> 16);
            out.write(len >> 8);
            out.write(len);
        }
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }

    /** Re-encodes a parsed element unchanged. */
    static byte[] encode(Node node) {
        return encode(node.tag(), node.value());
    }
}
