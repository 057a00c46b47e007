package io.holdfast.server.cluster;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the Redis bus counts, for {@code GET /stats} and the logs: every refused publish, every gap
 * found and how it was filled, so "faults lose nothing silently" can be checked from outside.
 */
public final class ClusterStats {
    public final LongAdder published = new LongAdder();
    public final LongAdder publishFailed = new LongAdder();
    public final LongAdder duplicatesInRedis = new LongAdder();
    public final LongAdder heldForPrevId = new LongAdder();
    public final LongAdder received = new LongAdder();
    public final LongAdder duplicatesSkipped = new LongAdder();
    public final LongAdder gaps = new LongAdder();
    public final LongAdder replayedFromHistory = new LongAdder();
    public final LongAdder resets = new LongAdder();
    public final LongAdder overflowDropped = new LongAdder();
    /** Channels this node subscribes to in Redis now (written on the bus thread, read anywhere). */
    public final java.util.concurrent.atomic.AtomicInteger channelsSubscribed = new java.util.concurrent.atomic.AtomicInteger();

    public Map<String, Long> snapshot() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("cluster_published", published.sum());
        m.put("cluster_publish_failed", publishFailed.sum());
        m.put("cluster_duplicates_in_redis", duplicatesInRedis.sum());
        m.put("cluster_held_for_prev_id", heldForPrevId.sum());
        m.put("cluster_received", received.sum());
        m.put("cluster_duplicates_skipped", duplicatesSkipped.sum());
        m.put("cluster_gaps", gaps.sum());
        m.put("cluster_replayed_from_history", replayedFromHistory.sum());
        m.put("cluster_resets", resets.sum());
        m.put("cluster_overflow_dropped", overflowDropped.sum());
        return m;
    }
}
