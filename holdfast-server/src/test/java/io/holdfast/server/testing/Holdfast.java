package io.holdfast.server.testing;

import io.holdfast.server.HoldfastServer;
import io.holdfast.server.config.HoldfastConfig;
import io.holdfast.server.config.ListenAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Starts Holdfast in-process on ephemeral loopback ports for a test and offers small helpers to
 * talk to it with the JDK's HTTP client.
 */
public final class Holdfast implements AutoCloseable {
    public static final HttpClient CLIENT = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1)
            .build();

    private final HoldfastServer server;

    private Holdfast(HoldfastServer server) {
        this.server = server;
    }

    /**
     * A config listening on 127.0.0.1:0 for both clients and publishers. ZeroMQ is off: its default
     * ports are fixed, and tests start many servers in one JVM; ZeroMQ tests turn it on with
     * ephemeral endpoints.
     */
    public static HoldfastConfig.Builder config() {
        return HoldfastConfig.builder()
                .httpListeners(List.of(new ListenAddress("127.0.0.1", 0)))
                .publishListener(new ListenAddress("127.0.0.1", 0))
                .sigKey("test-secret")
                .shutdownTimeout(Duration.ofSeconds(2))
                .zmq(false);
    }

    public static Holdfast start(String... routes) throws Exception {
        return start(b -> b, routes);
    }

    public static Holdfast start(UnaryOperator<HoldfastConfig.Builder> customize, String... routes) throws Exception {
        HoldfastConfig.Builder b = config();
        if (routes.length > 0) {
            b.routeSpecs(List.of(routes));
        }
        return new Holdfast(HoldfastServer.start(customize.apply(b).build()));
    }

    public HoldfastServer server() {
        return server;
    }

    public int port() {
        return server.httpPort();
    }

    public URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port() + pathAndQuery);
    }

    public URI publishUri() {
        return URI.create("http://127.0.0.1:" + server.publishPort() + "/publish/");
    }

    public HttpResponse<String> get(String pathAndQuery) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Posts a publish body and returns the API's answer. */
    public HttpResponse<String> publish(String json) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(publishUri())
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        server.close();
    }
}
