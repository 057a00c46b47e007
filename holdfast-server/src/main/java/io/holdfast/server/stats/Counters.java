package io.holdfast.server.stats;

import io.prometheus.metrics.core.metrics.Histogram;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Process-wide counters, cheap to bump from any event loop. Nothing is dropped silently: every
 * delivery Holdfast gives up on is counted here and shown by the publish API's {@code GET /stats}
 * and by {@link Metrics} at {@code /metrics}. Every other package records through this one object
 * (it imports nothing from them), so {@link Metrics} can read it without a dependency cycle.
 */
public final class Counters {
    /** Publish-to-write buckets in seconds: 100 µs to 5 s. */
    private static final double[] LATENCY_BOUNDS = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
            0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};
    /** Origin response buckets in seconds: 1 ms to 30 s. */
    private static final double[] ORIGIN_BOUNDS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
            5, 10, 30};

    public final LongAdder publishRequests = new LongAdder();
    /** Items handed to the broker by any input, before de-duplication (Pushpin's {@code message_received}). */
    public final LongAdder itemsReceived = new LongAdder();
    public final LongAdder itemsPublished = new LongAdder();
    public final LongAdder deliveries = new LongAdder();
    /**
     * Subscribers cut off as too slow: over {@code subscriber_buffer_size}, or the largest when the
     * unsent-bytes budget was about to be exceeded (those are also in {@link #unsentBudgetCutOffs}).
     */
    public final LongAdder slowSubscribersDropped = new LongAdder();
    /** Of {@link #slowSubscribersDropped}: cut off to keep all subscribers within {@code unsent_bytes_max}. */
    public final LongAdder unsentBudgetCutOffs = new LongAdder();
    /** Deliveries that threw for one subscriber (that subscriber is closed; the others are unaffected). */
    public final LongAdder deliveryFailures = new LongAdder();
    /** Messages not delivered because their subscriber was cut off or had gone. */
    public final LongAdder deliveriesDropped = new LongAdder();
    /** Items dropped because their (channel, id) was published within id_cache_ttl. */
    public final LongAdder duplicatesDropped = new LongAdder();
    /** Items that arrived before their prev-id and waited. */
    public final LongAdder outOfOrderHeld = new LongAdder();
    /** Out-of-order items dropped (a second one for the same prev-id, or too many waiting). */
    public final LongAdder outOfOrderDropped = new LongAdder();
    public final LongAdder holdsStarted = new LongAdder();
    public final LongAdder holdsTimedOut = new LongAdder();

    /** Client HTTP requests (Pushpin's {@code request_received}). */
    public final LongAdder requestsReceived = new LongAdder();
    /** Client connections accepted since start. */
    public final LongAdder connectionsAccepted = new LongAdder();
    /** Connection minutes of closed connections, counted as Pushpin does (see {@link #connectionClosed}). */
    public final LongAdder closedConnectionMinutes = new LongAdder();
    /** WebSocket-over-HTTP requests sent to origins, and retries after an origin could not be reached. */
    public final LongAdder wsOverHttpRequests = new LongAdder();
    public final LongAdder wsOverHttpRetries = new LongAdder();
    /** Client requests answered with an error because the origin failed (connect, timeout, broken). */
    public final LongAdder originFailures = new LongAdder();

    private final LongAdder[] publishesByInput = adders(PublishInput.values().length);
    private final LongAdder[] deliveriesByKind = adders(SessionKind.all().length);
    private final LongAdder[] openByKind = adders(SessionKind.all().length);

    /** From the moment a publish is fanned out until it is written to a loop's subscribers. */
    final Histogram publishToWrite = Histogram.builder()
            .name("holdfast_publish_to_write_seconds")
            .help("Time from fan-out of a published item until a client event loop has written and flushed it")
            .classicOnly().classicUpperBounds(LATENCY_BOUNDS).build();
    /** From the client request until the origin's response head, by route and status. */
    final Histogram originResponse = Histogram.builder()
            .name("holdfast_origin_response_seconds")
            .help("Time from a client request until the origin's response head, by route and status")
            .labelNames("route", "status")
            .classicOnly().classicUpperBounds(ORIGIN_BOUNDS).build();

    private static LongAdder[] adders(int n) {
        LongAdder[] a = new LongAdder[n];
        for (int i = 0; i < n; i++) {
            a[i] = new LongAdder();
        }
        return a;
    }

    /** One publish request (any number of items) from {@code input}. */
    public void publishRequest(PublishInput input) {
        publishRequests.increment();
        publishesByInput[input.ordinal()].increment();
    }

    long publishes(PublishInput input) {
        return publishesByInput[input.ordinal()].sum();
    }

    /** {@code n} messages written to subscribers of one kind. */
    public void delivered(SessionKind kind, int n) {
        deliveriesByKind[kind.ordinal()].add(n);
    }

    long deliveries(SessionKind kind) {
        return deliveriesByKind[kind.ordinal()].sum();
    }

    /** A held request or WebSocket session began (+1) or ended (-1). */
    public void sessionChanged(SessionKind kind, int delta) {
        openByKind[kind.ordinal()].add(delta);
    }

    long openSessions(SessionKind kind) {
        return openByKind[kind.ordinal()].sum();
    }

    /** Records one publish-to-write time. */
    public void publishWritten(long fannedOutNanos, long nowNanos) {
        publishToWrite.observe((nowNanos - fannedOutNanos) / 1e9);
    }

    /** Records an origin response head. The route label is its id (bounded by the routes file). */
    public void originResponded(String route, int status, long requestStartNanos) {
        originResponse.labelValues(route, Integer.toString(status))
                .observe((System.nanoTime() - requestStartNanos) / 1e9);
    }

    /**
     * Pushpin's {@code connection_minute}: a connection counts one minute when it opens (minutes round
     * up) and one more per full minute after that. Called once when a client connection closes.
     */
    public void connectionClosed(long openedNanos) {
        closedConnectionMinutes.add(connectionMinutes(openedNanos, System.nanoTime()));
    }

    static long connectionMinutes(long openedNanos, long nowNanos) {
        return 1 + TimeUnit.NANOSECONDS.toMinutes(Math.max(0, nowNanos - openedNanos));
    }

    private final Map<String, java.util.function.LongSupplier> gauges = new java.util.concurrent.ConcurrentSkipListMap<>();

    /** Adds a value read at each {@link #snapshot} (e.g. bytes unsent right now). */
    public void gauge(String name, java.util.function.LongSupplier value) {
        gauges.put(name, value);
    }

    public Map<String, Long> snapshot() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("publish_requests", publishRequests.sum());
        m.put("items_published", itemsPublished.sum());
        m.put("deliveries", deliveries.sum());
        m.put("deliveries_dropped", deliveriesDropped.sum());
        m.put("slow_subscribers_dropped", slowSubscribersDropped.sum());
        m.put("unsent_budget_cut_offs", unsentBudgetCutOffs.sum());
        m.put("delivery_failures", deliveryFailures.sum());
        m.put("duplicates_dropped", duplicatesDropped.sum());
        m.put("out_of_order_held", outOfOrderHeld.sum());
        m.put("out_of_order_dropped", outOfOrderDropped.sum());
        m.put("holds_started", holdsStarted.sum());
        m.put("holds_timed_out", holdsTimedOut.sum());
        m.put("requests_received", requestsReceived.sum());
        for (SessionKind kind : SessionKind.all()) {
            if (kind != SessionKind.HTTP) {
                m.put("open_" + kind.name().toLowerCase(java.util.Locale.ROOT), openByKind[kind.ordinal()].sum());
            }
        }
        gauges.forEach((name, gauge) -> m.put(name, gauge.getAsLong()));
        return m;
    }
}
