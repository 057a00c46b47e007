package io.holdfast.server.listen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.holdfast.server.config.HoldfastConfig;
import io.holdfast.server.testing.Holdfast;
import io.holdfast.server.testing.RawHttp;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code client_maxconn} never exceeds what the process can open, and clients past it are refused at once. */
class ConnectionLimitTest {

    @Test
    void theDefaultIsLoweredBelowThisProcesssOpenFileLimit() {
        long files = ConnectionLimit.openFileLimit();
        assertThat(files).as("a Unix JVM reports its limit").isPositive();
        int allowed = ConnectionLimit.effective(HoldfastConfig.DEFAULT_CLIENT_MAXCONN);
        // Every client may hold an origin socket too: both together stay under the limit.
        assertThat(2L * allowed + ConnectionLimit.RESERVED_FILES).isLessThanOrEqualTo(files);
    }

    @Test
    void clampKeepsHalfTheFilesForOriginSocketsAndLeavesSmallSettingsAlone() {
        assertThat(ConnectionLimit.clamp(50_000, 20_000)).isEqualTo((20_000 - 256) / 2);
        assertThat(ConnectionLimit.clamp(50_000, 1024)).isEqualTo(384);
        assertThat(ConnectionLimit.clamp(1000, 1_048_576)).isEqualTo(1000);
        assertThat(ConnectionLimit.clamp(1000, -1)).as("limit unknown").isEqualTo(1000);
        assertThat(ConnectionLimit.clamp(1000, 100)).as("never zero").isEqualTo(1);
    }

    /** Sends a keep-alive request for the test target's page and reads its whole response. */
    private static String served(Socket s) throws Exception {
        s.setSoTimeout(20_000);
        s.getOutputStream().write("GET /test/ HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        StringBuilder got = new StringBuilder();
        InputStream in = s.getInputStream();
        int b;
        while (!got.toString().endsWith("channel 'test'.\n") && (b = in.read()) >= 0) {
            got.append((char) b);
        }
        return got.toString();
    }

    @Test
    void aClientPastTheLimitIsAnswered503AtOnceAndTheNextOneAfterAFreeSlotGetsIn() throws Exception {
        try (Holdfast hf = Holdfast.start(b -> b.clientMaxConn(2).routeSpecs(java.util.List.of()));
             Socket first = new Socket("127.0.0.1", hf.port());
             Socket second = new Socket("127.0.0.1", hf.port())) {
            // Served once each, so both are counted before the third arrives (loops initialise in any order).
            assertThat(served(first)).startsWith("HTTP/1.1 200 ");
            assertThat(served(second)).startsWith("HTTP/1.1 200 ");
            long start = System.nanoTime();
            String refused = RawHttp.exchangeUntilClose(hf.port(), "GET /test/ HTTP/1.1\r\nHost: a\r\n\r\n");
            assertThat(refused).startsWith("HTTP/1.1 503 ").contains("client_maxconn");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));

            first.close();
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                try (Socket s = new Socket("127.0.0.1", hf.port())) {
                    s.setSoTimeout(5000);
                    s.getOutputStream().write("GET /test/ HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
                            .getBytes(StandardCharsets.ISO_8859_1));
                    InputStream in = s.getInputStream();
                    return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 200 ");
                }
            });
        }
    }
}
