package io.holdfast.server.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.holdfast.grip.websocket.WebSocketEvent;
import io.holdfast.server.testing.Holdfast;
import io.holdfast.server.testing.RawWebSocket;
import io.holdfast.server.testing.WsClient;
import io.holdfast.server.testing.WsOverHttpOrigin;
import io.holdfast.server.testing.WsOverHttpOrigin.Reply;
import java.net.URI;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OverHttpWebSocketTest {
    private WsOverHttpOrigin origin;
    private Holdfast holdfast;

    @AfterEach
    void stop() {
        if (holdfast != null) {
            holdfast.close();
        }
        if (origin != null) {
            origin.close();
        }
    }

    /** Accepts with GRIP, subscribes to "room", greets, binds meta user=alice; echoes "echo:" texts. */
    static Reply chatOrigin(WsOverHttpOrigin.Request req, int n) {
        WebSocketEvent first = req.events().isEmpty() ? null : req.events().get(0);
        if (first != null && first.type() == WebSocketEvent.Type.OPEN) {
            return Reply.of(WebSocketEvent.open(),
                            WebSocketEvent.text("c:{\"type\":\"subscribe\",\"channel\":\"room\"}"),
                            WebSocketEvent.text("m:welcome"),
                            WebSocketEvent.text("not for the client"))
                    .header("Sec-WebSocket-Extensions", "grip")
                    .header("Set-Meta-User", "alice")
                    .header("Set-Cookie", "session=1");
        }
        List<WebSocketEvent> out = new java.util.ArrayList<>();
        for (WebSocketEvent e : req.events()) {
            if (e.type() == WebSocketEvent.Type.TEXT) {
                String t = new String(e.content(), StandardCharsets.UTF_8);
                if (t.startsWith("echo:")) {
                    out.add(WebSocketEvent.text("m:" + t.substring(5)));
                } else if (t.equals("bin-me")) {
                    out.add(WebSocketEvent.binary("m:bytes".getBytes(StandardCharsets.UTF_8)));
                    out.add(WebSocketEvent.binary("no prefix".getBytes(StandardCharsets.UTF_8)));
                } else if (t.equals("close-me")) {
                    out.add(WebSocketEvent.close(4000, "bye"));
                } else if (t.startsWith("big:")) {
                    out.add(WebSocketEvent.text("m:" + "x".repeat(Integer.parseInt(t.substring(4)) - 2)));
                } else if (t.startsWith("close-with:")) {
                    out.add(WebSocketEvent.close(Integer.parseInt(t.substring(11)), "bad"));
                } else if (t.equals("close-bad-reason")) {
                    out.add(new WebSocketEvent(WebSocketEvent.Type.CLOSE, new byte[] {3, (byte) 0xe8, (byte) 0xc3, 0x28}));
                }
            } else if (e.type() == WebSocketEvent.Type.CLOSE) {
                out.add(WebSocketEvent.close(e.closeCode(), ""));
            }
        }
        return new Reply(out, new java.util.ArrayList<>(), 200);
    }

    private URI ws(String path) {
        return URI.create("ws://127.0.0.1:" + holdfast.port() + path);
    }

    private void start(java.util.function.UnaryOperator<io.holdfast.server.config.HoldfastConfig.Builder> config)
            throws Exception {
        origin = new WsOverHttpOrigin(OverHttpWebSocketTest::chatOrigin);
        holdfast = Holdfast.start(config, "* " + origin.target());
    }

    @Test
    void openSubscribePublishAndClientMessagesFlowThroughHttp() throws Exception {
        start(b -> b);
        WsClient client = WsClient.connect(ws("/chat?x=1"));
        assertThat(client.next()).isEqualTo("welcome");

        WsOverHttpOrigin.Request open = origin.next();
        assertThat(open.events()).extracting(WebSocketEvent::type).containsExactly(WebSocketEvent.Type.OPEN);
        assertThat(open.header("Content-Type")).isEqualTo("application/websocket-events");
        assertThat(open.header("Sec-WebSocket-Extensions")).isEqualTo("grip");
        assertThat(open.header("Grip-Sig")).isNotBlank();
        String connectionId = open.header("Connection-Id");
        assertThat(connectionId).isNotBlank();

        await().until(() -> holdfast.server().pubsub().subscriptionCount() == 1);
        holdfast.publish("{\"items\":[{\"channel\":\"room\",\"formats\":{\"ws-message\":{\"content\":\"published\"}}}]}");
        assertThat(client.next()).isEqualTo("published");
        holdfast.publish("{\"items\":[{\"channel\":\"room\",\"formats\":{\"ws-message\":{\"content-bin\":\"YmluYXJ5\"}}}]}");
        assertThat(client.next()).isEqualTo("bin:binary");

        client.send("bin-me");
        assertThat(client.next()).as("binary keeps GRIP's m: rule").isEqualTo("bin:bytes");
        origin.nextWithEvents();
        client.send("echo:hi");
        assertThat(client.next()).isEqualTo("hi");
        WsOverHttpOrigin.Request message = origin.nextWithEvents();
        assertThat(message.events().get(0).text()).isEqualTo("echo:hi");
        assertThat(message.header("Connection-Id")).isEqualTo(connectionId);
        assertThat(message.header("Meta-User")).isEqualTo("alice");
        com.auth0.jwt.JWT.require(com.auth0.jwt.algorithms.Algorithm.HMAC256("test-secret")).build()
                .verify(message.header("Grip-Sig"));
        assertThat(client.messages).isEmpty();
    }

    @Test
    void originInitiatedCloseReachesTheClientWithItsCodeAndReason() throws Exception {
        start(b -> b);
        WsClient client = WsClient.connect(ws("/chat"));
        client.next();
        client.send("close-me");
        assertThat(client.closed.get(10, TimeUnit.SECONDS)).isEqualTo("4000 bye");
        origin.nextWithEvents();
        origin.nextWithEvents();
        WsOverHttpOrigin.Request ourClose = origin.nextWithEvents();
        assertThat(ourClose.events().get(0).type()).isEqualTo(WebSocketEvent.Type.CLOSE);
        await().until(() -> holdfast.server().pubsub().subscriptionCount() == 0);
    }

    @Test
    void anInvalidClientCloseCodeGets1002AndTheOriginOnlyHearsDisconnect() throws Exception {
        start(b -> b);
        try (RawWebSocket raw = RawWebSocket.open(holdfast.port(), "/chat")) {
            raw.close(5000, "bye".getBytes(StandardCharsets.UTF_8));
            assertThat(raw.readCloseCode()).isEqualTo(1002);
        }
        assertThat(origin.nextWithEvents().events().get(0).type()).isEqualTo(WebSocketEvent.Type.OPEN);
        assertThat(origin.nextWithEvents().events()).extracting(WebSocketEvent::type)
                .containsExactly(WebSocketEvent.Type.DISCONNECT);
    }

    @Test
    void aClientCloseWithoutACodeReachesTheOriginAsACloseWithoutContent() throws Exception {
        start(b -> b);
        try (RawWebSocket raw = RawWebSocket.open(holdfast.port(), "/chat")) {
            raw.frame(0x8, true, new byte[0]);
            assertThat(raw.readCloseCode()).isEqualTo(1005);
        }
        origin.nextWithEvents();
        WebSocketEvent close = origin.nextWithEvents().events().get(0);
        assertThat(close.type()).isEqualTo(WebSocketEvent.Type.CLOSE);
        assertThat(close.content()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(ints = {999, 1006, 1015, 5000})
    void anInvalidOriginCloseCodeIsAnswered1002AndTheClientGets1011(int code) throws Exception {
        start(b -> b);
        WsClient client = WsClient.connect(ws("/chat"));
        client.next();
        client.send("close-with:" + code);
        assertThat(client.closed.get(10, TimeUnit.SECONDS)).isEqualTo("1011 origin error");
        origin.nextWithEvents();
        origin.nextWithEvents();
        WebSocketEvent ours = origin.nextWithEvents().events().get(0);
        assertThat(ours.type()).isEqualTo(WebSocketEvent.Type.CLOSE);
        assertThat(ours.closeCode()).isEqualTo(1002);
    }

    @Test
    void anOriginCloseReasonThatIsNotUtf8IsAnswered1007() throws Exception {
        start(b -> b);
        WsClient client = WsClient.connect(ws("/chat"));
        client.next();
        client.send("close-bad-reason");
        assertThat(client.closed.get(10, TimeUnit.SECONDS)).isEqualTo("1011 origin error");
        origin.nextWithEvents();
        origin.nextWithEvents();
        assertThat(origin.nextWithEvents().events().get(0).closeCode()).isEqualTo(1007);
    }

    private static final int MIB = 1024 * 1024;

    @Test
    void aOneMebibyteMessagePassesBothWaysByDefault() throws Exception {
        start(b -> b);
        WsClient client = WsClient.connect(ws("/chat"));
        client.next();
        String payload = "a".repeat(MIB - 5);
        client.send("echo:" + payload);
        assertThat(client.next()).isEqualTo(payload);
        origin.nextWithEvents();
        assertThat(origin.nextWithEvents().events().get(0).content()).hasSize(MIB);
        assertThat(client.closed).isNotDone();
    }

    @Test
    void theLimitIsWebsocketMaxMessageSizeInBothDirections() throws Exception {
        start(b -> b.webSocketMaxMessageSize(100_000));
        WsClient client = WsClient.connect(ws("/chat"));
        client.next();
        String payload = "b".repeat(100_000 - 5);
        client.send("echo:" + payload);
        assertThat(client.next()).isEqualTo(payload);
        client.send("big:100001");
        assertThat(client.closed.get(10, TimeUnit.SECONDS)).isEqualTo("1009 origin message too large");
    }

    @Test
    void anOriginMessageOverTheLimitClosesBothSidesWith1009() throws Exception {
        start(b -> b);
        WsClient client = WsClient.connect(ws("/chat"));
        client.next();
        client.send("big:" + (MIB + 1));
        assertThat(client.closed.get(10, TimeUnit.SECONDS)).isEqualTo("1009 origin message too large");
        origin.nextWithEvents();
        origin.nextWithEvents();
        assertThat(origin.nextWithEvents().events().get(0).closeCode()).isEqualTo(1009);
    }

    @Test
    void clientCloseIsRelayedAndConfirmed() throws Exception {
        start(b -> b);
        WsClient client = WsClient.connect(ws("/chat"));
        client.next();
        client.socket().sendClose(4001, "done").get(5, TimeUnit.SECONDS);
        assertThat(client.closed.get(10, TimeUnit.SECONDS)).startsWith("4001");
        origin.next();
        WsOverHttpOrigin.Request close = origin.nextWithEvents();
        assertThat(close.events().get(0).type()).isEqualTo(WebSocketEvent.Type.CLOSE);
        assertThat(close.events().get(0).closeCode()).isEqualTo(4001);
    }

    @Test
    void disconnectIsSentWhenTheClientVanishes() throws Exception {
        start(b -> b);
        WsClient client = WsClient.connect(ws("/chat"));
        client.next();
        origin.next();
        client.socket().abort();
        WsOverHttpOrigin.Request gone = origin.nextWithEvents();
        assertThat(gone.events()).extracting(WebSocketEvent::type).containsExactly(WebSocketEvent.Type.DISCONNECT);
    }

    @Test
    void eventsArrivingWhileTheOriginIsSlowAreBatchedInOrder() throws Exception {
        start(b -> b);
        CountDownLatch release = new CountDownLatch(1);
        WsClient client = WsClient.connect(ws("/chat"));
        client.next();
        origin.next();
        origin.behaviour((req, n) -> {
            if (!req.events().isEmpty() && req.events().get(0).text().equals("echo:first")) {
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return chatOrigin(req, n);
        });
        client.send("echo:first");
        assertThat(origin.nextWithEvents().events()).hasSize(1);
        client.send("echo:a");
        client.send("echo:b");
        client.send("echo:c");
        release.countDown();
        WsOverHttpOrigin.Request batch = origin.nextWithEvents();
        assertThat(batch.events()).extracting(WebSocketEvent::text).containsExactly("echo:a", "echo:b", "echo:c");
        assertThat(List.of(client.next(), client.next(), client.next(), client.next()))
                .containsExactly("first", "a", "b", "c");
    }

    @Test
    void anUnreachableOriginIsRetriedThenTheClientGets1011() throws Exception {
        start(b -> b.webSocketRetryDelay(Duration.ofMillis(50)).webSocketRetries(2));
        WsClient client = WsClient.connect(ws("/chat"));
        client.next();
        origin.close();
        client.send("echo:lost");
        assertThat(client.closed.get(15, TimeUnit.SECONDS)).startsWith("1011");
    }

    @Test
    void aBadEventBodyFromTheOriginClosesWith1011() throws Exception {
        start(b -> b);
        WsClient client = WsClient.connect(ws("/chat"));
        client.next();
        origin.behaviour((req, n) -> new Reply(List.of(), new java.util.ArrayList<>(), 500));
        client.send("echo:x");
        assertThat(client.closed.get(10, TimeUnit.SECONDS)).startsWith("1011");
    }

    @Test
    void subprotocolIsNegotiatedByTheOrigin() throws Exception {
        start(b -> b);
        origin.behaviour((req, n) -> {
            Reply r = chatOrigin(req, n);
            if (n == 0) {
                r.header("Sec-WebSocket-Protocol", "chat.v2");
            }
            return r;
        });
        WsClient client = new WsClient();
        var socket = Holdfast.CLIENT.newWebSocketBuilder().subprotocols("chat.v2", "chat.v1")
                .buildAsync(ws("/chat"), client).get(10, TimeUnit.SECONDS);
        assertThat(socket.getSubprotocol()).isEqualTo("chat.v2");
        assertThat(origin.next().header("Sec-WebSocket-Protocol")).isEqualTo("chat.v2, chat.v1");
    }

    @Test
    void keepAliveAndDetachControlMessagesActAtTheEdge() throws Exception {
        start(b -> b);
        origin.behaviour((req, n) -> n == 0
                ? Reply.of(WebSocketEvent.open(),
                        WebSocketEvent.text("c:{\"type\":\"subscribe\",\"channel\":\"feed\"}"),
                        WebSocketEvent.text("c:{\"type\":\"keep-alive\",\"content\":\"ka\",\"timeout\":1,\"mode\":\"interval\"}"),
                        WebSocketEvent.text("c:{\"type\":\"detach\"}"))
                        .header("Sec-WebSocket-Extensions", "grip")
                : chatOrigin(req, n));
        WsClient client = WsClient.connect(ws("/chat"));
        assertThat(client.next()).isEqualTo("ka");
        origin.next();
        client.send("echo:dropped after detach");
        await().until(() -> holdfast.server().pubsub().subscriptionCount() == 1);
        holdfast.publish("{\"items\":[{\"channel\":\"feed\",\"formats\":{\"ws-message\":{\"content\":\"still published\"}}}]}");
        await().atMost(Duration.ofSeconds(5)).until(() -> client.messages.contains("still published"));
        assertThat(client.messages).doesNotContain("dropped after detach");
    }

    @Test
    void theOriginCanRefuseTheHandshake() throws Exception {
        origin = new WsOverHttpOrigin((req, n) -> new Reply(List.of(), new java.util.ArrayList<>(), 403));
        holdfast = Holdfast.start("* " + origin.target());
        assertThatThrownBy(() -> WsClient.connect(ws("/chat")))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(WebSocketHandshakeException.class)
                .satisfies(e -> assertThat(((WebSocketHandshakeException) e).getResponse().statusCode()).isEqualTo(403));
    }

    @Test
    void originDownAtOpenGives502() throws Exception {
        origin = new WsOverHttpOrigin(OverHttpWebSocketTest::chatOrigin);
        int port = origin.port();
        origin.close();
        holdfast = Holdfast.start("* 127.0.0.1:" + port + ",over_http");
        assertThatThrownBy(() -> WsClient.connect(ws("/chat")))
                .cause().isInstanceOf(WebSocketHandshakeException.class)
                .satisfies(e -> assertThat(((WebSocketHandshakeException) e).getResponse().statusCode()).isEqualTo(502));
        origin = null;
    }
}
