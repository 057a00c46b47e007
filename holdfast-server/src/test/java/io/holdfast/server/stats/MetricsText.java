package io.holdfast.server.stats;

import java.util.ArrayList;
import java.util.List;

/** Reads Prometheus text exposition in tests: every sample line, and lookups by name and labels. */
final class MetricsText {
    record Sample(String name, String labels, double value) {}

    private final List<Sample> samples = new ArrayList<>();
    private final String text;

    MetricsText(String text) {
        this.text = text;
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            String series = line.substring(0, space);
            double value = Double.parseDouble(line.substring(space + 1));
            int brace = series.indexOf('{');
            samples.add(brace < 0 ? new Sample(series, "", value)
                    : new Sample(series.substring(0, brace), series.substring(brace), value));
        }
    }

    /** The value of the one sample named {@code name} having every {@code label="value"} pair given. */
    double value(String name, String... labelPairs) {
        List<Sample> found = new ArrayList<>();
        for (Sample s : samples) {
            if (!s.name().equals(name)) {
                continue;
            }
            boolean all = true;
            for (int i = 0; i < labelPairs.length; i += 2) {
                all &= s.labels().contains(labelPairs[i] + "=\"" + labelPairs[i + 1] + "\"");
            }
            if (all) {
                found.add(s);
            }
        }
        if (found.size() != 1) {
            throw new AssertionError("expected one sample " + name + " " + List.of(labelPairs) + ", found " + found);
        }
        return found.get(0).value();
    }

    boolean has(String name) {
        return samples.stream().anyMatch(s -> s.name().equals(name));
    }

    /** The {@code # TYPE} line's type for {@code name}. */
    String type(String name) {
        for (String line : text.split("\n")) {
            if (line.startsWith("# TYPE " + name + " ")) {
                return line.substring(("# TYPE " + name + " ").length());
            }
        }
        return null;
    }
}
