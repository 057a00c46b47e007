package io.holdfast.server.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.holdfast.grip.tnetstring.TNetStrings;
import io.holdfast.server.config.HandlerSettings;
import io.holdfast.server.pubsub.Subscriptions;
import io.holdfast.server.testing.Holdfast;
import io.holdfast.server.testing.StreamClients;
import io.holdfast.server.testing.TestOrigin;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * ZeroMQ parity with Pushpin (issue 12 items 10, 11): the stats PUB socket, subscription_linger for
 * XPUB interest, update_on_first_subscription, and command socket errors. Real JeroMQ sockets.
 */
class ZmqParityTest {
    private static final String ANY_PORT = "tcp://127.0.0.1:*";
    private final ZContext zmq = new ZContext();
    private final StreamClients clients = new StreamClients();
    private Holdfast holdfast;

    @AfterEach
    void stop() {
        clients.close();
        zmq.close();
        if (holdfast != null) {
            holdfast.close();
        }
    }

    private void start(UnaryOperator<HandlerSettings> handler, String route) throws Exception {
        holdfast = Holdfast.start(b -> b.zmq(true).pushInSpec(null).pushInSubSpecs(List.of(ANY_PORT))
                .commandSpec(ANY_PORT).handler(handler.apply(HandlerSettings.DEFAULT.withStatsSpec(ANY_PORT))), route);
    }

    private ZmqEndpoints endpoints() {
        return holdfast.server().zmqEndpoints().orElseThrow();
    }

    private ZMQ.Socket socket(SocketType type, String connectTo, int receiveTimeoutMillis) {
        ZMQ.Socket s = zmq.createSocket(type);
        s.setLinger(0);
        s.setReceiveTimeOut(receiveTimeoutMillis);
        s.setHandshakeIvl(1000);
        if (type == SocketType.SUB) {
            s.subscribe(new byte[0]);
        }
        s.connect(connectTo);
        return s;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Packets read but not yet asked for, as (type, packet). */
    private final java.util.List<Map.Entry<String, Map<?, ?>>> unclaimed = new java.util.ArrayList<>();

    /**
     * The first stats packet of {@code type} matching {@code want}, decoded, whether it came before
     * or after others (subscribing {@code conn:} and a channel are separate events); fails after 10 s.
     */
    private Map<?, ?> nextPacket(ZMQ.Socket stats, String type, java.util.function.Predicate<Map<?, ?>> want) {
        for (var it = unclaimed.iterator(); it.hasNext(); ) {
            var e = it.next();
            if (e.getKey().equals(type) && want.test(e.getValue())) {
                it.remove();
                return e.getValue();
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            byte[] frame = stats.recv(0);
            if (frame == null) {
                break;
            }
            String text = new String(frame, StandardCharsets.ISO_8859_1);
            int space = text.indexOf(" T");
            assertThat(space).as(text).isPositive();
            String got = text.substring(0, space);
            Map<?, ?> packet = (Map<?, ?>) TNetStrings.decode(Arrays.copyOfRange(frame, space + 2, frame.length));
            if (got.equals(type) && want.test(packet)) {
                return packet;
            }
            unclaimed.add(Map.entry(got, packet));
        }
        throw new AssertionError("no matching " + type + " packet within 10 s; unclaimed: " + unclaimed.size());
    }

    private static String text(Object bytes) {
        return bytes == null ? null : new String((byte[]) bytes, StandardCharsets.UTF_8);
    }

    @Test
    void theStatsSocketPublishesSubConnAndReportPacketsInTnetstring() throws Exception {
        start(h -> h.withStatsReportInterval(Duration.ofMillis(200)).withSubscriptionLinger(Duration.ofMillis(300)),
                "* test");
        ZMQ.Socket stats = socket(SocketType.SUB, endpoints().stats(), 10_000);
        Map<?, ?> report = nextPacket(stats, "report", p -> true); // the subscription has taken effect
        assertThat(text(report.get("from"))).startsWith("holdfast_");
        assertThat(report.get("duration")).isInstanceOf(Long.class);

        StreamClients.Stream stream = clients.open(holdfast.port(), "/sse?channel=news");
        Map<?, ?> sub = nextPacket(stats, "sub", p -> "news".equals(text(p.get("channel"))));
        assertThat(text(sub.get("mode"))).isEqualTo("stream");
        assertThat(sub.get("ttl")).isEqualTo(60L);
        Map<?, ?> conn = nextPacket(stats, "conn", p -> p.get("unavailable") == null);
        assertThat(text(conn.get("type"))).isEqualTo("http");
        String id = text(conn.get("id"));
        assertThat(holdfast.server().pubsub().hasSubscribers(Subscriptions.CONNECTION_CHANNEL_PREFIX + id)).isTrue();

        holdfast.publish("{\"items\":[{\"channel\":\"news\",\"formats\":{\"http-stream\":{\"content\":\"x\\n\"}}}]}");
        await().until(() -> stream.body().endsWith("x\n"));
        // Reports count per interval: the publish and its delivery may fall into one report or two.
        long[] received = {0};
        long[] sent = {0};
        nextPacket(stats, "report", p -> {
            received[0] += (Long) p.get("received");
            sent[0] += (Long) p.get("sent");
            return received[0] >= 1 && sent[0] >= 1;
        });
        assertThat(received[0]).isEqualTo(1L);

        stream.channel().close();
        Map<?, ?> gone = nextPacket(stats, "sub", p -> "news".equals(text(p.get("channel"))));
        assertThat(gone.get("unavailable")).isEqualTo(true);
        Map<?, ?> connGone = nextPacket(stats, "conn", p -> id.equals(text(p.get("id"))));
        assertThat(connGone.get("unavailable")).isEqualTo(true);
    }

    @Test
    void statsFormatJsonSendsJsonPackets() throws Exception {
        start(h -> h.withStatsJson(true).withStatsReportInterval(Duration.ofMillis(200)), "* test");
        ZMQ.Socket stats = socket(SocketType.SUB, endpoints().stats(), 10_000);
        byte[] frame = stats.recv(0);
        assertThat(frame).isNotNull();
        String text = new String(frame, StandardCharsets.UTF_8);
        assertThat(text).startsWith("report J{");
        JsonNode json = new ObjectMapper().readTree(text.substring("report J".length()));
        assertThat(json.get("from").asText()).startsWith("holdfast_");
    }

    @Test
    void aLongPollThatComesBackWithinTheLingerDoesNotFlapXpubInterest() throws Exception {
        try (TestOrigin origin = new TestOrigin()) {
            origin.handle("/poll", ex -> {
                ex.getResponseHeaders().add("Grip-Hold", "response");
                ex.getResponseHeaders().add("Grip-Channel", "room");
                ex.sendResponseHeaders(200, -1);
            });
            start(h -> h.withUpdateOnFirstSubscription(false), "* " + origin.target());
            ZMQ.Socket xpub = socket(SocketType.XPUB, endpoints().sub().get(0), 10_000);
            CompletableFuture<HttpResponse<String>> first = poll();
            assertThat(xpub.recv(0)).isEqualTo(utf8("\u0001room"));
            // The first long-poll is answered and the client comes straight back, as long-poll clients do.
            xpub.sendMore("room");
            xpub.send(utf8("J{\"formats\":{\"http-response\":{\"body\":\"one\"}}}"), 0);
            assertThat(first.get(10, TimeUnit.SECONDS).body()).isEqualTo("one");
            await().until(() -> !holdfast.server().pubsub().hasSubscribers("room"));
            CompletableFuture<HttpResponse<String>> second = poll();
            await().until(() -> holdfast.server().pubsub().hasSubscribers("room"));
            xpub.sendMore("room");
            xpub.send(utf8("J{\"formats\":{\"http-response\":{\"body\":\"two\"}}}"), 0);
            assertThat(second.get(10, TimeUnit.SECONDS).body()).isEqualTo("two");
            xpub.setReceiveTimeOut(1000);
            assertThat(xpub.recv(0)).as("no unsubscribe or resubscribe within the 60 s linger").isNull();
        }
    }

    private CompletableFuture<HttpResponse<String>> poll() {
        return Holdfast.CLIENT.sendAsync(HttpRequest.newBuilder(holdfast.uri("/poll")).timeout(Duration.ofSeconds(20))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void interestIsWithdrawnOnceTheLingerPasses() throws Exception {
        start(h -> h.withSubscriptionLinger(Duration.ofMillis(300)), "* test");
        ZMQ.Socket xpub = socket(SocketType.XPUB, endpoints().sub().get(0), 10_000);
        StreamClients.Stream stream = clients.open(holdfast.port(), "/sse?channel=room");
        assertThat(xpub.recv(0)).isEqualTo(utf8("\u0001room"));
        long closed = System.nanoTime();
        stream.channel().close();
        assertThat(xpub.recv(0)).isEqualTo(utf8("\u0000room"));
        assertThat(System.nanoTime() - closed).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(300));
    }

    @Test
    void heldRequestsAskTheirOriginAgainASecondAfterTheFirstSubscription() throws Exception {
        try (TestOrigin origin = new TestOrigin()) {
            AtomicInteger calls = new AtomicInteger();
            origin.handle("/poll", ex -> {
                if (calls.incrementAndGet() == 1) {
                    ex.getResponseHeaders().add("Grip-Hold", "response");
                    ex.getResponseHeaders().add("Grip-Channel", "fresh");
                    ex.sendResponseHeaders(200, -1);
                } else {
                    byte[] b = "published before we subscribed".getBytes();
                    ex.sendResponseHeaders(200, b.length);
                    ex.getResponseBody().write(b);
                }
            });
            start(h -> h, "* " + origin.target());
            long started = System.nanoTime();
            HttpResponse<String> r = poll().get(10, TimeUnit.SECONDS);
            assertThat(r.body()).isEqualTo("published before we subscribed");
            assertThat(System.nanoTime() - started).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(1000));
            assertThat(calls.get()).isEqualTo(2);
        }
    }

    @Test
    void theBuiltInTestTargetsLongPollIsNotRetriedOnFirstSubscription() throws Exception {
        start(h -> h, "* test");
        CompletableFuture<HttpResponse<String>> r = Holdfast.CLIENT.sendAsync(HttpRequest.newBuilder(
                holdfast.uri("/long-poll?channel=t")).build(), HttpResponse.BodyHandlers.ofString());
        await().until(() -> holdfast.server().pubsub().hasSubscribers("t"));
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(4)).until(() -> !r.isDone());
        holdfast.publish("{\"items\":[{\"channel\":\"t\",\"formats\":{\"http-response\":{\"body\":\"hi\"}}}]}");
        assertThat(r.get(10, TimeUnit.SECONDS).body()).isEqualTo("hi");
    }

    @Test
    void withoutUpdateOnFirstSubscriptionTheHoldWaits() throws Exception {
        try (TestOrigin origin = new TestOrigin()) {
            origin.handle("/poll", ex -> {
                ex.getResponseHeaders().add("Grip-Hold", "response");
                ex.getResponseHeaders().add("Grip-Channel", "fresh");
                ex.sendResponseHeaders(200, -1);
            });
            start(h -> h.withUpdateOnFirstSubscription(false), "* " + origin.target());
            CompletableFuture<HttpResponse<String>> r = poll();
            await().until(() -> holdfast.server().pubsub().hasSubscribers("fresh"));
            await().during(Duration.ofMillis(1800)).atMost(Duration.ofSeconds(4))
                    .until(() -> !r.isDone() && origin.requestCount() == 1);
        }
    }

    @Test
    void theCommandSocketRefusesUnknownConnectionsAndMalformedArgs() throws Exception {
        start(h -> h, "* test");
        ZMQ.Socket req = socket(SocketType.REQ, endpoints().command(), 10_000);
        Map<?, ?> unknown = call(req, Map.of("method", "refresh", "args", Map.of("cid", "nobody")));
        assertThat(unknown.get("success")).isEqualTo(false);
        assertThat(text(unknown.get("condition"))).isEqualTo("item-not-found");

        clients.open(holdfast.port(), "/sse?channel=c");
        await().until(() -> holdfast.server().pubsub().channelsWithSubscribers().stream()
                .anyMatch(c -> c.startsWith(Subscriptions.CONNECTION_CHANNEL_PREFIX)));
        String cid = holdfast.server().pubsub().channelsWithSubscribers().stream()
                .filter(c -> c.startsWith(Subscriptions.CONNECTION_CHANNEL_PREFIX)).findFirst().orElseThrow()
                .substring(Subscriptions.CONNECTION_CHANNEL_PREFIX.length());
        assertThat(call(req, Map.of("method", "refresh", "args", Map.of("cid", cid))).get("success")).isEqualTo(true);

        for (Map<String, Object> malformed : List.<Map<String, Object>>of(
                Map.of("method", "recover", "args", "not an object"),
                Map.of("method", "refresh", "args", Map.of("cid", 42L)),
                Map.of("method", "conncheck", "args", Map.of("ids", List.of(1L))),
                Map.of("method", 7L))) {
            Map<?, ?> reply = call(req, malformed);
            assertThat(reply.get("success")).as(malformed.toString()).isEqualTo(false);
            assertThat(text(reply.get("condition"))).as(malformed.toString()).isEqualTo("bad-request");
        }
    }

    private static Map<?, ?> call(ZMQ.Socket req, Map<String, Object> request) {
        req.send(TNetStrings.encode(request), 0);
        byte[] reply = req.recv(0);
        assertThat(reply).as("command reply").isNotNull();
        return (Map<?, ?>) TNetStrings.decode(reply);
    }
}
