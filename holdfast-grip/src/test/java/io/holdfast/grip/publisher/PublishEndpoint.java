package io.holdfast.grip.publisher;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real publish endpoint on 127.0.0.1 and a free port, started for each test: it records every request and
 * answers with the scripted answers in order, then with Pushpin's {@code 200 Published}.
 */
final class PublishEndpoint implements BeforeEachCallback, AfterEachCallback {

    record Request(String method, String path, Headers headers, String body) {
        String header(String name) {
            return headers.getFirst(name);
        }
    }

    private record Answer(int status, String body) {
    }

    private final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();
    private final Queue<Answer> answers = new ConcurrentLinkedQueue<>();
    private final AtomicInteger count = new AtomicInteger();
    private HttpServer server;

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::onRequest);
        server.start();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        server.stop(0);
    }

    /** The endpoint's base URL, e.g. {@code http://127.0.0.1:40123}. */
    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Answers the next unanswered request with this status and body. */
    PublishEndpoint answer(int status, String body) {
        answers.add(new Answer(status, body));
        return this;
    }

    Request next() throws InterruptedException {
        Request r = requests.poll(5, TimeUnit.SECONDS);
        assertThat(r).as("a request reached the endpoint").isNotNull();
        return r;
    }

    int requestCount() {
        return count.get();
    }

    private void onRequest(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                    exchange.getRequestHeaders(), body));
            count.incrementAndGet();
            Answer a = answers.poll();
            if (a == null) {
                a = new Answer(200, "Published\n");
            }
            byte[] out = a.body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain");
            exchange.sendResponseHeaders(a.status, out.length == 0 ? -1 : out.length);
            exchange.getResponseBody().write(out);
        }
    }
}
