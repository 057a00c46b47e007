package io.holdfast.server.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.holdfast.grip.GripLimits;
import io.holdfast.grip.tnetstring.TNetStrings;
import io.holdfast.server.testing.Holdfast;
import io.holdfast.server.testing.StreamClients;
import io.holdfast.server.testing.TestOrigin;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * Issue 10 defect 2: a long channel name, wherever it enters, is refused with the one
 * {@link GripLimits} text, and the ZeroMQ inputs (PULL, SUB and the command socket) keep working
 * afterwards. Before the fix, a 7,000-byte name overflowed JeroMQ's recursive topic trie and the
 * ZeroMQ thread died for good.
 */
class ZmqHostileInputTest {
    private static final String ANY_PORT = "tcp://127.0.0.1:*";
    /** JeroMQ 0.6.0 stalls some fresh connections until the handshake timer redials (zeromq/jeromq#1022). */
    private static final int HANDSHAKE_MILLIS = 1000;
    private static final String LONG = "c".repeat(7000);
    private static final String TOO_LONG = GripLimits.channelProblem(LONG);

    private final ZContext zmq = new ZContext();
    private final StreamClients clients = new StreamClients();
    private Holdfast holdfast;
    private TestOrigin origin;
    private ZMQ.Socket push;
    private ZMQ.Socket xpub;
    private ZMQ.Socket req;

    private void start(String... routes) throws Exception {
        holdfast = Holdfast.start(b -> b.zmq(true).pushInSpec(ANY_PORT).pushInSubSpecs(List.of(ANY_PORT))
                .commandSpec("tcp://127.0.0.1:0"), routes);
        ZmqEndpoints at = holdfast.server().zmqEndpoints().orElseThrow();
        push = socket(SocketType.PUSH, at.pull());
        xpub = socket(SocketType.XPUB, at.sub().get(0));
        req = socket(SocketType.REQ, at.command());
    }

    @AfterEach
    void stop() {
        clients.close();
        zmq.close();
        if (holdfast != null) {
            holdfast.close();
        }
        if (origin != null) {
            origin.close();
        }
    }

    private ZMQ.Socket socket(SocketType type, String connectTo) {
        ZMQ.Socket s = zmq.createSocket(type);
        s.setLinger(0);
        s.setReceiveTimeOut(10_000);
        s.setHandshakeIvl(HANDSHAKE_MILLIS);
        s.connect(connectTo);
        return s;
    }

    private ZmqInputs inputs() {
        return holdfast.server().zmqInputs().orElseThrow();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] streamItem(String channel, String content) {
        Map<String, Object> item = new LinkedHashMap<>();
        if (channel != null) {
            item.put("channel", utf8(channel));
        }
        item.put("formats", Map.of("http-stream", Map.of("content", utf8(content))));
        return TNetStrings.encode(item);
    }

    private Map<?, ?> call(Map<String, Object> request) {
        req.send(TNetStrings.encode(request), 0);
        byte[] reply = req.recv(0);
        assertThat(reply).as("command socket reply").isNotNull();
        return (Map<?, ?>) TNetStrings.decode(reply);
    }

    private static String text(Object bytes) {
        return new String((byte[]) bytes, StandardCharsets.UTF_8);
    }

    /** The XPUB publisher sees {@code \x01channel}, skipping subscriptions that came before it. */
    private void awaitSubscription(String channel) {
        byte[] wanted = utf8("\u0001" + channel);
        while (true) {
            byte[] got = xpub.recv(0);
            assertThat(got).as("subscription to %s", channel).isNotNull();
            if (Arrays.equals(got, wanted)) {
                return;
            }
        }
    }

    /** PULL, SUB (interest and messages) and the command socket all still work. */
    private void assertZeroMqStillWorks(String channel) throws Exception {
        StreamClients.Stream stream = clients.open(holdfast.port(), "/sse?channel=" + channel);
        await().until(() -> holdfast.server().pubsub().hasSubscribers(channel));
        awaitSubscription(channel);
        push.send(streamItem(channel, "data: by push\n\n"), 0);
        await().until(() -> stream.body().endsWith("data: by push\n\n"));
        xpub.sendMore(channel);
        xpub.send(streamItem(null, "data: by sub\n\n"), 0);
        await().until(() -> stream.body().endsWith("data: by sub\n\n"));
        Map<?, ?> uris = call(Map.of("method", "get-zmq-uris"));
        assertThat(uris.get("success")).isEqualTo(true);
        stream.channel().close();
    }

    @Test
    void aLongChannelOnTheTestSseEndpointGets400AndZeroMqKeepsWorking() throws Exception {
        start("* test");
        assertZeroMqStillWorks("before");
        HttpResponse<String> r = holdfast.get("/sse?channel=" + LONG);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("channel: " + TOO_LONG);
        assertThat(holdfast.server().pubsub().hasSubscribers(LONG)).isFalse();
        assertZeroMqStillWorks("after");
    }

    @Test
    void anOriginsLongGripChannelGets502AndZeroMqKeepsWorking() throws Exception {
        origin = new TestOrigin().handle("/", exchange -> {
            exchange.getResponseHeaders().add("Grip-Hold", "stream");
            exchange.getResponseHeaders().add("Grip-Channel", "x".repeat(20_000));
            exchange.sendResponseHeaders(200, 0);
        });
        start("example.test " + origin.target(), "* test");
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(holdfast.uri("/feed"))
                .header("Host", "example.test").timeout(java.time.Duration.ofSeconds(20)).build();
        HttpResponse<String> r = Holdfast.CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(holdfast.server().pubsub().hasSubscribers("x".repeat(20_000))).isFalse();
        assertZeroMqStillWorks("after-origin");
    }

    @Test
    void aLongChannelPublishedOverHttpGets400() throws Exception {
        start("* test");
        HttpResponse<String> r = holdfast.publish("{\"items\":[{\"channel\":\"" + LONG
                + "\",\"formats\":{\"http-stream\":{\"content\":\"x\"}}}]}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).isEqualTo("Invalid format: item 0: channel: " + TOO_LONG + "\n");
    }

    @Test
    void longChannelsOverPushSubAndTheCommandSocketAreRefusedAndEverythingKeepsWorking() throws Exception {
        start("* test");
        StreamClients.Stream room = clients.open(holdfast.port(), "/sse?channel=room");
        await().until(() -> holdfast.server().pubsub().hasSubscribers("room"));
        awaitSubscription("room");

        push.send(streamItem(LONG, "data: lost\n\n"), 0);
        await().until(() -> inputs().droppedMessages() == 1);
        // A SUB topic matches by prefix: "room" + 7,000 bytes reaches us and must be refused, not published.
        xpub.sendMore("room" + LONG);
        xpub.send(streamItem(null, "data: lost\n\n"), 0);
        await().until(() -> inputs().droppedMessages() == 2);

        Map<?, ?> published = call(Map.of("method", "publish", "args",
                Map.of("items", List.of(TNetStrings.decode(streamItem(LONG, "data: lost\n\n"))))));
        assertThat(published.get("success")).isEqualTo(false);
        assertThat(text(published.get("condition"))).isEqualTo("bad-request");
        assertThat(text(published.get("value"))).isEqualTo("Invalid format: item 0: channel: " + TOO_LONG);
        Map<?, ?> refresh = call(Map.of("method", "refresh", "args", Map.of("channel", utf8(LONG))));
        assertThat(text(refresh.get("value"))).isEqualTo("refresh: args.channel: " + TOO_LONG);

        assertZeroMqStillWorks("after");
        assertThat(room.body()).doesNotContain("lost");
    }

    @Test
    void aSubscriptionTooLongForATopicIsLeftOutCountedAndTheRestKeepsWorking() throws Exception {
        // Each input checks names, but a route prefix is added after: 7,000 + 1 bytes would kill JeroMQ's trie.
        String prefix = "p".repeat(7000);
        start("long.test,prefix=" + prefix + " test", "* test");
        clients.openWithHeader(holdfast.port(), "/sse?channel=a", "Host", "long.test");
        await().until(() -> holdfast.server().pubsub().hasSubscribers(prefix + "a"));
        await().until(() -> inputs().refusedSubscriptions() == 1);
        assertZeroMqStillWorks("after");
    }
}
