package io.holdfast.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.server.testing.Holdfast;
import io.holdfast.server.testing.TestOrigin;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RouteMatchingTest {
    private TestOrigin a;
    private TestOrigin b;

    @BeforeEach
    void origins() throws Exception {
        a = named("a");
        b = named("b");
    }

    private static TestOrigin named(String name) throws Exception {
        TestOrigin o = new TestOrigin();
        o.handle("/", ex -> {
            byte[] body = (name + " " + ex.getRequestURI()).getBytes();
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
        });
        return o;
    }

    @AfterEach
    void stop() {
        a.close();
        b.close();
    }

    private static String get(Holdfast hf, String host, String path) throws Exception {
        return Holdfast.CLIENT.send(HttpRequest.newBuilder(hf.uri(path)).header("Host", host).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void routesByDomainThenByLongestPathPrefixWithRewrites() throws Exception {
        try (Holdfast hf = Holdfast.start(
                "* " + a.target(),
                "api.example.com " + b.target(),
                "*,path_beg=/old/,replace_beg=/new/ " + b.target(),
                "*,path_beg=/strip/,path_rem=6 " + b.target())) {
            assertThat(get(hf, "www.example.com", "/x")).isEqualTo("a /x");
            assertThat(get(hf, "API.example.com:7999", "/x")).isEqualTo("b /x");
            assertThat(get(hf, "www.example.com", "/old/page?q=1")).isEqualTo("b /new/page?q=1");
            assertThat(get(hf, "www.example.com", "/strip/rest")).isEqualTo("b /rest");
        }
    }

    @Test
    void routesFileEditTakesEffectAndABrokenEditKeepsTheOldTable(@TempDir Path dir) throws Exception {
        Path routes = dir.resolve("routes");
        Files.writeString(routes, "* " + a.target() + "\n");
        try (Holdfast hf = Holdfast.start(c -> c.routesFile(routes))) {
            assertThat(hf.get("/x").body()).isEqualTo("a /x");

            Files.writeString(routes, "# moved\n* " + b.target() + "\n");
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> hf.get("/x").body().equals("b /x"));

            Files.writeString(routes, "* " + a.target() + ",bogus=\"unterminated\n");
            Files.writeString(routes, "*,path_beg= " + a.target() + "\n");
            Awaitility.await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5))
                    .until(() -> hf.get("/x").body().equals("b /x"));
        }
    }
}
