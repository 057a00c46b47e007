package io.holdfast.grip.publisher;

import java.net.URI;

/**
 * A publish that did not succeed: the endpoint answered with a non-2xx status, or could not be reached
 * even after the retries.
 *
 * <p>It carries what a caller needs to decide what to do next without parsing the message: the last
 * HTTP {@link #status()} ({@value #NO_STATUS} when no response arrived, with the I/O error as the
 * cause), the server's answer {@link #body()} (Pushpin explains a 400 there, e.g.
 * {@code Invalid format: item 0: channel: required}), and how many {@link #attempts()} were made. A
 * 4xx is never retried, so its {@code attempts()} is 1. The futures of {@link GripPublisher} complete
 * exceptionally with this exception itself; {@code join()} wraps it in a
 * {@link java.util.concurrent.CompletionException}, {@code publishSync} throws it directly.
 */
public final class GripPublishException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The {@link #status()} when no HTTP response was received. */
    public static final int NO_STATUS = 0;

    // Long enough for any Pushpin error text; short enough for one log line.
    private static final int MAX_BODY_IN_MESSAGE = 300;

    private final URI uri;
    private final int status;
    private final String body;
    private final int attempts;

    /**
     * @param uri      the publish URL
     * @param status   the last HTTP status, or {@link #NO_STATUS}
     * @param body     the last response body, or "" (null is taken as "")
     * @param attempts how many requests were sent
     * @param cause    the I/O error when no response arrived, else null
     */
    public GripPublishException(URI uri, int status, String body, int attempts, Throwable cause) {
        super(message(uri, status, body, attempts, cause), cause);
        this.uri = uri;
        this.status = status;
        this.body = body == null ? "" : body;
        this.attempts = attempts;
    }

    /** The publish URL the request went to. */
    public URI uri() {
        return uri;
    }

    /** The last HTTP status, or {@link #NO_STATUS} when the endpoint could not be reached. */
    public int status() {
        return status;
    }

    /** Whether an HTTP response arrived (so {@link #status()} and {@link #body()} are the server's). */
    public boolean hasResponse() {
        return status != NO_STATUS;
    }

    /** The server's answer body as text; "" when there was none. */
    public String body() {
        return body;
    }

    /** How many requests were sent, the first one included. */
    public int attempts() {
        return attempts;
    }

    private static String message(URI uri, int status, String body, int attempts, Throwable cause) {
        StringBuilder sb = new StringBuilder("publish to ").append(uri).append(" failed");
        if (status != NO_STATUS) {
            sb.append(": ").append(status);
            String text = body == null ? "" : body.strip();
            if (!text.isEmpty()) {
                sb.append(' ').append(text.length() > MAX_BODY_IN_MESSAGE
                        ? text.substring(0, MAX_BODY_IN_MESSAGE) + "..." : text);
            }
        } else if (cause != null) {
            sb.append(": ").append(cause.getClass().getSimpleName());
            if (cause.getMessage() != null) {
                sb.append(' ').append(cause.getMessage());
            }
        }
        sb.append(" (").append(attempts).append(attempts == 1 ? " attempt)" : " attempts)");
        return sb.toString();
    }
}
