package io.holdfast.bench.scenario;

import io.holdfast.bench.Result.Better;
import io.holdfast.bench.load.Clients;
import io.holdfast.bench.load.Deliveries;
import io.holdfast.bench.load.ProcStats;
import io.holdfast.bench.load.Subscriber;
import io.holdfast.bench.load.SubscriberPool;

/**
 * {@code idle-sse} / {@code idle-ws}: N connections held through the proxy, all subscribed to one
 * channel and then left alone. Reports the proxy's resident memory per connection (the growth from a
 * fresh proxy, summed over all its processes) and its CPU while nothing happens.
 */
final class IdleScenario extends Scenario {

    private int n;
    private int idleSeconds;
    private int handshakes;

    private final Subscriber.Kind kind;

    IdleScenario(Subscriber.Kind kind) {
        this.kind = kind;
    }

    @Override
    public String name() {
        return kind == Subscriber.Kind.SSE ? "idle-sse" : "idle-ws";
    }

    @Override
    protected void configure() {
        n = ctx.connections("connections", 2000, 15000);
        idleSeconds = ctx.param("idle-seconds", 3, 10);
        handshakes = ctx.param("handshakes", 100, 100);
    }

    @Override
    protected void execute() throws Exception {
        String label = kind == Subscriber.Kind.SSE ? "idle SSE" : "idle WebSocket";

        sleepMillis(ctx.quick ? 500 : 1000); // let a freshly started proxy finish starting
        ProcStats.Sample base = ctx.proxySample();
        if (base == null || base.processes() == 0) {
            throw new IllegalStateException("--proxy-pid is required for idle (pid " + ctx.proxyPid + " not found)");
        }
        ctx.log("proxy before: %.1f MiB RSS over %d processes %s", base.rssBytes() / 1048576.0, base.processes(),
                base.names());
        result.note("proxy processes measured: " + String.join(", ", base.names()));

        Deliveries deliveries = new Deliveries();
        Clients clients = ctx.proxyClients(n);
        SubscriberPool pool = new SubscriberPool(clients, kind, handshakes, deliveries);
        for (int i = 0; i < n; i++) {
            pool.add("idle");
        }
        int opened = open(pool, ctx.quick ? 60 : 150, 2);
        if (opened == 0) {
            throw new IllegalStateException("no connection opened");
        }
        result.latency("idle_open", label + " connect to response head", pool.openLatency(), false);
        int live = confirmSubscribed(pool, deliveries, kind, 60);
        result.metric("connections", label + " connections held and subscribed", live, "", Better.NONE, true);

        sleepMillis(ctx.quick ? 1000 : 2000); // let the last probes' deliveries and any lazy work finish
        ProcStats.Sample loaded = ctx.proxySample();
        double perConn = (loaded.rssBytes() - base.rssBytes()) / (double) Math.max(1, opened);
        ctx.log("proxy with %d connections: %.1f MiB RSS (%.2f KiB per connection) over %d processes", opened,
                loaded.rssBytes() / 1048576.0, perConn / 1024, loaded.processes());
        result.metric("rss_per_conn_kib", label + ": proxy RSS per connection", perConn / 1024, "KiB", Better.LOWER,
                true);
        result.metric("rss_base_mib", label + ": proxy RSS before connections", base.rssBytes() / 1048576.0, "MiB",
                Better.LOWER, false);
        result.metric("rss_loaded_mib", label + ": proxy RSS with all connections", loaded.rssBytes() / 1048576.0,
                "MiB", Better.LOWER, true);
        result.metric("proxy_processes", label + ": proxy processes", loaded.processes(), "", Better.NONE, false);

        ctx.log("measuring CPU over %d idle seconds", idleSeconds);
        CpuWindow cpu = new CpuWindow();
        sleepMillis(idleSeconds * 1000L);
        cpu.stop().record("idle", label, true);
        ctx.log("idle CPU: proxy %.2f%% of one core", cpu.proxyPct());

        ProcStats.Sample after = ctx.proxySample();
        result.metric("rss_after_idle_mib", label + ": proxy RSS after the idle window", after.rssBytes() / 1048576.0,
                "MiB", Better.LOWER, false);
        reportUnexpectedCloses(pool);
        if (deliveries.foreign() > 0) {
            result.note(deliveries.foreign() + " non-bench lines received, e.g. " + deliveries.lastForeign());
        }
        pool.closeAll(20_000);
    }
}
