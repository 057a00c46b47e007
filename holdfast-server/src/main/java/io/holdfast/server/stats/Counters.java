package io.holdfast.server.stats;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Process-wide counters, cheap to bump from any event loop. Nothing is dropped silently: every
 * delivery Holdfast gives up on is counted here and shown by the publish API's {@code GET /stats}.
 */
public final class Counters {
    public final LongAdder publishRequests = new LongAdder();
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
        gauges.forEach((name, gauge) -> m.put(name, gauge.getAsLong()));
        return m;
    }
}
