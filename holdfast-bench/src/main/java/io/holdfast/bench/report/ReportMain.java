package io.holdfast.bench.report;

import io.holdfast.bench.Args;
import io.holdfast.bench.Result;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * {@code report}: reads every {@code *.json} result in a directory and writes the side-by-side
 * markdown report and the latency chart.
 *
 * <pre>
 * java -jar holdfast-bench.jar report --results DIR --markdown docs/benchmarks.md \
 *     --chart docs/benchmarks-latency.png --facts DIR/facts.properties
 * </pre>
 */
public final class ReportMain {

    private ReportMain() {
    }

    public static void main(Args args) throws IOException {
        Path dir = Path.of(args.required("results"));
        Path markdown = Path.of(args.string("markdown", "docs/benchmarks.md"));
        Path chart = Path.of(args.string("chart", markdown.resolveSibling("benchmarks-latency.png").toString()));
        String factsFile = args.string("facts", dir.resolve("facts.properties").toString());
        args.rejectUnknown();

        List<Result> results = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
            for (Path f : files) {
                results.add(Result.read(f));
            }
        }
        if (results.isEmpty()) {
            throw new IllegalArgumentException("no *.json results in " + dir);
        }
        Properties facts = new Properties();
        Path fp = Path.of(factsFile);
        if (Files.exists(fp)) {
            try (Reader r = Files.newBufferedReader(fp, StandardCharsets.UTF_8)) {
                facts.load(r);
            }
        }
        Results all = new Results(results);
        Files.createDirectories(markdown.toAbsolutePath().getParent());
        Files.createDirectories(chart.toAbsolutePath().getParent());
        boolean charted = LatencyChart.write(all, chart);
        String md = new MarkdownReport(all, facts, charted ? markdown.toAbsolutePath().getParent()
                .relativize(chart.toAbsolutePath()).toString() : null).render();
        Files.writeString(markdown, md, StandardCharsets.UTF_8);
        System.out.println("wrote " + markdown + (charted ? " and " + chart : ""));
        System.out.println();
        System.out.println(new MarkdownReport(all, facts, null).summaryTable());
    }
}
