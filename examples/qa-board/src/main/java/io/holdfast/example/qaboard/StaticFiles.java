package io.holdfast.example.qaboard;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.holdfast.grip.GripHeaders;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Serves the page: {@code index.html}, {@code app.js}, {@code style.css} and the icon, read once from
 * the jar. There is no build step: these are the files as written.
 *
 * <p>A page request that did not come through Holdfast (no {@code Grip-Sig}) gets a marker on its
 * body, and the page then explains that its live connection needs Holdfast in front: the usual
 * mistake is opening the origin's own port.
 */
final class StaticFiles implements HttpHandler {

    private record Asset(byte[] body, String contentType) {
    }

    private static final String DIRECT_MARKER_FROM = "<body data-theme=\"indigo\">";
    private static final String DIRECT_MARKER_TO = "<body data-theme=\"indigo\" data-direct>";

    /** The page talks to its own origin only; WebSockets go to the same host. */
    private static final String CSP = "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; "
            + "style-src 'self'; script-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private final Map<String, Asset> assets;
    private final byte[] directIndex;

    StaticFiles() {
        assets = Map.of(
                "/", load("index.html", "text/html; charset=utf-8"),
                "/app.js", load("app.js", "text/javascript; charset=utf-8"),
                "/style.css", load("style.css", "text/css; charset=utf-8"),
                "/favicon.svg", load("favicon.svg", "image/svg+xml"));
        String index = new String(assets.get("/").body(), StandardCharsets.UTF_8);
        if (!index.contains(DIRECT_MARKER_FROM)) {
            throw new IllegalStateException("index.html: missing " + DIRECT_MARKER_FROM);
        }
        directIndex = index.replace(DIRECT_MARKER_FROM, DIRECT_MARKER_TO).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String method = ex.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                ex.getResponseHeaders().set("Allow", "GET, HEAD");
                HttpResponses.text(ex, 405, "Method not allowed.\n");
                return;
            }
            String path = ex.getRequestURI().getPath();
            Asset asset = assets.get(path.equals("/index.html") ? "/" : path);
            if (asset == null) {
                HttpResponses.text(ex, 404, "Not found: " + path + "\n");
                return;
            }
            byte[] body = asset.body();
            if (path.equals("/") && ex.getRequestHeaders().getFirst(GripHeaders.SIG) == null) {
                body = directIndex;
            }
            var h = ex.getResponseHeaders();
            h.set("Content-Type", asset.contentType());
            h.set("Cache-Control", "no-cache");
            h.set("X-Content-Type-Options", "nosniff");
            h.set("Referrer-Policy", "no-referrer");
            h.set("Content-Security-Policy", CSP);
            if (method.equals("HEAD")) {
                ex.sendResponseHeaders(200, -1);
                return;
            }
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
        }
    }

    private static Asset load(String name, String contentType) {
        try (InputStream in = StaticFiles.class.getResourceAsStream("/static/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource /static/" + name);
            }
            return new Asset(in.readAllBytes(), contentType);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
