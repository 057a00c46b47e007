package io.holdfast.bench.report;

import io.holdfast.bench.Result;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The results of one comparison run, indexed by scenario and proxy. The subject (Holdfast) is the
 * proxy named {@code holdfast}; the other one is the baseline. Scenarios keep the order the load
 * generator defines.
 */
final class Results {

    static final String SUBJECT = "holdfast";
    static final String BASELINE = "pushpin";
    private static final List<String> ORDER = List.of("idle-sse", "idle-ws", "fanout", "channels", "proxy", "churn");

    private final Map<String, Map<String, Result>> byScenario = new LinkedHashMap<>();

    Results(List<Result> results) {
        List<Result> sorted = new ArrayList<>(results);
        sorted.sort(Comparator.comparingInt((Result r) -> {
            int i = ORDER.indexOf(r.scenario);
            return i < 0 ? ORDER.size() : i;
        }).thenComparing(r -> r.scenario).thenComparing(r -> r.proxy));
        for (Result r : sorted) {
            byScenario.computeIfAbsent(r.scenario, k -> new LinkedHashMap<>()).put(r.proxy, r);
        }
    }

    Set<String> scenarios() {
        return byScenario.keySet();
    }

    Result get(String scenario, String proxy) {
        Map<String, Result> m = byScenario.get(scenario);
        return m == null ? null : m.get(proxy);
    }

    Set<String> proxies() {
        Set<String> out = new LinkedHashSet<>();
        out.add(SUBJECT);
        out.add(BASELINE);
        byScenario.values().forEach(m -> out.addAll(m.keySet()));
        return out;
    }

    /** Metric keys of a scenario in first-seen order across proxies. */
    List<Result.Metric> metrics(String scenario) {
        Map<String, Result.Metric> keys = new LinkedHashMap<>();
        for (Result r : byScenario.getOrDefault(scenario, Map.of()).values()) {
            for (Result.Metric m : r.metrics) {
                keys.putIfAbsent(m.key(), m);
            }
        }
        return new ArrayList<>(keys.values());
    }

    Double value(String scenario, String proxy, String key) {
        Result r = get(scenario, proxy);
        if (r == null) {
            return null;
        }
        Result.Metric m = r.find(key);
        return m == null ? null : m.value();
    }

    String mode() {
        for (Map<String, Result> m : byScenario.values()) {
            for (Result r : m.values()) {
                return r.mode;
            }
        }
        return "?";
    }
}
