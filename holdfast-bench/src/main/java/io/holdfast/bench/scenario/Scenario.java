package io.holdfast.bench.scenario;

import io.holdfast.bench.Result;
import io.holdfast.bench.Result.Better;
import io.holdfast.bench.load.Deliveries;
import io.holdfast.bench.load.HttpClientPool;
import io.holdfast.bench.load.Payload;
import io.holdfast.bench.load.Phase;
import io.holdfast.bench.load.ProcStats;
import io.holdfast.bench.load.PublishBody;
import io.holdfast.bench.load.Subscriber;
import io.holdfast.bench.load.SubscriberPool;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A measured situation (idle connections, fan-out, ...) run against one proxy. Subclasses read their
 * sizes from the {@link RunContext}, fill in its {@link Result}, and bound every wait.
 *
 * <p>The helpers here are the steps scenarios share: opening subscribers, proving their subscriptions
 * are live with probe messages, publishing, counting loss and duplication, and sampling CPU.
 */
public abstract class Scenario {

    /** Items per publish request when probing many channels. */
    static final int PROBE_BATCH = 500;
    private static final int MAX_PUBLISH_ANOMALIES = 5;

    protected RunContext ctx;
    protected Result result;
    private int publishErrors;

    public abstract String name();

    public final void run(RunContext ctx) throws Exception {
        this.ctx = ctx;
        this.result = ctx.result;
        configure();
        ctx.args.rejectUnknown();
        execute();
        if (publishErrors > MAX_PUBLISH_ANOMALIES) {
            result.anomaly((publishErrors - MAX_PUBLISH_ANOMALIES) + " more publish errors not listed");
        }
    }

    /** Reads the scenario's sizes (so a misspelt option fails before anything runs). */
    protected abstract void configure();

    protected abstract void execute() throws Exception;

    static long deadline(double seconds) {
        return System.nanoTime() + (long) (seconds * 1e9);
    }

    static void sleepMillis(long ms) throws InterruptedException {
        Thread.sleep(ms);
    }

    /**
     * Opens every subscriber in the pool, retrying failed ones up to {@code retries} times, and logs the
     * rate and what stopped it, if anything. Failed attempts are anomalies even when a retry succeeds.
     */
    protected int open(SubscriberPool pool, double timeoutSeconds, int retries) throws InterruptedException {
        long t0 = System.nanoTime();
        long end = deadline(timeoutSeconds);
        int opened = pool.openAll(end);
        for (int attempt = 1; attempt <= retries && pool.stillFailed() > 0 && pool.limitMet() == null
                && System.nanoTime() < end; attempt++) {
            ctx.log("%d connections failed (%s); retry %d of %d in 1 s", pool.stillFailed(), pool.failureReasons(),
                    attempt, retries);
            sleepMillis(1000);
            pool.resetFailed();
            opened = pool.openAll(end);
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        int wanted = pool.subscribers().size();
        ctx.log("opened %d/%d connections in %.1f s (%.0f/s), %d failed attempts", opened, wanted, secs,
                opened / Math.max(secs, 1e-9), pool.failedCount());
        result.metric("open_seconds", "time to open all connections", secs, "s", Better.LOWER, false);
        result.metric("open_rate", "connections opened per second", opened / Math.max(secs, 1e-9), "/s",
                Better.HIGHER, false);
        result.metric("open_failed_attempts", "failed connection attempts (retries included)", pool.failedCount(),
                "", Better.LOWER, false);
        if (pool.limitMet() != null) {
            result.note("limit met: " + pool.limitMet());
        }
        if (pool.failedCount() > 0) {
            result.anomaly(String.format("%d connection attempts failed while opening %d connections %s; %d still "
                    + "failed after %d retries", pool.failedCount(), wanted, pool.failureReasons(),
                    pool.stillFailed(), retries));
        }
        int pending = wanted - opened - pool.stillFailed() - pool.closedUnexpectedly();
        if (pending > 0 && pool.limitMet() == null) {
            result.anomaly(pending + " connections neither opened nor failed within " + timeoutSeconds + " s");
        }
        return opened;
    }

    /**
     * Publishes probes to the channels of open subscribers that have not seen one yet, until every
     * open subscriber has (its subscription is live) or the deadline passes.
     *
     * @return how many subscribers are confirmed
     */
    protected int confirmSubscribed(SubscriberPool pool, Deliveries d, Subscriber.Kind kind, double timeoutSeconds)
            throws InterruptedException {
        long t0 = System.nanoTime();
        long end = deadline(timeoutSeconds);
        int round = 0;
        while (System.nanoTime() < end) {
            Set<String> channels = new LinkedHashSet<>();
            for (Subscriber s : pool.subscribers()) {
                if (s.isOpen() && !probed(s)) {
                    channels.add(s.channelName());
                }
            }
            if (channels.isEmpty()) {
                break;
            }
            List<String> list = new ArrayList<>(channels);
            for (int i = 0; i < list.size(); i += PROBE_BATCH) {
                PublishBody body = new PublishBody(kind);
                for (String ch : list.subList(i, Math.min(list.size(), i + PROBE_BATCH))) {
                    body.add(ch, Payload.text(Payload.PROBE, round, System.nanoTime(), 0));
                }
                publish(body, "probe");
            }
            round++;
            long roundEnd = Math.min(end, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1000));
            while (System.nanoTime() < roundEnd && d.probed() < pool.openCount()) {
                sleepMillis(10);
            }
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        int confirmed = d.probed();
        ctx.log("%d/%d open subscribers confirmed live by probes in %.1f s (%d probe rounds)", confirmed,
                pool.openCount(), secs, round);
        result.metric("subscribe_confirm_seconds", "time until every subscription answered a probe", secs, "s",
                Better.LOWER, false);
        if (confirmed < pool.openCount()) {
            result.anomaly((pool.openCount() - confirmed) + " open subscribers never received a probe within "
                    + timeoutSeconds + " s (subscription not live)");
        }
        return confirmed;
    }

    private static boolean probed(Subscriber s) {
        return s.isProbed();
    }

    /** Publishes one body and waits for the answer (bounded); failures become anomalies. */
    protected HttpClientPool.Response publish(PublishBody body, String what) {
        try {
            HttpClientPool.Response r = ctx.publisher().post("/publish/", body.bytes(), 30_000)
                    .get(60, TimeUnit.SECONDS);
            if (!r.ok()) {
                publishError(what + ": HTTP " + r.status() + " " + abbreviate(r.body()));
            }
            return r;
        } catch (Exception e) {
            publishError(what + ": " + e);
            return null;
        }
    }

    protected synchronized void publishError(String s) {
        publishErrors++;
        if (publishErrors <= MAX_PUBLISH_ANOMALIES) {
            result.anomaly("publish failed: " + s);
        }
    }

    static String abbreviate(String s) {
        s = s.strip();
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }

    /** Waits until the phase has {@code expected} deliveries or the deadline passes. */
    protected static boolean awaitDeliveries(Phase p, long expected, long deadlineNanos) throws InterruptedException {
        while (p.delivered() < expected && System.nanoTime() < deadlineNanos) {
            sleepMillis(2);
        }
        return p.delivered() >= expected;
    }

    /** Loss and duplication over the given phases, counted per subscriber on its own event loop. */
    protected record Tally(long expected, long received, long lost, long lostOnClosed, int subscribersWithLoss,
                           long duplicates) {
    }

    protected Tally tally(SubscriberPool pool, Deliveries d, List<Phase> phases) throws InterruptedException {
        AtomicLong expected = new AtomicLong();
        AtomicLong received = new AtomicLong();
        AtomicLong lost = new AtomicLong();
        AtomicLong lostOnClosed = new AtomicLong();
        AtomicLong withLoss = new AtomicLong();
        pool.forEachOnLoop(s -> {
            if (!s.isProbed()) {
                return; // never confirmed live: counted as a subscribe failure instead
            }
            long missing = 0;
            for (Phase p : phases) {
                for (long seq = p.firstSeq(); seq < p.firstSeq() + p.count(); seq++) {
                    if (!p.isPublished(seq)) {
                        continue;
                    }
                    expected.incrementAndGet();
                    if (s.hasSeen(seq)) {
                        received.incrementAndGet();
                    } else {
                        missing++;
                    }
                }
            }
            if (missing > 0) {
                withLoss.incrementAndGet();
                if (s.state() == Subscriber.State.OPEN) {
                    lost.addAndGet(missing);
                } else {
                    lostOnClosed.addAndGet(missing);
                }
            }
        }, 30_000);
        return new Tally(expected.get(), received.get(), lost.get(), lostOnClosed.get(), (int) withLoss.get(),
                d.duplicates());
    }

    /** Reports a tally as metrics and, when not clean, as anomalies. */
    protected void report(String key, String label, Tally t) {
        result.metric(key + "_lost", label + ": lost (still-connected subscribers)", t.lost(), "", Better.LOWER,
                true);
        result.metric(key + "_lost_closed", label + ": lost (subscribers the proxy disconnected)", t.lostOnClosed(),
                "", Better.LOWER, false);
        result.metric(key + "_duplicates", label + ": duplicated", t.duplicates(), "", Better.LOWER, true);
        result.metric(key + "_expected", label + ": deliveries expected", t.expected(), "", Better.NONE, false);
        if (t.lost() > 0 || t.lostOnClosed() > 0) {
            result.anomaly(String.format("%s: %d of %d deliveries missing (%d on connected subscribers, %d on "
                    + "subscribers the proxy disconnected), %d subscribers affected", label,
                    t.lost() + t.lostOnClosed(), t.expected(), t.lost(), t.lostOnClosed(), t.subscribersWithLoss()));
        }
        if (t.duplicates() > 0) {
            result.anomaly(label + ": " + t.duplicates() + " duplicate deliveries");
        }
    }

    /** Reports connections the proxy closed while the bench still held them. */
    protected void reportUnexpectedCloses(SubscriberPool pool) {
        if (pool.closedUnexpectedly() > 0) {
            Map<String, Long> reasons = pool.closeReasons();
            result.anomaly(pool.closedUnexpectedly() + " connections were closed by the proxy during the run: "
                    + reasons);
        }
        result.metric("closed_by_proxy", "connections closed by the proxy during the run", pool.closedUnexpectedly(),
                "", Better.LOWER, false);
    }

    /** CPU used by the proxy, the load generator, the origin and everything else over a window. */
    protected final class CpuWindow {
        private final ProcStats.Sample proxy0;
        private final ProcStats.Sample self0;
        private final ProcStats.Sample origin0;
        private final long sys0;
        private final long t0;
        private ProcStats.Sample proxy1;
        private double seconds;
        private double proxyPct;
        private double selfPct;
        private double originPct;
        private double otherPct;

        public CpuWindow() {
            proxy0 = ctx.proxySample();
            self0 = ProcStats.self();
            origin0 = ctx.originSample();
            sys0 = ProcStats.systemBusyTicks();
            t0 = System.nanoTime();
        }

        public CpuWindow stop() {
            proxy1 = ctx.proxySample();
            ProcStats.Sample self1 = ProcStats.self();
            ProcStats.Sample origin1 = ctx.originSample();
            long sys1 = ProcStats.systemBusyTicks();
            seconds = (System.nanoTime() - t0) / 1e9;
            double tick = ProcStats.CLK_TCK;
            proxyPct = proxy0 == null || proxy1 == null ? Double.NaN
                    : (proxy1.cpuTicks() - proxy0.cpuTicks()) / tick / seconds * 100;
            selfPct = (self1.cpuTicks() - self0.cpuTicks()) / tick / seconds * 100;
            originPct = origin0 == null || origin1 == null ? 0
                    : (origin1.cpuTicks() - origin0.cpuTicks()) / tick / seconds * 100;
            double sysPct = (sys1 - sys0) / tick / seconds * 100;
            otherPct = Math.max(0, sysPct - (Double.isNaN(proxyPct) ? 0 : proxyPct) - selfPct - originPct);
            return this;
        }

        public double seconds() {
            return seconds;
        }

        /** Proxy CPU in percent of one core (200 = both cores of a 2-core machine). */
        public double proxyPct() {
            return proxyPct;
        }

        public double proxyCpuSeconds() {
            return proxyPct * seconds / 100;
        }

        /** Records the window as metrics {@code <key>_proxy_cpu_pct} etc.; warns about a busy machine. */
        public void record(String key, String label, boolean headline) {
            result.metric(key + "_proxy_cpu_pct", label + ": proxy CPU (% of one core)", proxyPct, "%", Better.LOWER,
                    headline);
            result.metric(key + "_loadgen_cpu_pct", label + ": load generator CPU", selfPct, "%", Better.NONE, false);
            result.metric(key + "_origin_cpu_pct", label + ": bench origin CPU", originPct, "%", Better.NONE, false);
            result.metric(key + "_other_cpu_pct", label + ": CPU of other processes on the machine", otherPct, "%",
                    Better.NONE, false);
            if (otherPct > 15) {
                result.anomaly(String.format("%s: other processes used %.0f%% of a core during the window; figures "
                        + "may be perturbed", label, otherPct));
            }
        }
    }
}
