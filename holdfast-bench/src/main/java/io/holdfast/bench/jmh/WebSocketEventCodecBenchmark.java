package io.holdfast.bench.jmh;

import io.holdfast.grip.websocket.WebSocketEvent;
import io.holdfast.grip.websocket.WebSocketEventCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The WebSocket-over-HTTP event codec (spec 2.2) on the bodies the proxy writes and reads most: a
 * batch of client TEXT messages going to the origin, and the origin's OPEN-and-subscribe answer.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class WebSocketEventCodecBenchmark {

    /** Messages per body. */
    @Param({"1", "16"})
    public int events;

    /** Bytes per TEXT message. */
    @Param({"32", "1024"})
    public int size;

    private List<WebSocketEvent> batch;
    private byte[] encoded;
    private byte[] openAnswer;

    @Setup
    public void setUp() {
        batch = new ArrayList<>();
        String text = "x".repeat(size);
        for (int i = 0; i < events; i++) {
            batch.add(WebSocketEvent.text(text));
        }
        encoded = WebSocketEventCodec.encode(batch);
        openAnswer = WebSocketEventCodec.encode(List.of(WebSocketEvent.open(),
                WebSocketEvent.text("c:{\"type\":\"subscribe\",\"channel\":\"room-1\"}")));
    }

    @Benchmark
    public byte[] encodeTextBatch() {
        return WebSocketEventCodec.encode(batch);
    }

    @Benchmark
    public List<WebSocketEvent> decodeTextBatch() {
        return WebSocketEventCodec.decode(encoded);
    }

    @Benchmark
    public List<WebSocketEvent> decodeOpenAndSubscribe() {
        return WebSocketEventCodec.decode(openAnswer);
    }
}
