package io.holdfast.bench.report;

import io.holdfast.bench.Result;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The latency distributions of both proxies, one panel per measured path, drawn the way HdrHistogram
 * plots are read: latency against percentile, the percentile axis stretched so the tail (99%, 99.9%)
 * gets as much room as the median.
 */
final class LatencyChart {

    /** scenario, histogram key, panel title. */
    private record Panel(String scenario, String key, String title) {
    }

    private static final List<Panel> PANELS = List.of(
            new Panel("fanout", "one", "fanout: 1 publish to N SSE subscribers"),
            new Panel("fanout", "max", "fanout: max rate (sustained)"),
            new Panel("fanout", "rate", "fanout: fixed rate"),
            new Panel("channels", "channels", "channels: 1 message per channel"),
            new Panel("proxy", "get", "proxy: plain GET"),
            new Panel("churn", "churn_open", "churn: connect to response head"));

    private static final Color SUBJECT_COLOR = new Color(0x1f, 0x77, 0xb4);
    private static final Color BASELINE_COLOR = new Color(0xd6, 0x27, 0x28);
    private static final Color DIRECT_COLOR = new Color(0x7f, 0x7f, 0x7f);
    private static final double MAX_DECADES = 5; // 99.999%

    private LatencyChart() {
    }

    /** @return false when no panel had data (nothing written) */
    static boolean write(Results results, Path file) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<XYChart> charts = new ArrayList<>();
        for (Panel p : PANELS) {
            XYChart chart = new XYChartBuilder().width(600).height(400).title(p.title())
                    .xAxisTitle("percentile, in nines: 1 = p90, 2 = p99, 3 = p99.9, 4 = p99.99")
                    .yAxisTitle("latency (ms)").build();
            // x is log10(1 / (1 - quantile)), "the number of nines": 1 = p90, 2 = p99, 3 = p99.9. Plain
            // numeric ticks: XChart 3.8's tick calculator never finishes with a custom label formatter.
            chart.getStyler().setXAxisDecimalPattern("0.#").setYAxisLogarithmic(true).setXAxisMin(0.0).setXAxisMax(MAX_DECADES)
                    .setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideSE)
                    .setMarkerSize(0).setChartBackgroundColor(Color.WHITE);
            boolean any = false;
            any |= add(chart, results, p.scenario(), Results.SUBJECT, p.key(), "Holdfast", SUBJECT_COLOR);
            any |= add(chart, results, p.scenario(), Results.BASELINE, p.key(), "Pushpin", BASELINE_COLOR);
            if (p.scenario().equals("proxy")) {
                add(chart, results, p.scenario(), Results.SUBJECT, "direct", "origin directly", DIRECT_COLOR);
            }
            if (any) {
                charts.add(chart);
            }
        }
        if (charts.isEmpty()) {
            return false;
        }
        int cols = Math.min(3, charts.size());
        int rows = (charts.size() + cols - 1) / cols;
        BitmapEncoder.saveBitmap(charts, rows, cols, file.toString(), BitmapEncoder.BitmapFormat.PNG);
        return true;
    }

    private static boolean add(XYChart chart, Results results, String scenario, String proxy, String key,
                               String name, Color color) {
        Result r = results.get(scenario, proxy);
        if (r == null) {
            return false;
        }
        Histogram h = r.histogram(key);
        if (h == null || h.getTotalCount() == 0) {
            return false;
        }
        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        points(h, xs, ys);
        XYSeries s = chart.addSeries(String.format(Locale.ROOT, "%s (p99 %s)", name,
                ms(h.getValueAtPercentile(99))), xs, ys);
        s.setMarker(SeriesMarkers.NONE);
        s.setLineColor(color);
        return true;
    }

    /** Percentile curve points: x = log10(1 / (1 - quantile)), y = latency in ms (floored for the log axis). */
    static void points(Histogram h, List<Double> xs, List<Double> ys) {
        for (HistogramIterationValue v : h.percentiles(5)) {
            double q = v.getPercentileLevelIteratedTo() / 100.0;
            double x = q >= 1 ? MAX_DECADES : Math.min(MAX_DECADES, Math.log10(1 / (1 - q)));
            double y = Math.max(0.001, h.highestEquivalentValue(v.getValueIteratedTo()) / 1000.0);
            if (!xs.isEmpty() && x <= xs.get(xs.size() - 1)) {
                continue;
            }
            xs.add(x);
            ys.add(y);
            if (x >= MAX_DECADES) {
                break;
            }
        }
    }

    private static String ms(long micros) {
        double ms = micros / 1000.0;
        return ms >= 100 ? String.format(Locale.ROOT, "%.0f ms", ms)
                : ms >= 10 ? String.format(Locale.ROOT, "%.1f ms", ms)
                : String.format(Locale.ROOT, "%.2f ms", ms);
    }
}
