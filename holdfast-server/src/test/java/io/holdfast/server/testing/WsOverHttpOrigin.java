package io.holdfast.server.testing;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import io.holdfast.grip.websocket.WebSocketEvent;
import io.holdfast.grip.websocket.WebSocketEventCodec;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/**
 * A real WebSocket-over-HTTP origin for tests, built on holdfast-grip's event codec: every POST is
 * decoded, recorded, and answered by a test-supplied function from the request's events to the
 * response events (with optional extra headers).
 */
public final class WsOverHttpOrigin implements AutoCloseable {
    /** One POST as the origin saw it. */
    public record Request(Headers headers, List<WebSocketEvent> events) {
        public String header(String name) {
            return headers.getFirst(name);
        }
    }

    /** What to answer: events, and headers to add. */
    public record Reply(List<WebSocketEvent> events, List<String[]> headers, int status) {
        public static Reply of(WebSocketEvent... events) {
            return new Reply(List.of(events), new ArrayList<>(), 200);
        }

        public Reply header(String name, String value) {
            headers.add(new String[] {name, value});
            return this;
        }
    }

    private final HttpServer server;
    private final LinkedBlockingQueue<Request> requests = new LinkedBlockingQueue<>();
    private volatile BiFunction<Request, Integer, Reply> behaviour;
    private int count;

    public WsOverHttpOrigin(BiFunction<Request, Integer, Reply> behaviour) throws IOException {
        this.behaviour = behaviour;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 128);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "ws-origin");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", ex -> {
            try (ex) {
                List<WebSocketEvent> events = WebSocketEventCodec.decode(ex.getRequestBody().readAllBytes());
                Request req = new Request(ex.getRequestHeaders(), events);
                requests.add(req);
                int n;
                synchronized (this) {
                    n = count++;
                }
                Reply reply = this.behaviour.apply(req, n);
                for (String[] h : reply.headers()) {
                    ex.getResponseHeaders().add(h[0], h[1]);
                }
                byte[] body = WebSocketEventCodec.encode(reply.events());
                if (reply.status() == 200) {
                    ex.getResponseHeaders().set("Content-Type", "application/websocket-events");
                }
                ex.sendResponseHeaders(reply.status(), body.length == 0 ? -1 : body.length);
                if (body.length > 0) {
                    ex.getResponseBody().write(body);
                }
            } catch (Exception e) {
                ex.sendResponseHeaders(500, -1);
            }
        });
        server.start();
    }

    public void behaviour(BiFunction<Request, Integer, Reply> behaviour) {
        this.behaviour = behaviour;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String target() {
        return "127.0.0.1:" + port() + ",over_http";
    }

    /** The next POST the origin received, waiting up to 10 s. */
    public Request next() throws InterruptedException {
        Request r = requests.poll(10, TimeUnit.SECONDS);
        if (r == null) {
            throw new AssertionError("origin received no request within 10 s");
        }
        return r;
    }

    /** The next POST whose events are not empty (skips keep-alives). */
    public Request nextWithEvents() throws InterruptedException {
        Request r;
        do {
            r = next();
        } while (r.events().isEmpty());
        return r;
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
