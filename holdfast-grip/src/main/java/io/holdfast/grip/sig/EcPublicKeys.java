package io.holdfast.grip.sig;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECFieldFp;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;

/**
 * Derives the public half of an EC private key: Q = d·G on the key's curve.
 *
 * <p>A {@code sig_key} file often holds only the private key (the JDK's own PKCS#8 encoding omits the
 * public point), yet java-jwt needs the public key to verify tokens signed with it. The JDK has no
 * public API for point multiplication, so this does affine double-and-add over the curve's prime
 * field with {@link BigInteger}. It runs once per key at configuration time, never per request,
 * which is why its speed and its non-constant timing are acceptable.
 */
final class EcPublicKeys {

    private EcPublicKeys() {
    }

    static ECPublicKey derive(ECPrivateKey privateKey) throws GeneralSecurityException {
        ECParameterSpec params = privateKey.getParams();
        if (!(params.getCurve().getField() instanceof ECFieldFp field)) {
            throw new GeneralSecurityException("only prime-field curves are supported");
        }
        BigInteger p = field.getP();
        BigInteger a = params.getCurve().getA();
        ECPoint q = multiply(params.getGenerator(), privateKey.getS(), a, p);
        if (q == ECPoint.POINT_INFINITY) {
            throw new GeneralSecurityException("private scalar is invalid");
        }
        return (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(q, params));
    }

    // Montgomery ladder: the same sequence of adds and doubles for every bit of the scalar.
    private static ECPoint multiply(ECPoint g, BigInteger k, BigInteger a, BigInteger p) {
        ECPoint r0 = ECPoint.POINT_INFINITY;
        ECPoint r1 = g;
        for (int i = k.bitLength() - 1; i >= 0; i--) {
            if (k.testBit(i)) {
                r0 = add(r0, r1, a, p);
                r1 = twice(r1, a, p);
            } else {
                r1 = add(r0, r1, a, p);
                r0 = twice(r0, a, p);
            }
        }
        return r0;
    }

    private static ECPoint add(ECPoint s, ECPoint t, BigInteger a, BigInteger p) {
        if (s == ECPoint.POINT_INFINITY) {
            return t;
        }
        if (t == ECPoint.POINT_INFINITY) {
            return s;
        }
        BigInteger x1 = s.getAffineX();
        BigInteger y1 = s.getAffineY();
        BigInteger x2 = t.getAffineX();
        BigInteger y2 = t.getAffineY();
        if (x1.equals(x2)) {
            return y1.equals(y2) ? twice(s, a, p) : ECPoint.POINT_INFINITY;
        }
        BigInteger lambda = y2.subtract(y1).multiply(x2.subtract(x1).modInverse(p)).mod(p);
        BigInteger x3 = lambda.multiply(lambda).subtract(x1).subtract(x2).mod(p);
        BigInteger y3 = lambda.multiply(x1.subtract(x3)).subtract(y1).mod(p);
        return new ECPoint(x3, y3);
    }

    private static ECPoint twice(ECPoint s, BigInteger a, BigInteger p) {
        if (s == ECPoint.POINT_INFINITY || s.getAffineY().signum() == 0) {
            return ECPoint.POINT_INFINITY;
        }
        BigInteger x = s.getAffineX();
        BigInteger y = s.getAffineY();
        BigInteger three = BigInteger.valueOf(3);
        BigInteger lambda = x.multiply(x).multiply(three).add(a)
                .multiply(y.shiftLeft(1).modInverse(p)).mod(p);
        BigInteger x3 = lambda.multiply(lambda).subtract(x.shiftLeft(1)).mod(p);
        BigInteger y3 = lambda.multiply(x.subtract(x3)).subtract(y).mod(p);
        return new ECPoint(x3, y3);
    }
}
