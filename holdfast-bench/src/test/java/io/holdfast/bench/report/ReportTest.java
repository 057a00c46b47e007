package io.holdfast.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.bench.Args;
import io.holdfast.bench.Result;
import io.holdfast.bench.Result.Better;
import java.nio.file.Files;
import java.nio.file.Path;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {

    @TempDir
    Path dir;

    private static Result fanout(String proxy, double rate, long baseLatencyMicros) {
        Result r = new Result();
        r.scenario = "fanout";
        r.proxy = proxy;
        r.mode = "quick";
        r.params.put("subscribers", 100);
        r.metric("subscribers", "subscribers on the channel", 100, "", Better.NONE, true);
        r.metric("max_deliveries_per_s", "sustained fan-out", rate, "/s", Better.HIGHER, true);
        Histogram h = new Histogram(3);
        for (int i = 1; i <= 1000; i++) {
            h.recordValue(baseLatencyMicros + i);
        }
        r.latency("one", "1 publish", h, true);
        r.anomaly("example anomaly for " + proxy);
        return r;
    }

    @Test
    void writesTableTargetsChartAndAnomalies() throws Exception {
        Path results = Files.createDirectories(dir.resolve("results"));
        fanout("holdfast", 400_000, 1000).write(results.resolve("fanout-holdfast.json"));
        fanout("pushpin", 100_000, 5000).write(results.resolve("fanout-pushpin.json"));
        Files.writeString(results.resolve("facts.properties"), "nproc=2\nmem_total_kib=24000000\n");
        Path md = dir.resolve("docs/benchmarks.md");

        ReportMain.main(Args.parse(new String[] {"--results", results.toString(), "--markdown", md.toString()}, 0));

        String text = Files.readString(md);
        assertThat(text).contains("| `fanout` | sustained fan-out | 400,000 /s | 100,000 /s | 4.00x | higher |");
        assertThat(text).contains("Sustained fan-out >= 3x Pushpin's deliveries/s and >= 300,000/s | "
                + "400,000/s vs 100,000/s = 4.00x | yes |");
        assertThat(text).contains("One publish to 10,000 SSE subscribers").contains("**no**"); // only 100 subscribers
        assertThat(text).contains("![Latency distributions, Holdfast and Pushpin](benchmarks-latency.png)");
        assertThat(text).contains("**Pushpin**, `fanout`: example anomaly for pushpin");
        assertThat(Files.size(dir.resolve("docs/benchmarks-latency.png"))).isGreaterThan(1000);
    }

    @Test
    void ratiosAndNumbersFormatCompactly() {
        assertThat(MarkdownReport.ratio(1.0, 4.0)).isEqualTo("0.25x");
        assertThat(MarkdownReport.ratio(50.0, 2.0)).isEqualTo("25.0x");
        assertThat(MarkdownReport.ratio(1.0, null)).isEmpty();
        assertThat(MarkdownReport.fmt(1234.5, "/s")).isEqualTo("1,235 /s");
        assertThat(MarkdownReport.fmt(0.5, "ms")).isEqualTo("0.500 ms");
        assertThat(MarkdownReport.fmt(12.0, "%")).isEqualTo("12%");
    }
}
