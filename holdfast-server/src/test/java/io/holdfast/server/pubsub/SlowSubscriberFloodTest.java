package io.holdfast.server.pubsub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.holdfast.server.config.UnsentBudget;
import io.holdfast.server.proxy.ClientConnection;
import io.holdfast.server.testing.Holdfast;
import io.holdfast.server.testing.StreamClients;
import io.holdfast.server.testing.WsClient;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Issue 10, defect 1 over real sockets: clients that never read, a publish flood, and a small
 * unsent-bytes budget. The slow ones are cut off (largest first), each with one log line and a
 * count, their sockets close at once, readers get every message, other requests keep being answered,
 * and the budget's accounting returns to zero.
 */
class SlowSubscriberFloodTest {
    private static final int MESSAGE_SIZE = 8 * 1024;
    private static final String PAD = "x".repeat(MESSAGE_SIZE - 16);

    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final List<Socket> sockets = new ArrayList<>();

    @BeforeEach
    void captureConnectionLogs() {
        logs.start();
        connectionLogger().addAppender(logs);
    }

    @AfterEach
    void closeEverything() throws IOException {
        connectionLogger().detachAppender(logs);
        for (Socket s : sockets) {
            s.close();
        }
    }

    private static Logger connectionLogger() {
        return (Logger) LoggerFactory.getLogger(ClientConnection.class);
    }

    /** A client with a tiny receive window that sends its request and never reads. */
    private Socket nonReading(int port, String request) throws IOException {
        Socket s = new Socket();
        sockets.add(s);
        s.setReceiveBufferSize(4096);
        s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        return s;
    }

    private Socket nonReadingSse(int port) throws IOException {
        return nonReading(port, "GET /sse?channel=flood HTTP/1.1\r\nHost: x\r\n\r\n");
    }

    private Socket nonReadingWebSocket(int port) throws IOException {
        return nonReading(port, "GET /websocket?channel=flood HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n");
    }

    /** Publishes {@code count} items (ten per request) for both SSE and WebSocket subscribers. */
    private static void publish(Holdfast hf, int from, int count) throws Exception {
        for (int i = from; i < from + count; i += 10) {
            StringBuilder items = new StringBuilder();
            for (int n = i; n < Math.min(from + count, i + 10); n++) {
                String text = String.format("m%08d %s", n, PAD);
                items.append(items.length() == 0 ? "" : ",").append("{\"channel\":\"flood\",\"formats\":{")
                        .append("\"http-stream\":{\"content\":\"data: ").append(text).append("\\n\\n\"},")
                        .append("\"ws-message\":{\"content\":\"").append(text).append("\"}}}");
            }
            HttpResponse<String> r = hf.publish("{\"items\":[" + items + "]}");
            assertThat(r.statusCode()).isEqualTo(200);
        }
    }

    /** Reads until the server closes the connection (EOF or reset); returns when that happened. */
    private static boolean closedWithin(Socket s, Duration limit) throws IOException {
        long deadline = System.nanoTime() + limit.toNanos();
        s.setSoTimeout(250);
        InputStream in = s.getInputStream();
        byte[] buf = new byte[64 * 1024];
        while (System.nanoTime() < deadline) {
            try {
                if (in.read(buf) < 0) {
                    return true;
                }
            } catch (SocketTimeoutException e) {
                // nothing yet; keep waiting until the deadline
            } catch (IOException reset) {
                return true;
            }
        }
        return false;
    }

    private long cutOffLines() {
        return logs.list.stream().filter(e -> e.getFormattedMessage().contains("cut off as a slow subscriber")).count();
    }

    @Test
    void nonReadingSubscribersAreCutOffWithinTheBudgetWhileReadersGetEveryMessage() throws Exception {
        // Larger than a burst to every subscriber (10 items of 8 KiB to 32 of them, 2.6 MB), so only queues
        // that keep growing reach it.
        long budget = 8 * 1024 * 1024;
        try (Holdfast hf = Holdfast.start(b -> b.subscriberBufferSize(64 * 1024 * 1024)
                        .unsentBudget(new UnsentBudget(budget, budget)), "* test");
             StreamClients clients = new StreamClients()) {
            List<Socket> slow = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                slow.add(nonReadingSse(hf.port()));
            }
            for (int i = 0; i < 10; i++) {
                slow.add(nonReadingWebSocket(hf.port()));
            }
            StreamClients.Stream sseReader = clients.open(hf.port(), "/sse?channel=flood");
            WsClient wsReader = WsClient.connect(URI.create("ws://127.0.0.1:" + hf.port() + "/websocket?channel=flood"));
            await().atMost(Duration.ofSeconds(20)).until(() -> hf.server().pubsub().subscriptionCount() == 32);

            // Until every client that does not read is cut off: each one has to queue more than the kernel
            // buffers of its socket take (a few MB on loopback) before its queue grows in the server.
            int messages = 0;
            while (hf.server().counters().slowSubscribersDropped.sum() < 30 && messages < 4_000) {
                publish(hf, messages, 100);
                messages += 100;
                HttpResponse<String> get = hf.get("/");
                assertThat(get.statusCode()).as("other requests keep being answered").isEqualTo(200);
            }
            assertThat(hf.server().counters().slowSubscribersDropped.sum()).isEqualTo(30);
            int published = messages;
            for (Socket s : slow) {
                assertThat(closedWithin(s, Duration.ofSeconds(10))).as("a cut-off client sees its connection end").isTrue();
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> countOf(sseReader.body(), "data: m") == published);
            for (int i = 0; i < published; i++) {
                assertThat(wsReader.next()).startsWith(String.format("m%08d ", i));
            }
            assertThat(sseReader.closed()).isFalse();

            assertThat(hf.server().counters().unsentBudgetCutOffs.sum()).isEqualTo(30);
            assertThat(hf.server().pubsub().subscriptionCount()).isEqualTo(2);
            await().atMost(Duration.ofSeconds(10)).until(() -> hf.server().pubsub().unsentBytes().total() == 0);
            Map<String, Long> stats = hf.server().counters().snapshot();
            assertThat(stats).containsEntry("slow_subscribers_dropped", 30L).containsEntry("unsent_bytes", 0L);

            // One line per cut-off, naming the connection; nothing for the writes that were still queued.
            await().atMost(Duration.ofSeconds(5)).until(() -> cutOffLines() == 30);
            Map<String, Long> perConnection = logs.list.stream()
                    .map(ILoggingEvent::getFormattedMessage)
                    .filter(m -> m.contains("cut off as a slow subscriber"))
                    .collect(Collectors.groupingBy(m -> m.substring(0, m.indexOf(' ')), Collectors.counting()));
            assertThat(perConnection).hasSize(30).allSatisfy((conn, n) -> {
                assertThat(conn).startsWith("conn=");
                assertThat(n).isEqualTo(1);
            });
            assertThat(logs.list).noneMatch(e -> e.getFormattedMessage().contains("closing after error"));
            assertThat(hf.get("/").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aWebSocketCutOffAsTooSlowReleasesItsSocketAtOnce() throws Exception {
        try (Holdfast hf = Holdfast.start(b -> b.subscriberBufferSize(64 * 1024), "* test")) {
            Socket slow = nonReadingWebSocket(hf.port());
            await().atMost(Duration.ofSeconds(10)).until(() -> hf.server().pubsub().subscriptionCount() == 1);
            int sent = 0;
            while (hf.server().counters().slowSubscribersDropped.sum() == 0 && sent < 5_000) {
                publish(hf, sent, 50);
                sent += 50;
            }
            assertThat(hf.server().counters().slowSubscribersDropped.sum()).isEqualTo(1);
            // No close handshake queued behind megabytes the client will never read: the socket goes now.
            assertThat(closedWithin(slow, Duration.ofSeconds(5))).isTrue();
            assertThat(cutOffLines()).isEqualTo(1);
            await().atMost(Duration.ofSeconds(5)).until(() -> hf.server().pubsub().unsentBytes().total() == 0);
        }
    }

    private static int countOf(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length())) {
            n++;
        }
        return n;
    }
}
