package io.holdfast.bench;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/**
 * What one scenario run against one proxy measured: named figures, latency histograms, and the notes
 * and anomalies a reader needs to trust (or distrust) the figures. Written as JSON by the load
 * generator and read back by the report.
 */
public final class Result {

    /** Whether a larger or smaller figure is better, for the ratio column. */
    public enum Better { HIGHER, LOWER, NONE }

    /**
     * One figure.
     *
     * @param headline whether it goes in the summary table (otherwise only in the scenario's details)
     */
    public record Metric(String key, String label, double value, String unit, Better better, boolean headline) {
    }

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public String scenario;
    public String proxy;
    public String mode;
    public String startedAt;
    public double durationSeconds;
    public Map<String, Object> params = new LinkedHashMap<>();
    public List<Metric> metrics = new ArrayList<>();
    /** Name to HdrHistogram (microseconds), compressed and base64-encoded. */
    public Map<String, String> histograms = new LinkedHashMap<>();
    public List<String> notes = new ArrayList<>();
    public List<String> anomalies = new ArrayList<>();
    public Map<String, Object> environment = new LinkedHashMap<>();

    public Result metric(String key, String label, double value, String unit, Better better, boolean headline) {
        metrics.removeIf(m -> m.key().equals(key));
        metrics.add(new Metric(key, label, value, unit, better, headline));
        return this;
    }

    public Metric find(String key) {
        for (Metric m : metrics) {
            if (m.key().equals(key)) {
                return m;
            }
        }
        return null;
    }

    public void note(String s) {
        notes.add(s);
        System.out.println("  note: " + s);
    }

    public void anomaly(String s) {
        anomalies.add(s);
        System.out.println("  ANOMALY: " + s);
    }

    /**
     * Stores a latency histogram and its p50/p99/p99.9/max as metrics {@code <key>_p50_ms} etc.
     *
     * @param headlineP99 whether the p99 goes in the summary table
     */
    public void latency(String key, String label, Histogram h, boolean headlineP99) {
        histograms.put(key, encode(h));
        if (h.getTotalCount() == 0) {
            anomaly(label + ": no samples");
            return;
        }
        metric(key + "_p50_ms", label + " p50", h.getValueAtPercentile(50) / 1000.0, "ms", Better.LOWER, false);
        metric(key + "_p99_ms", label + " p99", h.getValueAtPercentile(99) / 1000.0, "ms", Better.LOWER, headlineP99);
        metric(key + "_p999_ms", label + " p99.9", h.getValueAtPercentile(99.9) / 1000.0, "ms", Better.LOWER, false);
        metric(key + "_max_ms", label + " max", h.getMaxValue() / 1000.0, "ms", Better.LOWER, false);
        metric(key + "_samples", label + " samples", h.getTotalCount(), "", Better.NONE, false);
    }

    public Histogram histogram(String key) {
        String s = histograms.get(key);
        return s == null ? null : decode(s);
    }

    public static String encode(Histogram h) {
        ByteBuffer buf = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
        int n = h.encodeIntoCompressedByteBuffer(buf);
        return Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buf.array(), n));
    }

    public static Histogram decode(String s) {
        try {
            return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(s)), 0);
        } catch (DataFormatException e) {
            throw new IllegalArgumentException("corrupt histogram", e);
        }
    }

    public void write(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        JSON.writeValue(out, this);
        Files.write(file, out.toByteArray());
    }

    public static Result read(Path file) throws IOException {
        return JSON.readValue(file.toFile(), Result.class);
    }
}
