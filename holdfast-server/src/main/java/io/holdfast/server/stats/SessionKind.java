package io.holdfast.server.stats;

/**
 * How a subscriber is connected, as metrics label it ({@code transport="sse"}). One small closed set
 * so that labels never grow with traffic; {@link #HTTP} counts client connections that are not held
 * (plain proxied requests, keep-alive connections between requests).
 */
public enum SessionKind {
    HTTP("http"),
    LONG_POLL("long-poll"),
    HTTP_STREAM("http-stream"),
    SSE("sse"),
    WEBSOCKET("websocket"),
    OTHER("other");

    private static final SessionKind[] ALL = values();

    private final String label;

    SessionKind(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    static SessionKind[] all() {
        return ALL;
    }
}
