package io.holdfast.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PayloadTest {

    private final RecordingSink sink = new RecordingSink();
    private final Subscriber sub = Connections.newSubscriber(0, "c", Subscriber.Kind.SSE);

    private boolean parse(String text) {
        ByteBuf b = Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
        try {
            return Payload.parse(b, 0, b.readableBytes(), sub, sink, 0);
        } finally {
            b.release();
        }
    }

    @Test
    void paddedTextParsesBackToKindSeqAndTimestamp() {
        String text = Payload.text(Payload.MEASURED, 42, 1234567890123L, 64);

        assertThat(text).hasSize(64).startsWith("M 42 1234567890123 x");
        assertThat(parse(text)).isTrue();
        assertThat(sink.payloads).containsExactly(new RecordingSink.Got(Payload.MEASURED, 42, 1234567890123L));
    }

    @Test
    void negativeNanoTimeSurvives() {
        assertThat(parse(Payload.text(Payload.PROBE, 0, -5, 0))).isTrue();
        assertThat(sink.payloads.get(0).sendNanos()).isEqualTo(-5);
    }

    @Test
    void textThatIsNotAPayloadIsReportedAsForeign() {
        assertThat(parse("hello world")).isFalse();
        assertThat(parse("M x 1")).isFalse();
        assertThat(parse("M 1 2x")).isFalse();
        assertThat(sink.foreign).hasSize(3);
        assertThat(sink.payloads).isEmpty();
    }
}
