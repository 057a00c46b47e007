package io.holdfast.grip.tnetstring;

import io.holdfast.grip.GripProtocolException;

/**
 * A tnetstring that does not decode, or a decoded value that has no JSON equivalent.
 *
 * <p>Decoding errors name the byte offset where the input went wrong ({@code tnetstring: unknown
 * type 'x' at byte 7}), so a publisher can find the fault in what it sent; conversion errors name
 * the path of the value ({@code meta.user: byte string is not valid UTF-8}). Unchecked, like every
 * {@link GripProtocolException}.
 */
public final class TNetStringException extends GripProtocolException {

    private static final long serialVersionUID = 1L;

    /** Offset used when the error is not tied to a byte of the input. */
    public static final int NO_OFFSET = -1;

    private final int offset;
    private final String path;
    private final String problem;

    private TNetStringException(String message, int offset, String path, String problem) {
        super(message);
        this.offset = offset;
        this.path = path;
        this.problem = problem;
    }

    /** Malformed input: {@code problem} at byte {@code offset}. */
    static TNetStringException at(int offset, String problem) {
        return new TNetStringException("tnetstring: " + problem + " at byte " + offset, offset, null, problem);
    }

    /** A decoded value that cannot be used where it is, named by its path ({@code ""} for the root). */
    static TNetStringException inValue(String path, String problem) {
        String where = path == null || path.isEmpty() ? "" : path + ": ";
        return new TNetStringException(where + problem, NO_OFFSET, path == null ? "" : path, problem);
    }

    /** The byte offset of a decoding error, or {@link #NO_OFFSET}. */
    public int offset() {
        return offset;
    }

    /** The path of the value at fault for a conversion error ({@code ""} for the root), or null. */
    public String path() {
        return path;
    }

    /** What is wrong, without the offset or path. */
    public String problem() {
        return problem;
    }
}
