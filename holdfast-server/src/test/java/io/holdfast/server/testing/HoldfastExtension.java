package io.holdfast.server.testing;

import io.holdfast.server.HoldfastServer;
import io.holdfast.server.config.HoldfastConfig;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts a real Holdfast server on ephemeral loopback ports for a test class and stops it after, so a
 * test states the server it needs in one field instead of opening and closing it in every method:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final HoldfastExtension HOLDFAST = HoldfastExtension.builder()
 *         .route("* test")
 *         .config(b -> b.debug(true))
 *         .build();
 * }</pre>
 *
 * <p>In a {@code static} field one server serves the whole class; in an instance field each test gets
 * a fresh one. The config starts from {@link Holdfast#config()} (loopback, port 0, ZeroMQ off).
 */
public final class HoldfastExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback {

    private final List<String> routes;
    private final UnaryOperator<HoldfastConfig.Builder> config;
    private Holdfast running;
    private boolean perTest;

    private HoldfastExtension(List<String> routes, UnaryOperator<HoldfastConfig.Builder> config) {
        this.routes = routes;
        this.config = config;
    }

    /** Starts describing a server; with no route it serves Holdfast's default routes. */
    public static Builder builder() {
        return new Builder();
    }

    /** A server with these routes (Pushpin syntax, one route per string) and the test config. */
    public static HoldfastExtension withRoutes(String... routes) {
        Builder b = builder();
        for (String route : routes) {
            b.route(route);
        }
        return b.build();
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        running = start();
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        if (running == null) {
            perTest = true;
            running = start();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (perTest) {
            stop();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    private Holdfast start() throws Exception {
        return Holdfast.start(b -> config.apply(b.routeSpecs(routes)));
    }

    private void stop() {
        if (running != null) {
            Holdfast h = running;
            running = null;
            h.close();
        }
    }

    /** The running server's test helpers. */
    public Holdfast holdfast() {
        return Objects.requireNonNull(running, "the Holdfast server runs only while a test does");
    }

    public HoldfastServer server() {
        return holdfast().server();
    }

    public int port() {
        return holdfast().port();
    }

    public URI uri(String pathAndQuery) {
        return holdfast().uri(pathAndQuery);
    }

    public HttpResponse<String> get(String pathAndQuery) throws Exception {
        return holdfast().get(pathAndQuery);
    }

    public HttpResponse<String> publish(String json) throws Exception {
        return holdfast().publish(json);
    }

    /** Describes the server: routes, then config changes on top of the test defaults. */
    public static final class Builder {
        private final List<String> routes = new ArrayList<>();
        private UnaryOperator<HoldfastConfig.Builder> config = b -> b;

        private Builder() {}

        /** Adds a route line, e.g. {@code "* 127.0.0.1:8080,over_http"}. */
        public Builder route(String route) {
            routes.add(route);
            return this;
        }

        /** Applies {@code change} to the config after the earlier changes. */
        public Builder config(UnaryOperator<HoldfastConfig.Builder> change) {
            UnaryOperator<HoldfastConfig.Builder> before = config;
            config = b -> change.apply(before.apply(b));
            return this;
        }

        public HoldfastExtension build() {
            return new HoldfastExtension(List.copyOf(routes), config);
        }
    }
}
