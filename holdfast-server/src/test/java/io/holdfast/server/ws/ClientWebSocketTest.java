package io.holdfast.server.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.holdfast.server.testing.Holdfast;
import io.holdfast.server.testing.RawWebSocket;
import io.holdfast.server.testing.WsClient;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client side of WebSockets, through the built-in /test/websocket echo endpoint. */
class ClientWebSocketTest {
    private Holdfast holdfast;

    @BeforeEach
    void start() throws Exception {
        holdfast = Holdfast.start(b -> b.webSocketMaxMessageSize(64 * 1024).routeSpecs(List.of()));
    }

    @AfterEach
    void stop() {
        holdfast.close();
    }

    private URI ws(String path) {
        return URI.create("ws://127.0.0.1:" + holdfast.port() + path);
    }

    @Test
    void testWebSocketEchoesAndReceivesPublishesOnChannelTest() throws Exception {
        WsClient client = WsClient.connect(ws("/test/websocket"));
        client.send("ping me");
        assertThat(client.next()).isEqualTo("ping me");
        await().until(() -> holdfast.server().pubsub().subscriptionCount() == 1);
        holdfast.publish("{\"items\":[{\"channel\":\"test\",\"formats\":{\"ws-message\":{\"content\":\"hello\"}}}]}");
        assertThat(client.next()).isEqualTo("hello");
        holdfast.publish("{\"items\":[{\"channel\":\"test\",\"formats\":{\"ws-message\":{\"action\":\"close\",\"code\":4100,\"reason\":\"over\"}}}]}");
        assertThat(client.closed.get(10, TimeUnit.SECONDS)).isEqualTo("4100 over");
    }

    @Test
    void thousandWebSocketSubscribersEachReceiveOnePublish() throws Exception {
        List<WsClient> clients = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            clients.add(WsClient.connect(ws("/test/websocket?channel=many")));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> holdfast.server().pubsub().subscriptionCount() == 1000);
        holdfast.publish("{\"items\":[{\"channel\":\"many\",\"formats\":{\"ws-message\":{\"content\":\"all\"}}}]}");
        for (WsClient c : clients) {
            assertThat(c.next()).isEqualTo("all");
        }
        clients.forEach(c -> c.socket().abort());
        await().until(() -> holdfast.server().pubsub().subscriptionCount() == 0);
    }

    // ---- protocol errors, from a raw socket that can send what no client library would ----

    @Test
    void permessageDeflateIsNegotiatedWhenAllowed() throws Exception {
        holdfast.close();
        holdfast = Holdfast.start(b -> b.allowCompression(true).routeSpecs(List.of()));
        try (Socket s = new Socket("127.0.0.1", holdfast.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET /test/websocket HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Extensions: permessage-deflate\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String head = readHead(s.getInputStream());
            assertThat(head).startsWith("HTTP/1.1 101").containsIgnoringCase("sec-websocket-extensions: permessage-deflate");
        }
    }

    @Test
    void aCompressedMessageInflatingPastTheLimitClosesWith1009() throws Exception {
        holdfast.close();
        holdfast = Holdfast.start(b -> b.allowCompression(true).webSocketMaxMessageSize(64 * 1024).routeSpecs(List.of()));
        try (RawWebSocket raw = RawWebSocket.handshake(holdfast.port(), "/test/websocket",
                "Sec-WebSocket-Key: " + RawWebSocket.GOOD_KEY + "\r\nSec-WebSocket-Version: 13\r\n"
                        + "Sec-WebSocket-Extensions: permessage-deflate\r\n")) {
            assertThat(raw.head).startsWith("HTTP/1.1 101").containsIgnoringCase("permessage-deflate");
            // RFC 7692 §7.2.1: raw deflate, flushed, without the final 00 00 ff ff; a few KiB inflate to 1 MiB.
            java.util.zip.Deflater deflater = new java.util.zip.Deflater(9, true);
            deflater.setInput(new byte[1024 * 1024]);
            byte[] out = new byte[64 * 1024];
            int n = deflater.deflate(out, 0, out.length, java.util.zip.Deflater.SYNC_FLUSH);
            deflater.end();
            raw.frame(0x40 | 0x2, true, java.util.Arrays.copyOf(out, n - 4)); // RSV1: compressed
            assertThat(raw.readCloseCode()).isEqualTo(1009);
        }
    }

    @Test
    void anUnmaskedClientFrameClosesWith1002() throws Exception {
        try (RawWebSocket raw = RawWebSocket.open(holdfast.port(), "/test/websocket")) {
            raw.frame(0x1, false, "hi".getBytes());
            assertThat(raw.readCloseCode()).isEqualTo(1002);
        }
    }

    @Test
    void invalidUtf8TextClosesWith1007() throws Exception {
        try (RawWebSocket raw = RawWebSocket.open(holdfast.port(), "/test/websocket")) {
            raw.frame(0x1, true, new byte[] {(byte) 0xc3, (byte) 0x28});
            assertThat(raw.readCloseCode()).isEqualTo(1007);
        }
    }

    @Test
    void aMessageOverTheLimitClosesWith1009() throws Exception {
        try (RawWebSocket raw = RawWebSocket.open(holdfast.port(), "/test/websocket")) {
            raw.frame(0x2, true, new byte[100 * 1024]);
            assertThat(raw.readCloseCode()).isEqualTo(1009);
        }
    }

    @Test
    void aBadClientDoesNotDisturbAnotherConnection() throws Exception {
        WsClient good = WsClient.connect(ws("/test/websocket"));
        try (RawWebSocket raw = RawWebSocket.open(holdfast.port(), "/test/websocket")) {
            raw.frame(0x1, false, "bad".getBytes());
            raw.readCloseCode();
        }
        good.send("still here");
        assertThat(good.next()).isEqualTo("still here");
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        while (!sb.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            sb.append((char) b);
        }
        return sb.toString();
    }
}
