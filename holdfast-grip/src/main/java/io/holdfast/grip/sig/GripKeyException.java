package io.holdfast.grip.sig;

/**
 * A {@code sig_key} / {@code upstream_key} specification that cannot be turned into a key.
 *
 * <p>Raised while reading configuration, so its message is written for the operator: it says which
 * form was used (plain, {@code base64:}, {@code file:}), which file, and what was wrong with it. The
 * message never contains secret material.
 */
public final class GripKeyException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public GripKeyException(String message) {
        super(message);
    }

    public GripKeyException(String message, Throwable cause) {
        super(message, cause);
    }
}
