package io.holdfast.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class WsClientHandlerTest {

    private final RecordingSink sink = new RecordingSink();
    private final Subscriber sub = Connections.newSubscriber(1, "room", Subscriber.Kind.WS);

    /** Frames exactly as Netty's server-side encoder writes them (unmasked). */
    private static ByteBuf serverFrames(WebSocketFrame... frames) {
        EmbeddedChannel server = new EmbeddedChannel(new WebSocket13FrameEncoder(false));
        ByteBuf all = Unpooled.buffer();
        for (WebSocketFrame f : frames) {
            server.writeOutbound(f);
            ByteBuf b;
            while ((b = server.readOutbound()) != null) {
                all.writeBytes(b);
                b.release();
            }
        }
        server.finish();
        return all;
    }

    private EmbeddedChannel openedClient() {
        sub.state = Subscriber.State.CONNECTING;
        EmbeddedChannel ch = new EmbeddedChannel(new WsClientHandler(sub, sink, "127.0.0.1:1", "/ws?channel=room"));
        ByteBuf req = ch.readOutbound();
        String text = req.toString(StandardCharsets.US_ASCII);
        req.release();
        Matcher m = Pattern.compile("Sec-WebSocket-Key: (\\S+)").matcher(text);
        assertThat(m.find()).isTrue();
        ch.writeInbound(Unpooled.copiedBuffer("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Accept: " + WsClientHandler.expectedAccept(m.group(1))
                + "\r\n\r\n", StandardCharsets.US_ASCII));
        assertThat(sink.events).containsExactly("open");
        return ch;
    }

    @Test
    void acceptIsComputedAsRfc6455Says() {
        // The example of RFC 6455 section 1.3.
        assertThat(WsClientHandler.expectedAccept("dGhlIHNhbXBsZSBub25jZQ=="))
                .isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    }

    @Test
    void readsTextMessagesWholeAndFragmented() {
        EmbeddedChannel ch = openedClient();
        ByteBuf bytes = serverFrames(new TextWebSocketFrame("M 0 10"),
                new TextWebSocketFrame(false, 0, "M 1 "), new ContinuationWebSocketFrame(true, 0, "20"),
                new TextWebSocketFrame("M 2 " + "3".repeat(3) + " " + "x".repeat(300)));
        while (bytes.isReadable()) {
            ch.writeInbound(bytes.readRetainedSlice(Math.min(3, bytes.readableBytes())));
        }
        bytes.release();

        assertThat(sink.payloads).extracting(RecordingSink.Got::seq).containsExactly(0L, 1L, 2L);
        assertThat(sink.payloads.get(1).sendNanos()).isEqualTo(20);
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void answersPingWithAMaskedPongAndEchoesClose() {
        EmbeddedChannel ch = openedClient();
        ch.writeInbound(serverFrames(new PingWebSocketFrame(Unpooled.copiedBuffer("hi", StandardCharsets.US_ASCII))));
        ch.writeInbound(serverFrames(new CloseWebSocketFrame(4000, "bye")));

        // Decode what the client sent with Netty's server-side decoder, which insists on masking.
        EmbeddedChannel server = new EmbeddedChannel(new WebSocket13FrameDecoder(true, false, 1024));
        ByteBuf b;
        while ((b = ch.readOutbound()) != null) {
            server.writeInbound(b);
        }
        PongWebSocketFrame pong = server.readInbound();
        assertThat(pong.content().toString(StandardCharsets.US_ASCII)).isEqualTo("hi");
        pong.release();
        CloseWebSocketFrame close = server.readInbound();
        assertThat(close.statusCode()).isEqualTo(4000);
        close.release();
        server.finish();

        assertThat(sub.closedByPeer).isTrue();
        assertThat(ch.isActive()).isFalse();
        assertThat(sink.events).containsExactly("open", "closed: the proxy closed the WebSocket (4000)");
    }

    @Test
    void aRefusedHandshakeFails() {
        sub.state = Subscriber.State.CONNECTING;
        EmbeddedChannel ch = new EmbeddedChannel(new WsClientHandler(sub, sink, "127.0.0.1:1", "/ws"));
        ((ByteBuf) ch.readOutbound()).release();
        ch.writeInbound(Unpooled.copiedBuffer("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n",
                StandardCharsets.US_ASCII));

        assertThat(sink.events).containsExactly("failed: HTTP 403");
        assertThat(ch.isActive()).isFalse();
    }
}
