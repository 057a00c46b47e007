package io.holdfast.example.qaboard;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.holdfast.grip.GripHeaders;
import io.holdfast.grip.sig.GripKey;
import io.holdfast.grip.sig.GripSigValidator;
import io.holdfast.grip.websocket.WebSocketContext;
import io.holdfast.grip.websocket.WebSocketEvent;
import io.holdfast.grip.websocket.WebSocketEventException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /ws}: the board's WebSocket, as Holdfast delivers it with a route target option
 * {@code over_http}. Each request carries the socket's events (OPEN, TEXT, CLOSE, ...); the answer
 * carries what this socket should receive, plus GRIP control messages (subscribe) and meta.
 *
 * <p>Only the library's {@code WebSocketContext} touches the protocol: this class checks
 * {@code Grip-Sig} when a key is configured, reads the request into a context, hands each text
 * message to the {@link Board}, and writes the context's headers and body back.
 */
final class WsEndpoint implements HttpHandler {

    private static final System.Logger LOG = System.getLogger(WsEndpoint.class.getName());

    /**
     * Holdfast sends an empty request this often while a socket is quiet (Pushpin raises anything
     * below 20 s to 20 s), which keeps the socket counted as online (see {@link Room#PRESENCE_TIMEOUT}).
     */
    static final int KEEP_ALIVE_SECONDS = 20;

    /** Holdfast batches at most about 200 kB of messages per request; anything far larger is not from it. */
    static final int MAX_BODY_BYTES = 2_000_000;

    private final Board board;
    private final GripKey sigKey;

    /**
     * @param sigKey the proxy's {@code sig_key}; when given, requests without a valid {@code Grip-Sig}
     *               are refused, so their {@code Meta-*} headers cannot be forged
     */
    WsEndpoint(Board board, GripKey sigKey) {
        this.board = board;
        this.sigKey = sigKey;
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        try (ex) {
            try {
                respond(ex);
            } catch (RuntimeException e) {
                // A bug here, not the client's fault: Holdfast drops the socket and the page reconnects.
                LOG.log(Level.WARNING, "ws request failed (connection "
                        + ex.getRequestHeaders().getFirst(WebSocketContext.CONNECTION_ID_HEADER) + "): " + e, e);
                if (ex.getResponseCode() == -1) {
                    HttpResponses.text(ex, 500, "The board failed to handle this request.\n");
                }
            }
        }
    }

    private void respond(HttpExchange ex) throws IOException {
        String contentType = ex.getRequestHeaders().getFirst("Content-Type");
        String accept = ex.getRequestHeaders().getFirst("Accept");
        if (!WebSocketContext.isWebSocketOverHttp(ex.getRequestMethod(), contentType, accept)) {
            HttpResponses.text(ex, 400, "This endpoint speaks WebSocket-over-HTTP. Put Holdfast in front of "
                    + "the origin with a route such as: * localhost:8080,over_http\n");
            return;
        }
        if (sigKey != null && !GripSigValidator.isValid(ex.getRequestHeaders().getFirst(GripHeaders.SIG), sigKey, null)) {
            HttpResponses.text(ex, 403, "Grip-Sig is missing or invalid.\n");
            return;
        }
        byte[] body = readBody(ex.getRequestBody());
        if (body == null) {
            HttpResponses.text(ex, 413, "Request body over " + MAX_BODY_BYTES + " bytes.\n");
            return;
        }
        WebSocketContext ctx;
        try {
            ctx = WebSocketContext.fromRequest(ex.getRequestHeaders().getFirst(WebSocketContext.CONNECTION_ID_HEADER),
                    firstValues(ex), body);
        } catch (WebSocketEventException | IllegalArgumentException e) {
            HttpResponses.text(ex, 400, "Bad WebSocket-over-HTTP request: " + e.getMessage() + "\n");
            return;
        }
        onEvents(ctx);
        for (Map.Entry<String, String> h : ctx.responseHeaders().entrySet()) {
            ex.getResponseHeaders().set(h.getKey(), h.getValue());
        }
        byte[] out = ctx.responseBody();
        ex.sendResponseHeaders(200, out.length == 0 ? -1 : out.length);
        if (out.length > 0) {
            ex.getResponseBody().write(out);
        }
    }

    private void onEvents(WebSocketContext ctx) {
        if (ctx.isOpening()) {
            ctx.accept();
        }
        ctx.keepAliveInterval(KEEP_ALIVE_SECONDS);
        Connection conn = new ContextConnection(ctx);
        board.onRequest(conn);
        while (ctx.canReceive()) {
            WebSocketEvent message = ctx.receive();
            if (message.type() == WebSocketEvent.Type.TEXT) {
                board.onMessage(conn, message.text());
            }
        }
        if (ctx.isClosing() || ctx.isDisconnected()) {
            board.onGone(conn);
        }
    }

    /** The body, or null when it is larger than {@link #MAX_BODY_BYTES}. */
    private static byte[] readBody(InputStream in) throws IOException {
        byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
        return body.length > MAX_BODY_BYTES ? null : body;
    }

    private static Map<String, String> firstValues(HttpExchange ex) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> h : ex.getRequestHeaders().entrySet()) {
            if (!h.getValue().isEmpty()) {
                headers.put(h.getKey(), h.getValue().get(0));
            }
        }
        return headers;
    }

    /** The board's view of one request's socket, backed by the library's context. */
    private record ContextConnection(WebSocketContext ctx) implements Connection {
        @Override
        public String id() {
            return ctx.connectionId();
        }

        @Override
        public String meta(String name) {
            return ctx.meta(name);
        }

        @Override
        public void setMeta(String name, String value) {
            ctx.setMeta(name, value);
        }

        @Override
        public void send(String text) {
            ctx.send(text);
        }

        @Override
        public void subscribe(String channel) {
            ctx.subscribe(channel);
        }

        @Override
        public void unsubscribe(String channel) {
            ctx.unsubscribe(channel);
        }
    }
}
