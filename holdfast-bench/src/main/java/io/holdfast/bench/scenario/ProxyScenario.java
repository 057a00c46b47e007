package io.holdfast.bench.scenario;

import io.holdfast.bench.Result.Better;
import io.holdfast.bench.load.GetLoad;

/**
 * {@code proxy}: plain {@code GET} throughput and latency through the proxy, then against the origin
 * directly with the same load, so the proxy's cost shows as the difference. Closed loop over C
 * keep-alive connections after a warm-up.
 */
final class ProxyScenario extends Scenario {

    private int connections;
    private double warmup;
    private double seconds;
    private int bodyBytes;

    @Override
    public String name() {
        return "proxy";
    }

    @Override
    protected void configure() {
        connections = ctx.param("connections", 16, 32);
        warmup = ctx.decimalParam("warmup-seconds", 1.5, 5);
        seconds = ctx.decimalParam("seconds", 3, 15);
        bodyBytes = ctx.param("body-bytes", 100, 100);
    }

    @Override
    protected void execute() throws Exception {
        String path = "/plain?size=" + bodyBytes;

        ctx.log("%d connections, %.0f s warm-up, %.0f s measured, GET %s through the proxy", connections, warmup,
                seconds, path);
        GetLoad.Outcome via = runMeasured(new GetLoad(ctx.proxyClients(connections), path), connections, warmup,
                seconds);
        ctx.log("through the proxy: %.0f req/s, p50 %.3f ms, p99 %.3f ms, %d errors", via.perSecond(),
                via.latency().getValueAtPercentile(50) / 1000.0, via.latency().getValueAtPercentile(99) / 1000.0,
                via.errors());
        result.metric("rps", "plain GET through the proxy: requests per second", via.perSecond(), "/s", Better.HIGHER,
                true);
        result.latency("get", "plain GET through the proxy: latency", via.latency(), true);
        recordErrors("through the proxy", via);

        ctx.log("same load against the origin directly");
        GetLoad.Outcome direct = new GetLoad(ctx.originClients(connections), path).run(connections, warmup, seconds);
        ctx.log("direct: %.0f req/s, p50 %.3f ms, p99 %.3f ms", direct.perSecond(),
                direct.latency().getValueAtPercentile(50) / 1000.0, direct.latency().getValueAtPercentile(99) / 1000.0);
        result.metric("direct_rps", "plain GET to the origin directly: requests per second", direct.perSecond(), "/s",
                Better.NONE, false);
        result.latency("direct", "plain GET to the origin directly: latency", direct.latency(), false);
        result.metric("rps_vs_direct", "through the proxy / direct throughput",
                via.perSecond() / Math.max(direct.perSecond(), 1e-9), "x", Better.HIGHER, false);
        recordErrors("direct", direct);
    }

    private GetLoad.Outcome runMeasured(GetLoad load, int connections, double warmup, double seconds)
            throws InterruptedException {
        // The CPU window covers warm-up too; split it so only the measured seconds count.
        CpuWindow[] window = new CpuWindow[1];
        Thread cpuThread = new Thread(() -> {
            try {
                Thread.sleep((long) (warmup * 1000));
                window[0] = new CpuWindow();
                Thread.sleep((long) (seconds * 1000));
                window[0].stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "cpu-window");
        cpuThread.start();
        GetLoad.Outcome o = load.run(connections, warmup, seconds);
        cpuThread.join(5000);
        if (window[0] != null) {
            window[0].record("get", "plain GET", false);
            result.metric("get_proxy_cpu_us_per_req", "plain GET: proxy CPU per request",
                    window[0].proxyCpuSeconds() / Math.max(1, o.requests()) * 1e6, "us", Better.LOWER, true);
        }
        return o;
    }

    private void recordErrors(String where, GetLoad.Outcome o) {
        if (o.errors() > 0) {
            result.anomaly(where + ": " + o.errors() + " failed requests " + o.errorKinds());
        }
    }
}
