package io.holdfast.server.ws;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.grip.websocket.WebSocketEvent;
import io.holdfast.server.testing.Holdfast;
import io.holdfast.server.testing.RawWebSocket;
import io.holdfast.server.testing.WsOverHttpOrigin;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * RFC 6455 §4.2.1 handshakes from a raw TCP client: a missing or malformed {@code Sec-WebSocket-Key}
 * or a version other than 13 gets {@code 400} at once and never reaches the origin.
 */
class WebSocketHandshakeTest {
    private static final String VERSION = "Sec-WebSocket-Version: 13\r\n";
    private static final String KEY = "Sec-WebSocket-Key: " + RawWebSocket.GOOD_KEY + "\r\n";

    private Holdfast holdfast;
    private WsOverHttpOrigin origin;

    @AfterEach
    void stop() {
        if (holdfast != null) {
            holdfast.close();
        }
        if (origin != null) {
            origin.close();
        }
    }

    /** Bad keys: none, base64 of 10 bytes, not base64, base64 of 17 bytes, two keys. */
    @ParameterizedTest
    @ValueSource(strings = {"", "Sec-WebSocket-Key: AAECAwQFBgcICQ==\r\n", "Sec-WebSocket-Key: !!!!!!!!!!!!!!!!!!!!!!==\r\n",
        "Sec-WebSocket-Key: AAECAwQFBgcICQoLDA0ODxA=\r\n", KEY + KEY})
    void aMissingOrMalformedKeyGets400AtOnce(String keyHeader) throws Exception {
        holdfast = Holdfast.start(b -> b.routeSpecs(List.of()));
        try (RawWebSocket ws = RawWebSocket.handshake(holdfast.port(), "/test/websocket", keyHeader + VERSION)) {
            assertThat(ws.head).startsWith("HTTP/1.1 400");
            assertThat(ws.body()).contains("Sec-WebSocket-Key");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Sec-WebSocket-Version: 8\r\n", "Sec-WebSocket-Version: 14\r\n", "Sec-WebSocket-Version: 1x\r\n"})
    void anUnsupportedVersionGets400NamingVersion13(String versionHeader) throws Exception {
        holdfast = Holdfast.start(b -> b.routeSpecs(List.of()));
        try (RawWebSocket ws = RawWebSocket.handshake(holdfast.port(), "/test/websocket", KEY + versionHeader)) {
            assertThat(ws.head).startsWith("HTTP/1.1 400").containsIgnoringCase("sec-websocket-version: 13\r\n");
        }
    }

    @Test
    void aGoodHandshakeIsStillAccepted() throws Exception {
        holdfast = Holdfast.start(b -> b.routeSpecs(List.of()));
        try (RawWebSocket ws = RawWebSocket.handshake(holdfast.port(), "/test/websocket", KEY + VERSION)) {
            assertThat(ws.head).startsWith("HTTP/1.1 101")
                    .containsIgnoringCase("sec-websocket-accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
        }
    }

    @Test
    void badHandshakesNeverReachAWebSocketOverHttpOrigin() throws Exception {
        origin = new WsOverHttpOrigin((req, n) -> WsOverHttpOrigin.Reply.of(WebSocketEvent.open()));
        holdfast = Holdfast.start("* " + origin.target());
        try (RawWebSocket ws = RawWebSocket.handshake(holdfast.port(), "/chat", VERSION)) {
            assertThat(ws.head).startsWith("HTTP/1.1 400");
        }
        try (RawWebSocket ws = RawWebSocket.handshake(holdfast.port(), "/chat", "Sec-WebSocket-Key: AAECAwQFBgcICQ==\r\n" + VERSION)) {
            assertThat(ws.head).startsWith("HTTP/1.1 400");
        }
        try (RawWebSocket ws = RawWebSocket.handshake(holdfast.port(), "/chat", KEY + "Sec-WebSocket-Version: 8\r\n")) {
            assertThat(ws.head).startsWith("HTTP/1.1 400").containsIgnoringCase("sec-websocket-version: 13\r\n");
        }
        // The first request the origin ever sees is the good handshake's OPEN.
        try (RawWebSocket ws = RawWebSocket.handshake(holdfast.port(), "/chat", KEY + VERSION + "X-Probe: good\r\n")) {
            assertThat(ws.head).startsWith("HTTP/1.1 101");
            assertThat(origin.next().header("X-Probe")).isEqualTo("good");
        }
    }

    @Test
    void badHandshakesNeverReachAPassthroughOrigin() throws Exception {
        try (ServerSocket passthrough = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            holdfast = Holdfast.start("* 127.0.0.1:" + passthrough.getLocalPort());
            try (RawWebSocket ws = RawWebSocket.handshake(holdfast.port(), "/chat", VERSION)) {
                assertThat(ws.head).startsWith("HTTP/1.1 400");
            }
            try (RawWebSocket ws = RawWebSocket.handshake(holdfast.port(), "/chat", KEY)) {
                assertThat(ws.head).startsWith("HTTP/1.1 400");
            }
            passthrough.setSoTimeout(300);
            boolean connected;
            try (var ignored = passthrough.accept()) {
                connected = true;
            } catch (SocketTimeoutException e) {
                connected = false;
            }
            assertThat(connected).as("the origin was contacted").isFalse();
        }
    }
}
