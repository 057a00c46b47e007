package io.holdfast.bench.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.holdfast.bench.Result.Better;
import io.holdfast.bench.load.Clients;
import io.holdfast.bench.load.ConnectionEvents;
import io.holdfast.bench.load.Connections;
import io.holdfast.bench.load.Deliveries;
import io.holdfast.bench.load.Failures;
import io.holdfast.bench.load.HttpClientPool;
import io.holdfast.bench.load.Payload;
import io.holdfast.bench.load.ProcStats;
import io.holdfast.bench.load.Subscriber;
import io.holdfast.bench.load.SubscriberPool;
import io.netty.handler.codec.http.HttpMethod;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Recorder;

/**
 * {@code churn}: C concurrent workers, each repeatedly opening an SSE connection that the origin holds
 * and subscribes to a channel, waiting for the proxy's response head, and closing it. Reports completed
 * connect/subscribe/disconnect cycles per second and the connect latency, then checks that the proxy
 * gave back what the cycles used (open files, memory, Holdfast's subscription count) and still
 * delivers to a fresh subscriber.
 */
final class ChurnScenario extends Scenario {

    private int concurrency;
    private double warmup;
    private double seconds;
    private int settleSeconds;

    private static final int CHANNELS = 1000;

    private final Recorder openLatency = new Recorder(3);
    private final LongAdder cycles = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final Map<String, LongAdder> failureKinds = new ConcurrentHashMap<>();
    private final AtomicLong started = new AtomicLong();
    private final LongAdder active = new LongAdder();
    private volatile boolean measuring;
    private volatile boolean stopping;
    private Clients clients;

    @Override
    public String name() {
        return "churn";
    }

    @Override
    protected void configure() {
        concurrency = ctx.param("concurrency", 50, 100);
        warmup = ctx.decimalParam("warmup-seconds", 1, 3);
        seconds = ctx.decimalParam("seconds", 4, 15);
        settleSeconds = ctx.param("settle-seconds", 2, 3);
    }

    @Override
    protected void execute() throws Exception {

        ProcStats.Sample before = ctx.proxySample();
        long filesBefore = ctx.proxyPid > 0 ? ProcStats.openFiles(ctx.proxyPid) : -1;
        // Closed client sockets sit in TIME_WAIT on their source address; spread them widely.
        clients = ctx.proxyClients(Math.max(200_000, concurrency));

        for (int i = 0; i < concurrency; i++) {
            cycle();
        }
        Thread.sleep((long) (warmup * 1000));
        openLatency.reset();
        long c0 = cycles.sum();
        long f0 = failures.sum();
        CpuWindow cpu = new CpuWindow();
        long t0 = System.nanoTime();
        measuring = true;
        Thread.sleep((long) (seconds * 1000));
        measuring = false;
        double secs = (System.nanoTime() - t0) / 1e9;
        cpu.stop();
        long n = cycles.sum() - c0;
        long fails = failures.sum() - f0;
        stopping = true;
        long end = deadline(10);
        while (active.sum() > 0 && System.nanoTime() < end) {
            sleepMillis(20);
        }

        ctx.log("%d cycles in %.1f s = %.0f connect+subscribe+disconnect per second, %d failures", n, secs, n / secs,
                fails);
        result.metric("cycles_per_s", "connect, subscribe, disconnect cycles per second", n / secs, "/s",
                Better.HIGHER, true);
        result.latency("churn_open", "churn: connect to response head", openLatency.getIntervalHistogram(), true);
        cpu.record("churn", "churn", false);
        result.metric("churn_proxy_cpu_us_per_cycle", "churn: proxy CPU per cycle",
                cpu.proxyCpuSeconds() / Math.max(1, n) * 1e6, "us", Better.LOWER, false);
        result.metric("failures", "churn: failed cycles", fails, "", Better.LOWER, false);
        if (fails > 0) {
            Map<String, Long> kinds = new TreeMap<>();
            failureKinds.forEach((k, v) -> kinds.put(k, v.sum()));
            result.anomaly(fails + " churn cycles failed: " + kinds);
        }

        sleepMillis(settleSeconds * 1000L); // the proxy's own clean-up after the last disconnects
        if (ctx.proxyPid > 0) {
            ProcStats.Sample after = ctx.proxySample();
            long filesAfter = ProcStats.openFiles(ctx.proxyPid);
            ctx.log("proxy after churn: open files %d (before %d), RSS %.1f MiB (before %.1f MiB)", filesAfter,
                    filesBefore, after.rssBytes() / 1048576.0, before.rssBytes() / 1048576.0);
            result.metric("files_growth", "proxy open files after churn minus before (origin pool included)",
                    filesAfter - filesBefore, "", Better.NONE, false);
            result.metric("rss_growth_mib", "proxy RSS growth over the churn run",
                    (after.rssBytes() - before.rssBytes()) / 1048576.0, "MiB", Better.LOWER, false);
            int held = ProcStats.connectionsOnLocalPort(ctx.proxyUrl.getPort());
            result.metric("client_conns_left", "client connections the proxy still holds after churn", held, "",
                    Better.LOWER, false);
            if (held > 0) {
                result.anomaly(held + " client connections still open on the proxy's port " + settleSeconds
                        + " s after every churn connection closed");
            }
        }
        checkSubscriptionsReleased();
        checkStillDelivers();
    }

    /** One connect, wait for the head, close; then the next. Runs on the event loops. */
    private void cycle() {
        if (stopping) {
            return;
        }
        long k = started.getAndIncrement();
        Subscriber s = Connections.newSubscriber((int) (k % Integer.MAX_VALUE), "churn-" + (k % CHANNELS),
                Subscriber.Kind.SSE);
        active.increment();
        ConnectionEvents events = new ConnectionEvents() {
            @Override
            public void onOpen(Subscriber sub) {
                if (!Connections.opened(sub)) {
                    return;
                }
                if (measuring) {
                    cycles.increment();
                    openLatency.recordValue(Math.max(0, sub.openLatencyNanos() / 1000));
                }
                sub.channel().close();
            }

            @Override
            public void onFailed(Subscriber sub, String reason) {
                if (!Connections.failed(sub)) {
                    return;
                }
                active.decrement();
                if (measuring) {
                    failures.increment();
                    failureKinds.computeIfAbsent(reason, r -> new LongAdder()).increment();
                }
                if (!stopping) {
                    clients.group().schedule(ChurnScenario.this::cycle, 10, TimeUnit.MILLISECONDS);
                }
            }

            @Override
            public void onClosed(Subscriber sub, String why) {
                if (!Connections.closed(sub)) {
                    return;
                }
                active.decrement();
                cycle();
            }

            @Override
            public Payload.Sink sink() {
                return NO_SINK;
            }
        };
        Connections.start(clients, s, events);
    }

    /** Holdfast's publish API reports live subscriptions at GET /stats; after churn there should be none. */
    private void checkSubscriptionsReleased() {
        try {
            HttpClientPool.Response r = ctx.publisher().send(HttpMethod.GET, "/stats", null, null, 5000)
                    .get(10, TimeUnit.SECONDS);
            if (!r.ok()) {
                result.note("GET /stats on the publish port: HTTP " + r.status() + " (not Holdfast; not checked)");
                return;
            }
            JsonNode stats = new ObjectMapper().readTree(r.body());
            if (stats.has("subscriptions")) {
                long subs = stats.get("subscriptions").asLong();
                result.metric("subscriptions_left", "subscriptions left after churn (GET /stats)", subs, "",
                        Better.LOWER, false);
                if (subs > 0) {
                    result.anomaly(subs + " subscriptions still registered " + settleSeconds + " s after every churn connection closed");
                }
            }
            result.note("proxy /stats after churn: " + stats);
        } catch (Exception e) {
            result.note("GET /stats not available: " + Failures.describe(e));
        }
    }

    /** After churn the proxy must still deliver: one fresh subscriber, one publish. */
    private void checkStillDelivers() throws InterruptedException {
        Deliveries d = new Deliveries();
        SubscriberPool pool = new SubscriberPool(ctx.proxyClients(1), Subscriber.Kind.SSE, 1, d);
        pool.add("churn-check");
        pool.openAll(deadline(10));
        int live = confirmSubscribed(pool, d, Subscriber.Kind.SSE, 10);
        if (live != 1) {
            result.anomaly("after churn, a fresh subscriber did not receive a publish");
        }
        pool.closeAll(5000);
    }

    private static final Payload.Sink NO_SINK = new Payload.Sink() {
        @Override
        public void onPayload(Subscriber from, byte kind, long seq, long sendNanos, long receivedNanos) {
        }

        @Override
        public void onForeign(Subscriber from, String text) {
        }
    };
}
