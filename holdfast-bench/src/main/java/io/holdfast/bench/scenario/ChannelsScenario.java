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
import org.HdrHistogram.Histogram;

/**
 * {@code channels}: N SSE subscribers, each on a channel of its own; each round publishes one message
 * to every channel (batched many items per request) and waits for all N deliveries. Measures the
 * per-channel cost of the publish path rather than the per-subscriber cost of fan-out.
 */
final class ChannelsScenario extends Scenario {

    private int n;
    private int handshakes;
    private int rounds;
    private int batch;
    private int payloadBytes;
    private double drainSeconds;

    @Override
    public String name() {
        return "channels";
    }

    @Override
    protected void configure() {
        n = ctx.connections("subscribers", 2000, 10000);
        handshakes = ctx.param("handshakes", 100, 100);
        rounds = ctx.param("rounds", 3, 5);
        batch = ctx.param("batch", 200, 200);
        payloadBytes = ctx.param("payload-bytes", 64, 64);
        drainSeconds = ctx.decimalParam("drain-seconds", 20, 30);
    }

    @Override
    protected void execute() throws Exception {

        Deliveries deliveries = new Deliveries();
        Clients clients = ctx.proxyClients(n);
        SubscriberPool pool = new SubscriberPool(clients, Subscriber.Kind.SSE, handshakes, deliveries);
        List<String> channels = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String ch = "ch-" + i;
            channels.add(ch);
            pool.add(ch);
        }
        open(pool, ctx.quick ? 60 : 120, 2);
        int live = confirmSubscribed(pool, deliveries, Subscriber.Kind.SSE, 60);
        result.metric("subscribers", "subscribers, one channel each", live, "", Better.NONE, true);
        if (live == 0) {
            throw new IllegalStateException("no live subscribers");
        }

        // One unmeasured round first, for the proxy's JIT and caches.
        publishRound(channels, batch, Payload.WARMUP, 0, payloadBytes, null);
        sleepMillis(1000);

        List<Phase> phases = new ArrayList<>();
        Histogram latency = new Histogram(3);
        long delivered = 0;
        double busySeconds = 0;
        double publishSeconds = 0;
        CpuWindow cpu = new CpuWindow();
        for (int r = 0; r < rounds; r++) {
            Phase p = new Phase("round" + r, r, 1, live);
            deliveries.add(p);
            phases.add(p);
            long start = System.nanoTime();
            p.start(start);
            publishRound(channels, batch, Payload.MEASURED, r, payloadBytes, p);
            double pub = (System.nanoTime() - start) / 1e9;
            publishSeconds += pub;
            long expected = p.publishedCount() == 1 ? live : 0;
            boolean drained = awaitDeliveries(p, expected, deadline(drainSeconds));
            double span = (p.lastArrivalNanos() - start) / 1e9;
            busySeconds += span;
            delivered += p.delivered();
            latency.add(p.takeLatency());
            ctx.log("round %d: published %d channels in %.2f s; %d/%d delivered in %.2f s (%.0f/s)%s", r, n, pub,
                    p.delivered(), expected, span, p.delivered() / Math.max(span, 1e-9), drained ? "" : " NOT DRAINED");
            if (!drained) {
                result.anomaly(String.format("round %d: only %d of %d deliveries within %.0f s", r, p.delivered(),
                        expected, drainSeconds));
            }
            sleepMillis(300);
        }
        cpu.stop();
        result.metric("deliveries_per_s", "one message per channel: deliveries per second",
                delivered / Math.max(busySeconds, 1e-9), "/s", Better.HIGHER, true);
        result.metric("publish_items_per_s", "publish API: items accepted per second",
                (double) n * rounds / Math.max(publishSeconds, 1e-9), "/s", Better.HIGHER, false);
        result.latency("channels", "one message per channel: delivery latency", latency, true);
        cpu.record("channels", "channels", false);

        report("channels", "channels", tally(pool, deliveries, phases));
        reportUnexpectedCloses(pool);
        if (deliveries.stray() > 0) {
            result.anomaly(deliveries.stray() + " measured messages with unknown sequence numbers");
        }
        pool.closeAll(20_000);
    }

    /**
     * Publishes one message to every channel in requests of {@code batch} items. All items of one round
     * share sequence number {@code seq} (each subscriber sees only its own channel's copy).
     */
    private void publishRound(List<String> channels, int batch, byte kind, long seq, int payloadBytes, Phase phase) {
        boolean allOk = true;
        for (int i = 0; i < channels.size(); i += batch) {
            PublishBody body = new PublishBody(Subscriber.Kind.SSE);
            long now = System.nanoTime();
            if (phase != null && i == 0) {
                phase.sent(seq, now);
            }
            for (String ch : channels.subList(i, Math.min(channels.size(), i + batch))) {
                body.add(ch, Payload.text(kind, seq, now, payloadBytes));
            }
            HttpClientPool.Response r = publish(body, kind == Payload.WARMUP ? "warm-up round" : "round " + seq);
            allOk &= r != null && r.ok();
        }
        if (phase != null && allOk) {
            phase.published(seq);
        }
    }
}
