package io.holdfast.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.holdfast.server.config.ClientTimeouts;
import io.holdfast.server.testing.Holdfast;
import io.holdfast.server.testing.StreamClients;
import io.holdfast.server.testing.TestOrigin;
import io.holdfast.server.testing.WsClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Client timeouts (issue 10, defect 4): a slow or silent client loses its connection after the
 * configured time, with 408 where a request had begun; held requests are never cut.
 */
class ClientTimeoutsTest {
    // Small enough for quick tests, large enough that a test thread stalled on a loaded machine
    // (a CI runner with other builds) does not trip one where the test expects none.
    private static final Duration HEADER = Duration.ofMillis(1000);
    private static final Duration BODY = Duration.ofMillis(2000);
    private static final Duration KEEP_ALIVE = Duration.ofMillis(2000);

    private TestOrigin origin;
    private Holdfast holdfast;
    private final ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();

    @BeforeEach
    void start() throws Exception {
        origin = new TestOrigin();
        origin.handle("/", ex -> {
            byte[] body = ("got " + ex.getRequestBody().readAllBytes().length).getBytes();
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
        });
        holdfast = Holdfast.start(b -> b.clientTimeouts(new ClientTimeouts(HEADER, BODY, KEEP_ALIVE)),
                "*,path_beg=/test/,replace_beg=/ test", "* " + origin.target());
    }

    @AfterEach
    void stop() {
        trickle.shutdownNow();
        holdfast.close();
        origin.close();
    }

    /** A client socket whose reads return within 50 ms, so a test can poll it. */
    private Socket connect() throws IOException {
        Socket s = new Socket("127.0.0.1", holdfast.port());
        s.setSoTimeout(50);
        return s;
    }

    private static void send(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
    }

    /** Reads what is there; returns true once the server has closed the connection. */
    private static boolean drain(Socket s, ByteArrayOutputStream into) throws IOException {
        InputStream in = s.getInputStream();
        byte[] buf = new byte[4096];
        try {
            int n;
            while ((n = in.read(buf)) >= 0) {
                into.write(buf, 0, n);
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    private static String awaitClose(Socket s) {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        await().atMost(Duration.ofSeconds(20)).until(() -> drain(s, got));
        return got.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void aHeadSentByteByByteIsAnswered408AfterTheHeaderTimeout() throws Exception {
        try (Socket s = connect()) {
            long start = System.nanoTime();
            send(s, "GET / HTTP/1.1\r\nHost: a\r\nX-Slow: ");
            // Slowloris: one more byte of a header value every 50 ms; the head never completes.
            AtomicBoolean stop = new AtomicBoolean();
            trickle.scheduleAtFixedRate(() -> {
                try {
                    if (!stop.get()) {
                        s.getOutputStream().write('a');
                    }
                } catch (IOException e) {
                    stop.set(true);
                }
            }, 0, 50, TimeUnit.MILLISECONDS);
            String r = awaitClose(s);
            stop.set(true);
            assertThat(r).startsWith("HTTP/1.1 408 ").contains("client_header_timeout");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(HEADER);
        }
        assertThat(origin.requestCount()).isZero();
    }

    @Test
    void aConnectionThatSendsNothingIsClosedQuietly() throws Exception {
        try (Socket s = connect()) {
            assertThat(awaitClose(s)).isEmpty();
        }
    }

    @Test
    void aStalledBodyIsAnswered408() throws Exception {
        try (Socket s = connect()) {
            send(s, "POST /up HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\nonly twenty bytes...");
            String r = awaitClose(s);
            assertThat(r).startsWith("HTTP/1.1 408 ").contains("client_body_timeout");
        }
    }

    @Test
    void aSlowBodyThatKeepsMovingIsNotCut() throws Exception {
        int chunks = 15;
        try (Socket s = connect()) {
            send(s, "POST /up HTTP/1.1\r\nHost: a\r\nContent-Length: " + chunks * 10 + "\r\n\r\n");
            // 10 bytes every 200 ms: 3 s in all, past the 2 s body timeout, never idle for a tenth of it.
            int[] sent = {0};
            trickle.scheduleAtFixedRate(() -> {
                try {
                    if (sent[0] < chunks) {
                        sent[0]++;
                        send(s, "0123456789");
                    }
                } catch (IOException e) {
                    sent[0] = chunks;
                }
            }, 200, 200, TimeUnit.MILLISECONDS);
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> drain(s, got) || got.toString(StandardCharsets.ISO_8859_1).endsWith("got 150"));
            assertThat(got.toString(StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 200 ").endsWith("got 150");
        }
    }

    @Test
    void anIdleKeepAliveConnectionIsClosedQuietlyAfterTheTimeout() throws Exception {
        try (Socket s = connect()) {
            send(s, "GET /a HTTP/1.1\r\nHost: a\r\n\r\n");
            ByteArrayOutputStream first = new ByteArrayOutputStream();
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> drain(s, first) || first.toString(StandardCharsets.ISO_8859_1).endsWith("got 0"));
            long answered = System.nanoTime();
            // The connection serves a second request, then goes idle and is closed without a word.
            send(s, "GET /b HTTP/1.1\r\nHost: a\r\n\r\n");
            String rest = awaitClose(s);
            assertThat(rest).startsWith("HTTP/1.1 200 ").endsWith("got 0");
            assertThat(Duration.ofNanos(System.nanoTime() - answered)).isGreaterThanOrEqualTo(KEEP_ALIVE);
        }
    }

    @Test
    void heldStreamsOutliveEveryTimeout() throws Exception {
        try (StreamClients clients = new StreamClients()) {
            StreamClients.Stream sse = clients.open(holdfast.port(), "/test/sse");
            await().until(() -> holdfast.server().pubsub().subscriptionCount() == 1);
            // Twice the longest timeout, checked throughout.
            await().during(KEEP_ALIVE.multipliedBy(2)).atMost(Duration.ofSeconds(15)).until(() -> !sse.closed());
            holdfast.publish("""
                    {"items":[{"channel":"test","formats":{"http-stream":{"content":"data: still here\\n\\n"}}}]}""");
            await().atMost(Duration.ofSeconds(20)).until(() -> sse.body().endsWith("data: still here\n\n"));
        }
    }

    @Test
    void aQuietWebSocketOutlivesEveryTimeout() throws Exception {
        WsClient client = WsClient.connect(java.net.URI.create("ws://127.0.0.1:" + holdfast.port() + "/test/websocket"));
        await().until(() -> holdfast.server().pubsub().subscriptionCount() == 1);
        await().during(KEEP_ALIVE.multipliedBy(2)).atMost(Duration.ofSeconds(15)).until(() -> !client.closed.isDone());
        holdfast.publish("{\"items\":[{\"channel\":\"test\",\"formats\":{\"ws-message\":{\"content\":\"still here\"}}}]}");
        assertThat(client.next()).isEqualTo("still here");
        client.socket().abort();
    }

    @Test
    void defaultsAreNginxs() {
        assertThat(ClientTimeouts.DEFAULT).isEqualTo(new ClientTimeouts(Duration.ofSeconds(60),
                Duration.ofSeconds(60), Duration.ofSeconds(75)));
        assertThat(List.of(ClientTimeouts.DEFAULT.header(), ClientTimeouts.DEFAULT.body(),
                ClientTimeouts.DEFAULT.keepAlive())).allMatch(d -> d.compareTo(Duration.ofSeconds(300)) < 0);
    }
}
