package io.holdfast.bench.scenario;

import io.holdfast.bench.Result.Better;
import io.holdfast.bench.load.Clients;
import io.holdfast.bench.load.Deliveries;
import io.holdfast.bench.load.HttpClientPool;
import io.holdfast.bench.load.Payload;
import io.holdfast.bench.load.Phase;
import io.holdfast.bench.load.PublishBody;
import io.holdfast.bench.load.Subscriber;
import io.holdfast.bench.load.SubscriberPool;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * {@code fanout}: N SSE subscribers on one channel. Three measured phases:
 * <ol>
 *   <li><b>one</b>: single publishes, each waited for until every subscriber has it: the latency of
 *       one message reaching N subscribers, and the time until the last one has it;</li>
 *   <li><b>max</b>: M messages published as fast as the publish API takes them (batched), for the
 *       sustained deliveries per second;</li>
 *   <li><b>rate</b>: messages at a fixed rate, for latency under a steady load. Send times are the
 *       scheduled times, so a publisher that falls behind does not hide the delay.</li>
 * </ol>
 * Every delivery's latency comes from the send timestamp in its payload; every subscriber checks its
 * sequence numbers for loss and duplication.
 */
final class FanoutScenario extends Scenario {

    private int n;
    private int handshakes;
    private int payloadBytes;
    private int warmup;
    private int single;
    private int burst;
    private int batch;
    private int rate;
    private int rateSeconds;
    private double drainSeconds;

    private static final String CHANNEL = "fanout";

    @Override
    public String name() {
        return "fanout";
    }

    @Override
    protected void configure() {
        n = ctx.connections("subscribers", 2000, 10000);
        handshakes = ctx.param("handshakes", 100, 100);
        payloadBytes = ctx.param("payload-bytes", 64, 64);
        warmup = ctx.param("warmup-messages", 30, 60);
        single = ctx.param("single-messages", 10, 30);
        burst = ctx.param("burst-messages", 100, 200);
        batch = ctx.param("batch", 10, 10);
        rate = ctx.param("rate", 20, 4);
        rateSeconds = ctx.param("rate-seconds", 4, 15);
        drainSeconds = ctx.decimalParam("drain-seconds", 15, 60);
    }

    @Override
    protected void execute() throws Exception {

        Deliveries deliveries = new Deliveries();
        Clients clients = ctx.proxyClients(n);
        SubscriberPool pool = new SubscriberPool(clients, Subscriber.Kind.SSE, handshakes, deliveries);
        for (int i = 0; i < n; i++) {
            pool.add(CHANNEL);
        }
        open(pool, ctx.quick ? 60 : 120, 2);
        int live = confirmSubscribed(pool, deliveries, Subscriber.Kind.SSE, 60);
        result.metric("subscribers", "subscribers on the channel", live, "", Better.NONE, true);
        if (live == 0) {
            throw new IllegalStateException("no live subscribers");
        }

        warmUp(warmup, payloadBytes);
        long seq = 0;

        // 1. One publish at a time.
        Phase one = new Phase("one", seq, single, live);
        deliveries.add(one);
        seq += single;
        Histogram completion = new Histogram(3);
        one.start(System.nanoTime());
        for (int k = 0; k < single; k++) {
            long s = one.firstSeq() + k;
            long now = System.nanoTime();
            one.sent(s, now);
            HttpClientPool.Response r = publish(new PublishBody(Subscriber.Kind.SSE)
                    .add(CHANNEL, Payload.text(Payload.MEASURED, s, now, payloadBytes)), "one");
            if (r != null && r.ok()) {
                one.published(s);
            }
            awaitDeliveries(one, (long) (k + 1) * live, deadline(5));
            long c = one.completionNanos(s);
            if (c >= 0) {
                completion.recordValue(c / 1000);
            }
            sleepMillis(50);
        }
        result.latency("one", "1 publish to " + live + " subscribers: delivery latency", one.takeLatency(), true);
        result.latency("one_last", "1 publish to " + live + " subscribers: time until the last one has it",
                completion, false);
        ctx.log("one: p50 %.2f ms, p99 %.2f ms, last subscriber p50 %.2f ms",
                result.find("one_p50_ms").value(), result.find("one_p99_ms").value(),
                completion.getTotalCount() > 0 ? completion.getValueAtPercentile(50) / 1000.0 : -1.0);

        // 2. As fast as the publish API takes them.
        Phase max = new Phase("max", seq, burst, live);
        deliveries.add(max);
        seq += burst;
        CpuWindow cpu = new CpuWindow();
        long start = System.nanoTime();
        max.start(start);
        for (int k = 0; k < burst; k += batch) {
            PublishBody body = new PublishBody(Subscriber.Kind.SSE);
            long now = System.nanoTime();
            int m = Math.min(batch, burst - k);
            for (int j = 0; j < m; j++) {
                long s = max.firstSeq() + k + j;
                max.sent(s, now);
                body.add(CHANNEL, Payload.text(Payload.MEASURED, s, now, payloadBytes));
            }
            HttpClientPool.Response r = publish(body, "max");
            if (r != null && r.ok()) {
                for (int j = 0; j < m; j++) {
                    max.published(max.firstSeq() + k + j);
                }
            }
        }
        double publishSeconds = (System.nanoTime() - start) / 1e9;
        long expected = (long) max.publishedCount() * live;
        boolean drained = awaitDeliveries(max, expected, deadline(drainSeconds));
        cpu.stop();
        double spanSeconds = (max.lastArrivalNanos() - start) / 1e9;
        double rateMax = max.delivered() / Math.max(spanSeconds, 1e-9);
        ctx.log("max: %d messages published in %.2f s; %d/%d deliveries in %.2f s = %.0f deliveries/s%s", burst,
                publishSeconds, max.delivered(), expected, spanSeconds, rateMax, drained ? "" : " (NOT DRAINED)");
        result.metric("max_deliveries_per_s", "sustained fan-out (max rate): deliveries per second", rateMax, "/s",
                Better.HIGHER, true);
        result.metric("max_publish_items_per_s", "publish API: items accepted per second (max phase)",
                burst / Math.max(publishSeconds, 1e-9), "/s", Better.HIGHER, false);
        result.metric("max_span_seconds", "max phase: first publish to last delivery", spanSeconds, "s", Better.LOWER,
                false);
        result.latency("max", "max rate: delivery latency", max.takeLatency(), false);
        cpu.record("max", "max rate", false);
        result.metric("max_proxy_cpu_s_per_m", "max rate: proxy CPU seconds per million deliveries",
                cpu.proxyCpuSeconds() / Math.max(1, max.delivered()) * 1e6, "s", Better.LOWER, true);
        if (!drained) {
            result.anomaly(String.format("max: only %d of %d deliveries arrived within %.0f s of the last publish",
                    max.delivered(), expected, drainSeconds));
        }

        // 3. Fixed rate.
        int total = rate * rateSeconds;
        Phase fixed = new Phase("rate", seq, total, live);
        deliveries.add(fixed);
        seq += total;
        long periodNanos = 1_000_000_000L / rate;
        List<CompletableFuture<?>> inflight = new ArrayList<>();
        int late = 0;
        start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
        fixed.start(start);
        CpuWindow rateCpu = new CpuWindow();
        for (int k = 0; k < total; k++) {
            long due = start + k * periodNanos;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            } else if (wait < -periodNanos) {
                late++;
            }
            long s = fixed.firstSeq() + k;
            fixed.sent(s, due);
            byte[] body = new PublishBody(Subscriber.Kind.SSE)
                    .add(CHANNEL, Payload.text(Payload.MEASURED, s, due, payloadBytes)).bytes();
            inflight.add(ctx.publisher().post("/publish/", body, 5_000).whenComplete((r, e) -> {
                if (e != null) {
                    publishError("rate: " + e);
                } else if (!r.ok()) {
                    publishError("rate: HTTP " + r.status() + " " + abbreviate(r.body()));
                } else {
                    fixed.published(s);
                }
            }));
        }
        for (CompletableFuture<?> f : inflight) {
            try {
                f.get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                // counted by the completion handler
            }
        }
        expected = (long) fixed.publishedCount() * live;
        drained = awaitDeliveries(fixed, expected, deadline(drainSeconds));
        rateCpu.stop();
        double rateSpan = (fixed.lastArrivalNanos() - start) / 1e9;
        ctx.log("rate: %d msg/s for %d s: %d/%d deliveries, %.0f deliveries/s%s", rate, rateSeconds,
                fixed.delivered(), expected, fixed.delivered() / Math.max(rateSpan, 1e-9), drained ? "" : " (NOT DRAINED)");
        result.metric("rate_target_deliveries_per_s", "fixed rate: offered deliveries per second", (double) rate * live,
                "/s", Better.NONE, false);
        result.metric("rate_deliveries_per_s", "fixed rate: achieved deliveries per second",
                fixed.delivered() / Math.max(rateSpan, 1e-9), "/s", Better.HIGHER, false);
        result.latency("rate", "fixed rate (" + rate + " msg/s x " + live + "): delivery latency", fixed.takeLatency(),
                true);
        rateCpu.record("rate", "fixed rate", false);
        if (late > 0) {
            result.anomaly("rate: the publisher fell more than one period behind schedule " + late + " times");
        }
        if (!drained) {
            result.anomaly(String.format("rate: only %d of %d deliveries arrived within %.0f s of the last publish",
                    fixed.delivered(), expected, drainSeconds));
        }

        sleepMillis(200);
        report("fanout", "fan-out", tally(pool, deliveries, List.of(one, max, fixed)));
        reportUnexpectedCloses(pool);
        if (deliveries.stray() > 0) {
            result.anomaly(deliveries.stray() + " measured messages with unknown sequence numbers");
        }
        if (deliveries.foreign() > 0) {
            result.note(deliveries.foreign() + " non-bench lines received, e.g. " + deliveries.lastForeign());
        }
        pool.closeAll(20_000);
    }

    /** Messages that are delivered but not counted, so the proxy's hot paths are compiled first. */
    private void warmUp(int messages, int payloadBytes) throws InterruptedException {
        for (int k = 0; k < messages; k++) {
            publish(new PublishBody(Subscriber.Kind.SSE)
                    .add(CHANNEL, Payload.text(Payload.WARMUP, k, System.nanoTime(), payloadBytes)), "warm-up");
            sleepMillis(20);
        }
        sleepMillis(500);
    }
}
