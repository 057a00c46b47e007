package io.holdfast.bench.jmh;

import io.holdfast.grip.publish.PublishItem;
import io.holdfast.grip.publish.PublishRequestParser;
import java.nio.charset.StandardCharsets;
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
 * Publish-body parsing ({@code POST /publish/}, spec 3.1-3.3): bodies of 1, 10 and 200 items, each
 * item with an {@code http-stream} and a {@code ws-message} format, as the load generator sends them.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PublishRequestParserBenchmark {

    @Param({"1", "10", "200"})
    public int items;

    private byte[] body;

    @Setup
    public void setUp() {
        StringBuilder sb = new StringBuilder("{\"items\":[");
        for (int i = 0; i < items; i++) {
            if (i > 0) {
                sb.append(',');
            }
            String payload = "M " + i + " 123456789012345 xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";
            sb.append("{\"channel\":\"ch-").append(i).append("\",\"id\":\"").append(i)
                    .append("\",\"formats\":{\"http-stream\":{\"content\":\"data: ").append(payload)
                    .append("\\n\\n\"},\"ws-message\":{\"content\":\"").append(payload).append("\"}}}");
        }
        body = sb.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    @Benchmark
    public List<PublishItem> parse() {
        return PublishRequestParser.parse(body);
    }
}
