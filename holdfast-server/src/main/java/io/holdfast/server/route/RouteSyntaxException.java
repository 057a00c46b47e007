package io.holdfast.server.route;

import static java.util.Objects.requireNonNull;

/**
 * A routes line that cannot be understood. It exists so that a bad routes file is a value the
 * caller can report (at startup: refuse to start; on reload: keep the previous table) rather than
 * a half-loaded table. The message always names the source and the line, like a compiler error,
 * e.g. {@code routes:3: target "app1" has no port}, because that is what the operator needs to
 * fix the file.
 */
public final class RouteSyntaxException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String sourceName;
    private final int line;
    private final String reason;

    /**
     * @param sourceName the file name (or {@code --route}) the line came from
     * @param line       the 1-based line number, or 0 when the line did not come from a file
     * @param reason     what is wrong, without the location
     */
    public RouteSyntaxException(String sourceName, int line, String reason) {
        super(format(sourceName, line, reason));
        this.sourceName = requireNonNull(sourceName, "sourceName");
        this.line = line;
        this.reason = requireNonNull(reason, "reason");
    }

    private static String format(String sourceName, int line, String reason) {
        return line > 0 ? sourceName + ':' + line + ": " + reason : sourceName + ": " + reason;
    }

    /** The file name (or {@code --route}) the bad line came from. */
    public String sourceName() {
        return sourceName;
    }

    /** The 1-based line number, or 0 for a line given on the command line. */
    public int line() {
        return line;
    }

    /** What is wrong with the line, without the {@code source:line:} location. */
    public String reason() {
        return reason;
    }
}
