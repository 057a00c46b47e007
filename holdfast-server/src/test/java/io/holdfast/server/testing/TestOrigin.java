package io.holdfast.server.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real HTTP origin for tests, on an ephemeral loopback port (the JDK's built-in server). Handlers
 * are registered per path; every request's head is recorded so tests can assert what reached it.
 */
public final class TestOrigin implements AutoCloseable {
    /** What the origin saw of one request. */
    public record Seen(String method, String uri, com.sun.net.httpserver.Headers headers) {}

    private final HttpServer server;
    private final LinkedBlockingQueue<Seen> seen = new LinkedBlockingQueue<>();
    private final Map<String, HttpHandler> handlers = new ConcurrentHashMap<>();

    public TestOrigin() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 128);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "test-origin");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", this::dispatch);
        server.start();
    }

    public TestOrigin handle(String pathPrefix, HttpHandler handler) {
        handlers.put(pathPrefix, handler);
        return this;
    }

    private void dispatch(HttpExchange exchange) throws IOException {
        seen.add(new Seen(exchange.getRequestMethod(), exchange.getRequestURI().toString(), exchange.getRequestHeaders()));
        String path = exchange.getRequestURI().getPath();
        HttpHandler best = null;
        int bestLength = -1;
        for (Map.Entry<String, HttpHandler> e : handlers.entrySet()) {
            if (path.startsWith(e.getKey()) && e.getKey().length() > bestLength) {
                best = e.getValue();
                bestLength = e.getKey().length();
            }
        }
        try (exchange) {
            if (best == null) {
                byte[] body = ("origin: no handler for " + path).getBytes();
                exchange.sendResponseHeaders(404, body.length);
                exchange.getResponseBody().write(body);
            } else {
                best.handle(exchange);
            }
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String target() {
        return "127.0.0.1:" + port();
    }

    /** The next request the origin received, waiting up to 5 s. */
    public Seen nextRequest() throws InterruptedException {
        Seen s = seen.poll(5, TimeUnit.SECONDS);
        if (s == null) {
            throw new AssertionError("origin received no request within 5 s");
        }
        return s;
    }

    public int requestCount() {
        return seen.size();
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
