package io.holdfast.server.ws;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.server.testing.Holdfast;
import io.holdfast.server.testing.RawWebSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Close frames from a raw RFC 6455 client (§5.5.1, §7.4): invalid codes get 1002, a reason that is
 * not UTF-8 gets 1007, valid ones are echoed. Relaying to origins is covered by the passthrough and
 * WebSocket-over-HTTP tests.
 */
class CloseFrameTest {
    private Holdfast holdfast;

    @BeforeEach
    void start() throws Exception {
        holdfast = Holdfast.start(b -> b.routeSpecs(List.of()));
    }

    @AfterEach
    void stop() {
        holdfast.close();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 999, 1004, 1005, 1006, 1015, 2000, 2999, 5000, 65535})
    void anInvalidCloseCodeGets1002(int code) throws Exception {
        try (RawWebSocket ws = RawWebSocket.open(holdfast.port(), "/test/websocket")) {
            ws.close(code, "bye".getBytes(StandardCharsets.UTF_8));
            assertThat(ws.readCloseCode()).isEqualTo(1002);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1000, 1001, 1003, 1007, 1011, 1014, 3000, 4999})
    void aValidCloseCodeIsEchoed(int code) throws Exception {
        try (RawWebSocket ws = RawWebSocket.open(holdfast.port(), "/test/websocket")) {
            ws.close(code, "bye".getBytes(StandardCharsets.UTF_8));
            assertThat(ws.readCloseCode()).isEqualTo(code);
        }
    }

    @Test
    void aCloseReasonThatIsNotUtf8Gets1007() throws Exception {
        try (RawWebSocket ws = RawWebSocket.open(holdfast.port(), "/test/websocket")) {
            ws.close(1000, new byte[] {'o', 'k', (byte) 0xc3, (byte) 0x28});
            assertThat(ws.readCloseCode()).isEqualTo(1007);
        }
    }

    @Test
    void aCloseFrameWithoutACodeIsAnsweredWithoutOne() throws Exception {
        try (RawWebSocket ws = RawWebSocket.open(holdfast.port(), "/test/websocket")) {
            ws.frame(0x8, true, new byte[0]);
            RawWebSocket.Frame f = ws.readFrame();
            assertThat(f.opcode()).isEqualTo(8);
            assertThat(f.payload()).isEmpty();
        }
    }
}
