package io.holdfast.server.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.holdfast.grip.tnetstring.TNetStrings;
import io.holdfast.server.config.HandlerSettings;
import io.holdfast.server.testing.Holdfast;
import io.holdfast.server.testing.StreamClients;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/** Pushpin's ZeroMQ publish inputs over real sockets, with JeroMQ publishers as a Pushpin user would write them. */
class ZmqPublishTest {
    private static final String ANY_PORT = "tcp://127.0.0.1:*";
    /**
     * JeroMQ 0.6.0 stalls a few percent of fresh connections on the connecting side until the
     * handshake timer redials (zeromq/jeromq#1022); a short timer keeps that well inside the waits.
     */
    private static final int HANDSHAKE_MILLIS = 1000;

    private final ZContext zmq = new ZContext();
    private final StreamClients clients = new StreamClients();
    private Holdfast holdfast;

    @BeforeEach
    void start() throws Exception {
        // No subscription_linger here, so an XPUB publisher sees interest go at once (ZmqParityTest covers it).
        holdfast = Holdfast.start(b -> b.zmq(true).pushInSpec(ANY_PORT).pushInSubSpecs(List.of(ANY_PORT))
                .commandSpec("tcp://127.0.0.1:0")
                .handler(HandlerSettings.DEFAULT.withSubscriptionLinger(java.time.Duration.ZERO)), "* test");
    }

    @AfterEach
    void stop() {
        clients.close();
        zmq.close();
        if (holdfast != null) {
            holdfast.close();
        }
    }

    private ZmqEndpoints endpoints() {
        return holdfast.server().zmqEndpoints().orElseThrow();
    }

    private StreamClients.Stream sse(Holdfast hf, String channel) throws InterruptedException {
        StreamClients.Stream stream = clients.open(hf.port(), "/sse?channel=" + channel);
        await().until(() -> hf.server().pubsub().hasSubscribers(channel));
        return stream;
    }

    private ZMQ.Socket socket(SocketType type, String connectTo) {
        ZMQ.Socket s = zmq.createSocket(type);
        s.setLinger(0);
        s.setReceiveTimeOut(10_000);
        s.setHandshakeIvl(HANDSHAKE_MILLIS);
        s.connect(connectTo);
        return s;
    }

    /** An item as gripcontrol's tnetstring export writes it: every string a byte string. */
    private static Map<String, Object> streamItem(String channel, String content) {
        Map<String, Object> item = new LinkedHashMap<>();
        if (channel != null) {
            item.put("channel", channel);
        }
        item.put("formats", Map.of("http-stream", Map.of("content", content.getBytes(StandardCharsets.UTF_8))));
        return item;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aPushPublishInTnetstringOrJsonReachesAnSseClientAndBadMessagesAreDropped() throws Exception {
        assertThat(endpoints().pull()).matches("tcp://127\\.0\\.0\\.1:\\d+");
        StreamClients.Stream stream = sse(holdfast, "x");
        ZMQ.Socket push = socket(SocketType.PUSH, endpoints().pull());

        push.send(TNetStrings.encode(streamItem("x", "data: one\n\n")), 0);
        await().until(() -> stream.body().endsWith("data: one\n\n"));

        push.send(utf8("J{\"channel\":\"x\",\"formats\":{\"http-stream\":{\"content\":\"data: two\\n\\n\"}}}"), 0);
        await().until(() -> stream.body().endsWith("data: two\n\n"));

        push.send(utf8("not a tnetstring"), 0);
        push.send(utf8("J{\"channel\":\"x\"}"), 0);
        byte[] marked = TNetStrings.encode(streamItem("x", "data: three\n\n"));
        byte[] withMarker = new byte[marked.length + 1];
        withMarker[0] = 'T';
        System.arraycopy(marked, 0, withMarker, 1, marked.length);
        push.send(withMarker, 0);
        await().until(() -> stream.body().endsWith("data: three\n\n"));
        assertThat(stream.body()).doesNotContain("not a tnetstring");
        assertThat(holdfast.server().counters().publishRequests.sum()).isEqualTo(3);
    }

    @Test
    void anXpubPublisherSeesInterestComeAndGoAndItsPublishReachesTheClient() throws Exception {
        ZMQ.Socket xpub = socket(SocketType.XPUB, endpoints().sub().get(0));
        StreamClients.Stream stream = sse(holdfast, "room");

        assertThat(xpub.recv(0)).isEqualTo(utf8("\u0001room"));
        xpub.sendMore("room");
        xpub.send(TNetStrings.encode(streamItem(null, "data: hi room\n\n")), 0);
        await().until(() -> stream.body().endsWith("data: hi room\n\n"));

        stream.channel().close();
        assertThat(xpub.recv(0)).isEqualTo(utf8("\u0000room"));
    }

    @Test
    void withPushInSubConnectTheSubSocketDialsTheBroker() throws Exception {
        ZMQ.Socket broker = zmq.createSocket(SocketType.XPUB);
        broker.setLinger(0);
        broker.setReceiveTimeOut(10_000);
        broker.bind(ANY_PORT);
        String brokerAt = broker.getLastEndpoint();
        try (Holdfast connecting = Holdfast.start(b -> b.zmq(true).pushInSpec(null).commandSpec(null)
                .pushInSubSpecs(List.of(brokerAt)).pushInSubConnect(true), "* test")) {
            assertThat(connecting.server().zmqEndpoints().orElseThrow().sub()).containsExactly(brokerAt);
            StreamClients.Stream stream = sse(connecting, "news");
            assertThat(broker.recv(0)).isEqualTo(utf8("\u0001news"));
            broker.sendMore("news");
            broker.send(utf8("J{\"formats\":{\"http-stream\":{\"content\":\"data: extra\\n\\n\"}}}"), 0);
            await().until(() -> stream.body().endsWith("data: extra\n\n"));
        }
    }

    private static Map<?, ?> call(ZMQ.Socket req, Map<String, Object> request) {
        req.send(TNetStrings.encode(request), 0);
        byte[] reply = req.recv(0);
        assertThat(reply).as("command reply").isNotNull();
        return (Map<?, ?>) TNetStrings.decode(reply);
    }

    private static String text(Object bytes) {
        return new String((byte[]) bytes, StandardCharsets.UTF_8);
    }

    @Test
    void theCommandSocketPublishesAndAnswersDiscoveryAndUnknownMethods() throws Exception {
        ZmqEndpoints at = endpoints();
        assertThat(at.command()).matches("tcp://127\\.0\\.0\\.1:\\d+");
        ZMQ.Socket req = socket(SocketType.REQ, at.command());

        // gripcontrol's discovery request carries no id.
        Map<?, ?> uris = call(req, Map.of("method", "get-zmq-uris"));
        assertThat(uris.get("success")).isEqualTo(true);
        assertThat(uris.containsKey("id")).isFalse();
        Map<?, ?> value = (Map<?, ?>) uris.get("value");
        assertThat(text(value.get("command"))).isEqualTo(at.command());
        assertThat(text(value.get("publish-pull"))).isEqualTo(at.pull());
        assertThat(text(value.get("publish-sub"))).isEqualTo(at.sub().get(0));

        StreamClients.Stream stream = sse(holdfast, "cmd");
        Map<String, Object> publish = new LinkedHashMap<>();
        publish.put("id", utf8("42"));
        publish.put("method", utf8("publish"));
        publish.put("args", Map.of("items", List.of(streamItem("cmd", "data: by command\n\n"))));
        Map<?, ?> published = call(req, publish);
        assertThat(text(published.get("id"))).isEqualTo("42");
        assertThat(published.get("success")).isEqualTo(true);
        await().until(() -> stream.body().endsWith("data: by command\n\n"));

        publish.put("args", Map.of("items", List.of(streamItem("cmd", "ok"), streamItem(null, "no channel"))));
        Map<?, ?> refused = call(req, publish);
        assertThat(refused.get("success")).isEqualTo(false);
        assertThat(text(refused.get("condition"))).isEqualTo("bad-request");
        assertThat(text(refused.get("value"))).isEqualTo("Invalid format: item 1: channel: required");
        assertThat(stream.body()).doesNotContain("ok");

        Map<?, ?> unknown = call(req, Map.of("id", utf8("7"), "method", utf8("make-coffee")));
        assertThat(text(unknown.get("id"))).isEqualTo("7");
        assertThat(unknown.get("success")).isEqualTo(false);
        assertThat(text(unknown.get("condition"))).isEqualTo("method-not-found");

        assertThat(call(req, Map.of("method", "recover")).get("success")).isEqualTo(true);
        assertThat(call(req, Map.of("method", "conncheck", "args", Map.of("ids", List.of("a", "b")))).get("value"))
                .isEqualTo(List.of());
        assertThat(call(req, Map.of("method", "refresh", "args", Map.of("channel", "cmd"))).get("success"))
                .isEqualTo(true);
    }

    @Test
    void aMalformedCommandGetsBadRequestAndTheSocketKeepsAnswering() throws Exception {
        ZMQ.Socket req = socket(SocketType.REQ, endpoints().command());
        req.send(utf8("12:oops"), 0);
        Map<?, ?> reply = (Map<?, ?>) TNetStrings.decode(req.recv(0));
        assertThat(text(reply.get("condition"))).isEqualTo("bad-request");
        assertThat(text(reply.get("value"))).startsWith("tnetstring: ");

        req.send(utf8("J{\"id\":\"j1\",\"method\":\"get-zmq-uris\"}"), 0);
        String json = new String(req.recv(0), StandardCharsets.UTF_8);
        assertThat(json).startsWith("J{\"id\":\"j1\",\"success\":true,\"value\":{\"command\":\"" + endpoints().command());
    }

    @Test
    void zeroMqIsOffWhenDisabled() throws Exception {
        try (Holdfast off = Holdfast.start("* test")) {
            assertThat(off.server().zmqEndpoints()).isEmpty();
        }
    }
}
