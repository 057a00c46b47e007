package io.holdfast.bench.jmh;

import io.holdfast.grip.instruct.GripInstruct;
import io.holdfast.grip.instruct.GripInstructParser;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * GRIP instruct-header parsing (spec 1.3), run once per held request: a minimal SSE stream hold, a
 * typical one with keep-alive and several channels, and a plain response among ordinary headers
 * (the cost every non-GRIP proxied response pays).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class GripInstructParserBenchmark {

    private final List<Map.Entry<String, String>> minimal = List.of(
            Map.entry("Content-Type", "text/event-stream"),
            Map.entry("Grip-Hold", "stream"),
            Map.entry("Grip-Channel", "news"));

    private final List<Map.Entry<String, String>> typical = List.of(
            Map.entry("Content-Type", "text/event-stream"),
            Map.entry("Cache-Control", "no-cache"),
            Map.entry("Grip-Hold", "stream"),
            Map.entry("Grip-Channel", "user-42; prev-id=1234, room-7, broadcast"),
            Map.entry("Grip-Keep-Alive", ":\\n\\n; format=cstring; timeout=20"),
            Map.entry("Grip-Timeout", "120"),
            Map.entry("Grip-Set-Meta", "user=42, role=reader"),
            Map.entry("Content-Length", "7"));

    private final List<Map.Entry<String, String>> plain = List.of(
            Map.entry("Content-Type", "application/json"),
            Map.entry("Cache-Control", "max-age=60"),
            Map.entry("ETag", "\"abc123\""),
            Map.entry("Vary", "Accept-Encoding"),
            Map.entry("Content-Length", "512"));

    @Benchmark
    public GripInstruct minimalStreamHold() {
        return GripInstructParser.fromHeaders(minimal);
    }

    @Benchmark
    public GripInstruct typicalStreamHold() {
        return GripInstructParser.fromHeaders(typical);
    }

    @Benchmark
    public boolean plainResponseCheck() {
        return GripInstructParser.isGripResponse(plain);
    }
}
