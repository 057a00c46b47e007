package io.holdfast.server.stats;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * Liveness and readiness for load balancers and Kubernetes probes. {@code /health} answers while the
 * process can answer at all; {@code /ready} only once every listener is bound and routes are loaded,
 * and no longer once shutdown has begun (so a balancer stops sending new clients while holds drain).
 * Other components add their own readiness checks (the cluster adds "Redis reachable").
 */
public final class Health {
    /** One readiness condition: null when met, otherwise why not (shown in the 503 body). */
    @FunctionalInterface
    public interface Check {
        String problem();
    }

    private record Named(String name, Check check) {}

    private final List<Named> checks = new CopyOnWriteArrayList<>();
    private volatile boolean listening;
    private volatile boolean draining;
    private volatile String instanceId;
    private final long startedMillis = System.currentTimeMillis();

    public Health(Supplier<Integer> routeCount) {
        addCheck("listeners", () -> listening ? null : "listeners are not bound yet");
        addCheck("routes", () -> routeCount.get() > 0 ? null : "no routes loaded");
        addCheck("shutdown", () -> draining ? "shutting down" : null);
    }

    /** Adds a readiness condition, e.g. {@code "redis"} when clustered. */
    public void addCheck(String name, Check check) {
        checks.add(new Named(name, check));
    }

    /** Every listener is bound. */
    public void listening() {
        listening = true;
    }

    /** Shutdown has begun: not ready for new clients any more. */
    public void draining() {
        draining = true;
    }

    /** Check name → "ok" or the problem; ready when all are "ok". */
    public Map<String, String> readiness() {
        Map<String, String> out = new LinkedHashMap<>();
        for (Named n : checks) {
            String problem;
            try {
                problem = n.check().problem();
            } catch (RuntimeException e) {
                problem = "check failed: " + e;
            }
            out.put(n.name(), problem == null ? "ok" : problem);
        }
        return out;
    }

    public boolean ready() {
        return readiness().values().stream().allMatch("ok"::equals);
    }

    /** Pushpin's {@code --id}, shown by {@code /health}; null when not given. */
    public void instanceId(String id) {
        this.instanceId = id;
    }

    public String instanceId() {
        return instanceId;
    }

    public long uptimeSeconds() {
        return (System.currentTimeMillis() - startedMillis) / 1000;
    }
}
