package io.holdfast.grip.instruct;

import io.holdfast.grip.GripProtocolException;

/**
 * An origin's GRIP instructions are malformed: a bad {@code Grip-*} header or JSON instruct field.
 *
 * <p>Unchecked (see {@link GripProtocolException}). Pushpin answers the client {@code 502} for these
 * (spec 1.3); the message names the header or JSON field and the problem, e.g.
 * {@code Grip-Timeout: "abc" is not a number} or {@code hold.channels[1].name: required}, and is
 * meant for logs and for debug-mode error bodies.
 */
public final class GripInstructException extends GripProtocolException {

    private static final long serialVersionUID = 1L;

    private final String field;
    private final String problem;

    public GripInstructException(String field, String problem) {
        super(field + ": " + problem);
        this.field = field;
        this.problem = problem;
    }

    /** The header name (e.g. {@code Grip-Keep-Alive}) or JSON path (e.g. {@code hold.timeout}). */
    public String field() {
        return field;
    }

    /** What is wrong with it. */
    public String problem() {
        return problem;
    }
}
