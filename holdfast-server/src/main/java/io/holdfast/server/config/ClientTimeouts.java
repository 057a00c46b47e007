package io.holdfast.server.config;

import java.time.Duration;

/**
 * How long a client may take to send its request, and how long an idle keep-alive connection is
 * kept: without these, a client that sends half a request head, stops mid-body, or opens
 * connections and never uses them holds a socket (and a file descriptor) for good. Read from
 * {@code [holdfast]} {@code client_header_timeout}, {@code client_body_timeout} and
 * {@code client_keepalive_timeout} (Pushpin has no such settings); zero turns a timeout off.
 * Held requests (long-poll, stream, WebSocket) are answering, not waiting for the client, so none
 * of these applies to them.
 *
 * <p>Defaults are nginx's, the reverse proxy Holdfast most often replaces or sits beside:
 * {@code client_header_timeout 60s}, {@code client_body_timeout 60s} (between two reads, so a
 * slow upload that keeps moving is never cut), {@code keepalive_timeout 75s} (longer than the 60 s
 * idle timeout of common load balancers, so a balancer never reuses a connection Holdfast has just
 * closed). Go's {@code net/http} and Envoy leave these off by default and document setting them
 * for any server facing the internet.
 *
 * @param header    from a new connection, or the first byte of a request, to its complete head
 * @param body      between two reads of a request body while Holdfast is reading it
 * @param keepAlive between a response and the first byte of the next request
 */
public record ClientTimeouts(Duration header, Duration body, Duration keepAlive) {
    public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_BODY_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_KEEPALIVE_TIMEOUT = Duration.ofSeconds(75);
    public static final ClientTimeouts DEFAULT =
            new ClientTimeouts(DEFAULT_HEADER_TIMEOUT, DEFAULT_BODY_TIMEOUT, DEFAULT_KEEPALIVE_TIMEOUT);

    public ClientTimeouts {
        check("header", header);
        check("body", body);
        check("keepAlive", keepAlive);
    }

    public ClientTimeouts withHeader(Duration value) {
        return new ClientTimeouts(value, body, keepAlive);
    }

    public ClientTimeouts withBody(Duration value) {
        return new ClientTimeouts(header, value, keepAlive);
    }

    public ClientTimeouts withKeepAlive(Duration value) {
        return new ClientTimeouts(header, body, value);
    }

    private static void check(String name, Duration value) {
        if (value == null || value.isNegative()) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: >= 0, 0 turns it off)");
        }
    }
}
