package io.holdfast.server.ws;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link ClientWebSocket} on an {@link EmbeddedChannel}: which close frames it answers and with what. */
class ClientWebSocketHandlerTest {
    private final List<String> heard = new ArrayList<>();
    private final EmbeddedChannel channel = new EmbeddedChannel(new ClientWebSocket(1, new ClientWebSocket.Listener() {
        @Override
        public void onClientMessage(WebSocketFrame message) {
            message.release();
        }

        @Override
        public void onClientClose(int code, String reason) {
            heard.add(code + " " + reason);
        }
    }));

    private int answeredCode() {
        CloseWebSocketFrame answer = channel.readOutbound();
        try {
            return answer.statusCode();
        } finally {
            answer.release();
        }
    }

    private static CloseWebSocketFrame rawClose(byte... payload) {
        return new CloseWebSocketFrame(true, 0, Unpooled.wrappedBuffer(payload));
    }

    @Test
    void aValidCloseGoesToTheListener() {
        channel.writeInbound(new CloseWebSocketFrame(4000, "bye"));
        assertThat(heard).containsExactly("4000 bye");
        assertThat((Object) channel.readOutbound()).isNull();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void aCodeFromFiveThousandUpIsAnswered1002AndNotPassedOn() {
        channel.writeInbound(rawClose((byte) 0x13, (byte) 0x88)); // 5000
        assertThat(answeredCode()).isEqualTo(1002);
        assertThat(heard).isEmpty();
        assertThat(channel.isOpen()).isFalse();
        channel.finishAndReleaseAll();
    }

    @Test
    void aReasonThatIsNotUtf8IsAnswered1007() {
        channel.writeInbound(rawClose((byte) 0x03, (byte) 0xe8, (byte) 0xc3, (byte) 0x28));
        assertThat(answeredCode()).isEqualTo(1007);
        assertThat(heard).isEmpty();
        channel.finishAndReleaseAll();
    }

    @Test
    void aDecoderProtocolErrorIsAnsweredWithItsCloseStatus() {
        channel.pipeline().fireExceptionCaught(new CorruptedWebSocketFrameException(
                WebSocketCloseStatus.PROTOCOL_ERROR, "Invalid close frame getStatus code: 999"));
        assertThat(answeredCode()).isEqualTo(1002);
        assertThat(channel.isOpen()).isFalse();
        channel.finishAndReleaseAll();
    }

    @Test
    void codesThatMayNotBeSentBecome1011AndLongReasonsAreCut() {
        ClientWebSocket socket = channel.pipeline().get(ClientWebSocket.class);
        socket.close(1006, "x");
        assertThat(answeredCode()).isEqualTo(1011);
        channel.finishAndReleaseAll();

        EmbeddedChannel other = new EmbeddedChannel(new ClientWebSocket(2, null));
        other.pipeline().get(ClientWebSocket.class).close(4000, "é".repeat(100));
        CloseWebSocketFrame frame = other.readOutbound();
        assertThat(frame.content().readableBytes()).isLessThanOrEqualTo(125);
        assertThat(frame.reasonText()).isEqualTo("é".repeat(61));
        frame.release();
        other.finishAndReleaseAll();
    }
}
