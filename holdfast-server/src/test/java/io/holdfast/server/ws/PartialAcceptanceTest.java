package io.holdfast.server.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.holdfast.grip.websocket.WebSocketContext;
import io.holdfast.grip.websocket.WebSocketEvent;
import io.holdfast.grip.websocket.WebSocketEventCodec;
import io.holdfast.server.testing.Holdfast;
import io.holdfast.server.testing.WsClient;
import io.holdfast.server.testing.WsOverHttpOrigin;
import io.holdfast.server.testing.WsOverHttpOrigin.Reply;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code Content-Bytes-Accepted} / {@code Content-Bytes-Replayed} (Pushpin 1.41) end to end: a real
 * WebSocket-over-HTTP origin accepts part of a request, and Holdfast offers the rest again, marked.
 */
class PartialAcceptanceTest {
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

    private URI ws(String path) {
        return URI.create("ws://127.0.0.1:" + holdfast.port() + path);
    }

    private static String texts(WsOverHttpOrigin.Request req) {
        StringBuilder sb = new StringBuilder();
        req.events().forEach(e -> sb.append(e.text()).append('|'));
        return sb.toString();
    }

    private static Reply open() {
        return Reply.of(WebSocketEvent.open(), WebSocketEvent.text("c:{\"type\":\"subscribe\",\"channel\":\"room\"}"))
                .header("Sec-WebSocket-Extensions", "grip");
    }

    @Test
    void theUnacceptedRestIsSentAgainWithTheNextMessageMarkedAsReplayed() throws Exception {
        origin = new WsOverHttpOrigin((req, n) -> {
            if (n == 0) {
                return open();
            }
            if (texts(req).equals("abcdef|")) {
                return Reply.of(WebSocketEvent.text("m:took 4")).header("Content-Bytes-Accepted", "4");
            }
            return Reply.of(WebSocketEvent.text("m:got " + texts(req)));
        });
        holdfast = Holdfast.start("* " + origin.target());
        WsClient client = WsClient.connect(ws("/mq"));
        origin.next();

        client.send("abcdef");
        assertThat(client.next()).isEqualTo("took 4");
        WsOverHttpOrigin.Request first = origin.next();
        assertThat(first.header("Content-Bytes-Replayed")).isNull();

        // Nothing is sent for the replay alone: the next request is the one the new message causes.
        client.send("gh");
        WsOverHttpOrigin.Request second = origin.next();
        assertThat(texts(second)).isEqualTo("ef|gh|");
        assertThat(second.header("Content-Bytes-Replayed")).isEqualTo("2");
        assertThat(client.next()).isEqualTo("got ef|gh|");
    }

    @Test
    void aRefreshSendsTheReplayWithoutNewMessages() throws Exception {
        origin = new WsOverHttpOrigin((req, n) -> {
            if (n == 0) {
                return open();
            }
            if (n == 1) {
                return Reply.of(WebSocketEvent.text("m:took none")).header("Content-Bytes-Accepted", "0");
            }
            return Reply.of(WebSocketEvent.text("m:got " + texts(req)));
        });
        holdfast = Holdfast.start("* " + origin.target());
        WsClient client = WsClient.connect(ws("/mq"));
        origin.next();
        client.send("abc");
        assertThat(client.next()).isEqualTo("took none");
        origin.next();

        await().until(() -> holdfast.server().pubsub().subscriptionCount() >= 1);
        holdfast.publish("{\"items\":[{\"channel\":\"room\",\"formats\":{\"ws-message\":{\"action\":\"refresh\"}}}]}");
        WsOverHttpOrigin.Request replay = origin.next();
        assertThat(texts(replay)).isEqualTo("abc|");
        assertThat(replay.header("Content-Bytes-Replayed")).isEqualTo("3");
        assertThat(client.next()).isEqualTo("got abc|");
    }

    @Test
    void acceptingMoreThanWasOfferedEndsTheSessionWith1011() throws Exception {
        origin = new WsOverHttpOrigin((req, n) -> n == 0 ? open()
                : Reply.of().header("Content-Bytes-Accepted", "99"));
        holdfast = Holdfast.start("* " + origin.target());
        WsClient client = WsClient.connect(ws("/mq"));
        client.send("abc");
        assertThat(client.closed.get(10, TimeUnit.SECONDS)).startsWith("1011");
    }

    /**
     * An MQTT-like origin on holdfast-grip's {@link WebSocketContext}: the client's binary messages are
     * one byte stream of packets (a length byte, then that many bytes); the origin accepts only whole
     * packets and echoes each. A packet split over two WebSocket messages is answered once complete.
     */
    @Test
    void aStreamOriginAcceptsOnlyWholePacketsThroughWebSocketContext() throws Exception {
        origin = new WsOverHttpOrigin(PartialAcceptanceTest::packetOrigin);
        holdfast = Holdfast.start("* " + origin.target());
        WsClient client = WsClient.connect(ws("/mq"));
        origin.next();

        client.socket().sendBinary(ByteBuffer.wrap(new byte[] {5, 'h', 'e'}), true).get(5, TimeUnit.SECONDS);
        WsOverHttpOrigin.Request partial = origin.next();
        assertThat(partial.events()).hasSize(1);
        client.socket().sendBinary(ByteBuffer.wrap(new byte[] {'l', 'l', 'o', 2, 'o'}), true).get(5, TimeUnit.SECONDS);
        assertThat(client.next()).isEqualTo("bin:hello");
        WsOverHttpOrigin.Request whole = origin.next();
        assertThat(whole.header("Content-Bytes-Replayed")).isEqualTo("3");

        client.socket().sendBinary(ByteBuffer.wrap(new byte[] {'k'}), true).get(5, TimeUnit.SECONDS);
        assertThat(client.next()).isEqualTo("bin:ok");
        assertThat(origin.next().header("Content-Bytes-Replayed")).isEqualTo("2");
    }

    private static Reply packetOrigin(WsOverHttpOrigin.Request req, int n) {
        Map<String, String> headers = new LinkedHashMap<>();
        req.headers().forEach((name, values) -> headers.put(name, values.get(0)));
        WebSocketContext ctx = WebSocketContext.fromRequest(req.header("Connection-Id"), headers,
                WebSocketEventCodec.encode(req.events()));
        if (ctx.isOpening()) {
            ctx.accept();
        }
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        while (ctx.canReceive()) {
            stream.writeBytes(ctx.receive().content());
        }
        byte[] bytes = stream.toByteArray();
        int used = 0;
        while (used < bytes.length && used + 1 + bytes[used] <= bytes.length) {
            byte[] packet = java.util.Arrays.copyOfRange(bytes, used + 1, used + 1 + bytes[used]);
            ctx.sendBinary(packet);
            used += 1 + bytes[used];
        }
        ctx.acceptContentBytes(used);
        Reply reply = new Reply(ctx.responseEvents(), new ArrayList<>(), 200);
        ctx.responseHeaders().forEach(reply::header);
        return reply;
    }
}
