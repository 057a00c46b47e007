package io.holdfast.grip.json;

/**
 * A JSON field that is missing, of the wrong type or out of range, named by its path.
 *
 * <p>Raised by {@link JsonFields}; each GRIP parser catches it and rethrows its own typed exception
 * with the same {@code field: problem} text, so every JSON format reports errors the same way
 * (e.g. {@code hold.channels[1].name: required}).
 */
public final class JsonFieldException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String field;
    private final String problem;

    public JsonFieldException(String field, String problem) {
        super(field + ": " + problem);
        this.field = field;
        this.problem = problem;
    }

    /** The path of the field at fault, e.g. {@code formats.http-stream.content-bin}. */
    public String field() {
        return field;
    }

    /** What is wrong with it, e.g. {@code not valid base64}. */
    public String problem() {
        return problem;
    }
}
