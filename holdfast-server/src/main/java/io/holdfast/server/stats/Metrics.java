package io.holdfast.server.stats;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Holdfast's Prometheus metrics: a registry of its own (so two servers in one JVM do not mix),
 * filled by callbacks that read {@link Counters} and the live gauges at scrape time, so recording
 * costs nothing beyond the counters themselves. The text also carries Pushpin's five metric names
 * ({@code request_received}, {@code connection_connected}, {@code connection_minute},
 * {@code message_received}, {@code message_sent}) exactly as Pushpin writes them, behind
 * {@code prometheus_prefix}: the Java client would add {@code _total} to counters, which would break
 * dashboards built on Pushpin's names, so that block is written by hand.
 */
public final class Metrics {
    public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

    /** What the metrics read from the running server, supplied by whoever wires it. */
    public interface Source {
        /** Open client TCP connections (all transports). */
        int clientConnections();

        /** Pushpin's connection minutes of the connections open now. */
        long openConnectionMinutes();

        int channels();

        long subscriptions();
    }

    /** What a cluster node reports, read at scrape time; supplied once Redis is joined. */
    public interface ClusterSource {
        String nodeId();

        boolean redisConnected();

        /** Channels this node subscribes to in Redis. */
        long channelsSubscribed();

        /** Counter name (without {@code holdfast_cluster_}) → value; a fixed set of names. */
        java.util.Map<String, Long> counters();
    }

    private final Counters counters;
    private final Source source;
    private final String pushpinPrefix;
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    public Metrics(Counters counters, Source source, String pushpinPrefix) {
        this.counters = counters;
        this.source = source;
        this.pushpinPrefix = pushpinPrefix;
        register();
    }

    private void register() {
        GaugeWithCallback.builder().name("holdfast_connections_open")
                .help("Open client connections by transport (http: connections not held by GRIP)")
                .labelNames("transport")
                .callback(cb -> {
                    long held = 0;
                    for (SessionKind kind : SessionKind.all()) {
                        if (kind != SessionKind.HTTP) {
                            long n = counters.openSessions(kind);
                            held += n;
                            cb.call(n, kind.label());
                        }
                    }
                    cb.call(Math.max(0, source.clientConnections() - held), SessionKind.HTTP.label());
                }).register(registry);
        gauge("holdfast_channels", "Channels with at least one subscriber", source::channels);
        gauge("holdfast_subscriptions", "Channel subscriptions (implicit conn:/user: channels excluded)",
                source::subscriptions);
        counter("holdfast_connections_accepted", "Client connections accepted", counters.connectionsAccepted::sum);
        counter("holdfast_requests", "Client HTTP requests received", counters.requestsReceived::sum);
        labelledCounter("holdfast_publishes", "Publish requests by input", "input", cb -> {
            for (PublishInput input : PublishInput.values()) {
                cb.call(counters.publishes(input), input.label());
            }
        });
        counter("holdfast_items_received", "Items received by every publish input", counters.itemsReceived::sum);
        counter("holdfast_items_published", "Items fanned out to subscribers", counters.itemsPublished::sum);
        labelledCounter("holdfast_deliveries", "Messages written to subscribers by transport", "transport", cb -> {
            for (SessionKind kind : SessionKind.all()) {
                if (kind != SessionKind.HTTP) {
                    cb.call(counters.deliveries(kind), kind.label());
                }
            }
        });
        labelledCounter("holdfast_dropped", "Items or deliveries dropped, by reason", "reason", cb -> {
            cb.call(counters.duplicatesDropped.sum(), "duplicate");
            cb.call(counters.outOfOrderDropped.sum(), "out_of_order");
            cb.call(counters.deliveriesDropped.sum(), "subscriber_cut_off");
        });
        labelledCounter("holdfast_cut_offs", "Subscribers disconnected by Holdfast, by reason", "reason", cb ->
                cb.call(counters.slowSubscribersDropped.sum(), "slow_subscriber"));
        counter("holdfast_out_of_order_held", "Items that waited for their prev-id", counters.outOfOrderHeld::sum);
        counter("holdfast_holds_started", "Held requests and streams started", counters.holdsStarted::sum);
        counter("holdfast_holds_timed_out", "Long-polls answered with their timeout response", counters.holdsTimedOut::sum);
        counter("holdfast_origin_failures", "Client requests answered with an error because the origin failed",
                counters.originFailures::sum);
        counter("holdfast_ws_over_http_requests", "WebSocket-over-HTTP requests sent to origins",
                counters.wsOverHttpRequests::sum);
        counter("holdfast_ws_over_http_retries", "WebSocket-over-HTTP requests retried after the origin was unreachable",
                counters.wsOverHttpRetries::sum);
        registry.register(counters.publishToWrite);
        registry.register(counters.originResponse);
        JvmMetrics.builder().register(registry);
    }

    /**
     * Adds the cluster's figures: {@code holdfast_cluster_info{node_id}} (always 1),
     * {@code holdfast_cluster_redis_connected} (0/1), {@code holdfast_cluster_channels_subscribed} and
     * one counter per {@link ClusterSource#counters()} entry. Node id is the only label (no channels).
     * Call once, when the node has joined.
     */
    public void cluster(ClusterSource cluster) {
        GaugeWithCallback.builder().name("holdfast_cluster_info").help("This cluster node (value always 1)")
                .labelNames("node_id").callback(cb -> cb.call(1, cluster.nodeId())).register(registry);
        gauge("holdfast_cluster_redis_connected", "1 while both Redis connections are up, else 0",
                () -> cluster.redisConnected() ? 1 : 0);
        gauge("holdfast_cluster_channels_subscribed", "Channels this node subscribes to in Redis",
                cluster::channelsSubscribed);
        for (String name : cluster.counters().keySet()) {
            counter("holdfast_cluster_" + name, "Cluster bus: " + name.replace('_', ' '),
                    () -> cluster.counters().getOrDefault(name, 0L));
        }
    }

    private void gauge(String name, String help, LongSupplier value) {
        GaugeWithCallback.builder().name(name).help(help).callback(cb -> cb.call(value.getAsLong())).register(registry);
    }

    private void counter(String name, String help, LongSupplier value) {
        CounterWithCallback.builder().name(name).help(help).callback(cb -> cb.call(value.getAsLong())).register(registry);
    }

    private void labelledCounter(String name, String help, String label, Consumer<CounterWithCallback.Callback> fill) {
        CounterWithCallback.builder().name(name).help(help).labelNames(label).callback(fill).register(registry);
    }

    /** The full exposition: Pushpin's block, then Holdfast's registry (JVM metrics included). */
    public byte[] scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        StringBuilder pushpin = new StringBuilder(512);
        pushpinMetric(pushpin, "request_received", "counter", "Number of requests received",
                counters.requestsReceived.sum());
        pushpinMetric(pushpin, "connection_connected", "gauge", "Number of concurrent connections",
                source.clientConnections());
        pushpinMetric(pushpin, "connection_minute", "counter", "Number of minutes clients have been connected",
                counters.closedConnectionMinutes.sum() + source.openConnectionMinutes());
        pushpinMetric(pushpin, "message_received", "counter", "Number of messages received by the publish API",
                counters.itemsReceived.sum());
        pushpinMetric(pushpin, "message_sent", "counter", "Number of messages sent to clients",
                counters.deliveries.sum());
        out.writeBytes(pushpin.toString().getBytes(StandardCharsets.UTF_8));
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory cannot fail", e);
        }
        return out.toByteArray();
    }

    private void pushpinMetric(StringBuilder sb, String name, String type, String help, long value) {
        String full = pushpinPrefix + name;
        sb.append("# HELP ").append(full).append(' ').append(help).append('\n')
                .append("# TYPE ").append(full).append(' ').append(type).append('\n')
                .append(full).append(' ').append(value).append('\n');
    }

    /** The publish-to-write histogram now (cumulative), for the dashboard's percentiles. */
    HistogramSnapshot publishToWrite() {
        return counters.publishToWrite.collect();
    }

    /** Origin responses so far with status >= 500 plus origin failures, for the dashboard. */
    long originErrors() {
        long n = counters.originFailures.sum();
        for (HistogramSnapshot.HistogramDataPointSnapshot p : counters.originResponse.collect().getDataPoints()) {
            String status = p.getLabels().get("status");
            if (status != null && status.startsWith("5")) {
                n += p.getCount();
            }
        }
        return n;
    }

    Counters counters() {
        return counters;
    }

    long openSessions(SessionKind kind) {
        return kind == SessionKind.HTTP ? Math.max(0, source.clientConnections() - heldSessions()) : counters.openSessions(kind);
    }

    private long heldSessions() {
        long held = 0;
        for (SessionKind kind : SessionKind.all()) {
            if (kind != SessionKind.HTTP) {
                held += counters.openSessions(kind);
            }
        }
        return held;
    }

    Source source() {
        return source;
    }

}
