package io.holdfast.grip;

/**
 * Base of the errors raised when GRIP input from an origin or a publisher breaks the protocol.
 *
 * <p>The exceptions are unchecked so that parse calls read as plain expressions on hot paths, but
 * every parser declares the subclass it throws, and each subclass maps to exactly one status or close
 * code at the server's edge (design: "protocol errors are values"). Messages name the header, field
 * or byte offset at fault and are safe to show to the party that sent the input.
 */
public abstract class GripProtocolException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    protected GripProtocolException(String message) {
        super(message);
    }

    protected GripProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}
