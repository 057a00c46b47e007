package io.holdfast.server.ws;

import io.holdfast.server.proxy.ClientConnection;
import io.holdfast.server.proxy.ErrorResponses;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Base64;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks a client's WebSocket handshake before anything else happens to it (RFC 6455 §4.2.1): version
 * 13 and a {@code Sec-WebSocket-Key} that is base64 of 16 bytes. A bad handshake is answered
 * {@code 400} at once and never reaches the origin, as Pushpin does; a wrong version also gets
 * {@code Sec-WebSocket-Version: 13} (§4.4) so the client knows what to retry with. Without this
 * check Netty's handshaker fails a missing key silently and accepts any key, and the origin would
 * have been asked first.
 */
final class HandshakeCheck {
    private static final Logger LOG = LoggerFactory.getLogger(HandshakeCheck.class);
    static final String VERSION = "13";
    private static final int KEY_BYTES = 16;

    /** What is wrong with a handshake. */
    record Problem(String message, boolean badVersion) {}

    private HandshakeCheck() {}

    /** The problem with this upgrade request, or null when it may go on. */
    static Problem check(HttpRequest req) {
        List<String> versions = req.headers().getAll(HttpHeaderNames.SEC_WEBSOCKET_VERSION);
        if (versions.size() != 1 || !versions.get(0).strip().equals(VERSION)) {
            return new Problem(versions.isEmpty() ? "Missing Sec-WebSocket-Version (expected: 13)."
                    : "Unsupported Sec-WebSocket-Version " + String.join(", ", versions) + " (expected: 13).", true);
        }
        List<String> keys = req.headers().getAll(HttpHeaderNames.SEC_WEBSOCKET_KEY);
        if (keys.isEmpty()) {
            return new Problem("Missing Sec-WebSocket-Key.", false);
        }
        if (keys.size() > 1 || !isKey(keys.get(0).strip())) {
            return new Problem("Malformed Sec-WebSocket-Key (expected: base64 of 16 bytes).", false);
        }
        return null;
    }

    private static boolean isKey(String value) {
        // Base64 of 16 bytes is always 24 characters ending in "=="; the strict decoder rejects the rest.
        if (value.length() != 24) {
            return false;
        }
        try {
            return Base64.getDecoder().decode(value).length == KEY_BYTES;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * Checks the handshake and, if it is bad, answers {@code 400}, closes the connection and returns
     * false.
     */
    static boolean passes(ClientConnection connection, HttpRequest req) {
        Problem problem = check(req);
        if (problem == null) {
            return true;
        }
        LOG.info("conn={} {}: bad WebSocket handshake: {}", connection.id(), connection.remoteAddress(),
                problem.message());
        FullHttpResponse response = ErrorResponses.text(HttpResponseStatus.BAD_REQUEST, problem.message(), false);
        if (problem.badVersion()) {
            response.headers().set(HttpHeaderNames.SEC_WEBSOCKET_VERSION, VERSION);
        }
        int bytes = response.content().readableBytes();
        connection.prepareResponseHead(response, false);
        connection.write(response);
        connection.flush();
        connection.completeExchange(HttpResponseStatus.BAD_REQUEST.code(), bytes, false,
                "bad websocket handshake");
        return false;
    }
}
