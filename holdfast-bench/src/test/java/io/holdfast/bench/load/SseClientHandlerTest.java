package io.holdfast.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SseClientHandlerTest {

    private final RecordingSink sink = new RecordingSink();
    private final Subscriber sub = Connections.newSubscriber(7, "news", Subscriber.Kind.SSE);

    /** Bytes exactly as Netty's server codec writes a chunked SSE response. */
    private static ByteBuf serverBytes(String... chunks) {
        EmbeddedChannel server = new EmbeddedChannel(new HttpResponseEncoder());
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream");
        head.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        server.writeOutbound(head);
        for (String c : chunks) {
            server.writeOutbound(new DefaultHttpContent(Unpooled.copiedBuffer(c, StandardCharsets.US_ASCII)));
        }
        ByteBuf all = Unpooled.buffer();
        ByteBuf b;
        while ((b = server.readOutbound()) != null) {
            all.writeBytes(b);
            b.release();
        }
        server.finish();
        return all;
    }

    private EmbeddedChannel client() {
        sub.state = Subscriber.State.CONNECTING;
        EmbeddedChannel ch = new EmbeddedChannel(new SseClientHandler(sub, sink, "127.0.0.1:1", "/sse?channel=news"));
        ByteBuf req = ch.readOutbound();
        assertThat(req.toString(StandardCharsets.US_ASCII)).startsWith("GET /sse?channel=news HTTP/1.1\r\n");
        req.release();
        return ch;
    }

    @Test
    void readsEveryDataLineFromChunkedEvents() {
        EmbeddedChannel ch = client();
        ch.writeInbound(serverBytes(":held\n\n", "data: M 0 100\n\n", "event: x\ndata: M 1 200\n\n"));

        assertThat(sink.events).containsExactly("open");
        assertThat(sink.payloads).extracting(RecordingSink.Got::seq).containsExactly(0L, 1L);
        assertThat(sink.foreign).isEmpty();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void joinsALineSplitAcrossChunksAndReads() {
        EmbeddedChannel ch = client();
        ByteBuf bytes = serverBytes("data: M 5 1", "23\n\ndata: P 0 9\n", "\n");
        // Feed one byte at a time: every state must survive a split anywhere.
        while (bytes.isReadable()) {
            ch.writeInbound(bytes.readRetainedSlice(1));
        }
        bytes.release();

        assertThat(sink.payloads).containsExactly(new RecordingSink.Got(Payload.MEASURED, 5, 123),
                new RecordingSink.Got(Payload.PROBE, 0, 9));
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void theLastChunkEndsTheStreamAndIsReportedAsClosedByThePeer() {
        EmbeddedChannel ch = client();
        ByteBuf bytes = serverBytes("data: M 1 1\n\n");
        ch.writeInbound(bytes);
        ch.writeInbound(Unpooled.copiedBuffer("0\r\n\r\n", StandardCharsets.US_ASCII));

        assertThat(sub.closedByPeer).isTrue();
        assertThat(ch.isActive()).isFalse();
        assertThat(sink.events).containsExactly("open", "closed: the proxy ended the stream (last chunk)");
        assertThat(LastHttpContent.EMPTY_LAST_CONTENT).isNotNull();
    }

    @Test
    void anErrorStatusFailsTheConnection() {
        EmbeddedChannel ch = client();
        ch.writeInbound(Unpooled.copiedBuffer("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 3\r\n\r\nbad",
                StandardCharsets.US_ASCII));

        assertThat(sink.events).containsExactly("failed: HTTP 502");
        assertThat(sub.failure()).isEqualTo("HTTP 502 Bad Gateway");
        assertThat(ch.isActive()).isFalse();
    }

    @Test
    void aBodyWithoutChunkingIsReadUntilClose() {
        EmbeddedChannel ch = client();
        ch.writeInbound(Unpooled.copiedBuffer("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\ndata: M 3 3\n\n",
                StandardCharsets.US_ASCII));

        assertThat(sink.payloads).extracting(RecordingSink.Got::seq).containsExactly(3L);
        ch.finish();
    }
}
