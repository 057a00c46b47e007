package io.holdfast.server.stats;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds the live dashboard: once a second, while at least one dashboard is open, it samples the
 * counters into one JSON event (rates from the difference to the previous sample, latency
 * percentiles from the publish-to-write histogram's buckets filled in that second, top channels
 * from the broker) and writes the same bytes to every open dashboard's SSE stream. A dashboard
 * that cannot keep up (its socket not writable) skips samples instead of queueing them. Runs on the
 * publish API's loop only, so its state needs no locks.
 */
public final class DashboardFeed {
    private static final Logger LOG = LoggerFactory.getLogger(DashboardFeed.class);
    static final int TOP_CHANNELS = 10;
    /** Open dashboards allowed at once; more get 503 (each costs a timer-driven write a second). */
    static final int MAX_VIEWERS = 64;

    private final Metrics metrics;
    private final AdminApi admin;
    private final EventLoop loop;
    private final List<Channel> viewers = new ArrayList<>();
    private volatile Supplier<List<String>> clusterNodes;
    private ScheduledFuture<?> timer;
    private Sample previous;
    private List<Map<String, Object>> topChannels = List.of();

    private record Sample(long nanos, long received, long deliveries, long cutOffs, long originErrors,
                          long requests, double[] bounds, long[] buckets) {}

    DashboardFeed(Metrics metrics, AdminApi admin, EventLoop loop) {
        this.metrics = metrics;
        this.admin = admin;
        this.loop = loop;
    }

    /** The cluster's nodes for the dashboard; unset means "single node". */
    public void clusterNodes(Supplier<List<String>> nodes) {
        this.clusterNodes = nodes;
    }

    /** Writes {@code head} and adds the connection as a viewer, or answers 503 when full. Any thread. */
    void open(Channel ch, io.netty.handler.codec.http.HttpResponse head) {
        loop.execute(() -> {
            if (viewers.size() >= MAX_VIEWERS) {
                HttpReplies.send(ch, false, io.netty.handler.codec.http.HttpResponseStatus.SERVICE_UNAVAILABLE,
                        "text/plain", "too many dashboards open\n".getBytes(StandardCharsets.UTF_8));
                return;
            }
            ch.writeAndFlush(head);
            addViewer(ch);
        });
    }

    private void addViewer(Channel ch) {
        viewers.add(ch);
        ch.closeFuture().addListener(f -> loop.execute(() -> removeViewer(ch)));
        if (timer == null) {
            previous = sample();
            timer = loop.scheduleAtFixedRate(this::tick, 0, 1, TimeUnit.SECONDS);
        }
    }

    private void removeViewer(Channel ch) {
        viewers.remove(ch);
        if (viewers.isEmpty() && timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void tick() {
        try {
            admin.channels(TOP_CHANNELS).whenCompleteAsync((list, err) -> {
                if (err == null) {
                    topChannels = list;
                }
            }, loop);
            Sample now = sample();
            byte[] event = ("data: " + HttpReplies.JSON.writeValueAsString(snapshot(previous, now)) + "\n\n")
                    .getBytes(StandardCharsets.UTF_8);
            previous = now;
            for (Channel ch : List.copyOf(viewers)) {
                if (ch.isWritable()) {
                    ch.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(event)))
                            .addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
                }
            }
        } catch (RuntimeException | com.fasterxml.jackson.core.JsonProcessingException e) {
            LOG.warn("dashboard sample failed: {}", e.toString());
        }
    }

    private Sample sample() {
        Counters c = metrics.counters();
        List<HistogramSnapshot.HistogramDataPointSnapshot> points = metrics.publishToWrite().getDataPoints();
        ClassicHistogramBuckets b = points.isEmpty() ? ClassicHistogramBuckets.EMPTY : points.get(0).getClassicBuckets();
        double[] bounds = new double[b.size()];
        long[] counts = new long[b.size()];
        for (int i = 0; i < b.size(); i++) {
            bounds[i] = b.getUpperBound(i);
            counts[i] = b.getCount(i);
        }
        return new Sample(System.nanoTime(), c.itemsReceived.sum(), c.deliveries.sum(), c.slowSubscribersDropped.sum(),
                metrics.originErrors(), c.requestsReceived.sum(), bounds, counts);
    }

    /** One dashboard event: the state now and the rates since {@code before}. */
    Map<String, Object> snapshot(Sample before, Sample now) {
        double seconds = Math.max(1e-3, (now.nanos() - before.nanos()) / 1e9);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("time", System.currentTimeMillis());
        Map<String, Long> connections = new LinkedHashMap<>();
        for (SessionKind kind : SessionKind.all()) {
            connections.put(kind.label(), metrics.openSessions(kind));
        }
        m.put("connections", connections);
        m.put("channels", metrics.source().channels());
        m.put("subscriptions", metrics.source().subscriptions());
        m.put("publishesPerSecond", rate(now.received() - before.received(), seconds));
        m.put("deliveriesPerSecond", rate(now.deliveries() - before.deliveries(), seconds));
        m.put("requestsPerSecond", rate(now.requests() - before.requests(), seconds));
        m.put("latencyMs", percentiles(before, now));
        m.put("topChannels", topChannels);
        m.put("cutOffs", now.cutOffs());
        m.put("cutOffsPerSecond", rate(now.cutOffs() - before.cutOffs(), seconds));
        m.put("originErrors", now.originErrors());
        m.put("originErrorsPerSecond", rate(now.originErrors() - before.originErrors(), seconds));
        m.put("totals", Map.of("published", now.received(), "delivered", now.deliveries()));
        Supplier<List<String>> nodes = clusterNodes;
        m.put("cluster", nodes == null ? Map.of("mode", "single node", "nodes", List.of())
                : Map.of("mode", "cluster", "nodes", nodes.get()));
        return m;
    }

    private static double rate(long delta, double seconds) {
        return Math.round(delta / seconds * 10) / 10.0;
    }

    /**
     * p50/p90/p99 in milliseconds of the publish-to-write times recorded between two samples, read
     * from the histogram's cumulative buckets (so: each value is its bucket's upper bound, an upper
     * estimate). Null values when nothing was published in between.
     */
    static Map<String, Double> percentiles(Sample before, Sample now) {
        int n = now.buckets().length;
        long[] delta = new long[n];
        for (int i = 0; i < n; i++) {
            delta[i] = now.buckets()[i] - (i < before.buckets().length ? before.buckets()[i] : 0);
        }
        long total = 0;
        for (long d : delta) {
            total += d;
        }
        Map<String, Double> out = new LinkedHashMap<>();
        for (double q : new double[] {0.5, 0.9, 0.99}) {
            out.put("p" + Math.round(q * 100), total == 0 ? null : bound(now.bounds(), delta, total, q));
        }
        return out;
    }

    private static Double bound(double[] bounds, long[] delta, long total, double q) {
        long rank = (long) Math.ceil(q * total);
        long seen = 0;
        for (int i = 0; i < delta.length; i++) {
            seen += delta[i];
            if (seen >= rank) {
                double upper = bounds[i];
                return Double.isInfinite(upper) ? (i > 0 ? bounds[i - 1] * 1000 : null) : upper * 1000;
            }
        }
        return null;
    }
}
