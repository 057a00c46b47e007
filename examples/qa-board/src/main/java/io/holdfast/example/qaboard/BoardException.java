package io.holdfast.example.qaboard;

/**
 * A command the board refuses (not a host, unknown question, empty text, ...). The message is written
 * for people: the page shows it as is. It is an expected outcome, so it carries no stack trace.
 */
public final class BoardException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public BoardException(String message) {
        super(message, null, false, false);
    }
}
