package io.holdfast.bench.load;

import java.util.BitSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * One measured stretch of a scenario: a contiguous range of message sequence numbers, the latency of
 * every delivery in it (microseconds, publish to receive), and per message how many subscribers got
 * it and when the last one did.
 */
public final class Phase {

    private final String name;
    private final long firstSeq;
    private final int count;
    private final int expectedPerMessage;
    private final Recorder latency = new Recorder(3);
    private final AtomicIntegerArray received;
    private final AtomicLongArray lastArrival;
    private final long[] sentNanos;
    private final BitSet published;
    private final LongAdder delivered = new LongAdder();
    private final AtomicLong firstArrival = new AtomicLong(Long.MAX_VALUE);
    private final AtomicLong lastAnyArrival = new AtomicLong(Long.MIN_VALUE);
    private final AtomicInteger complete = new AtomicInteger();
    private volatile long startNanos;

    /**
     * @param expectedPerMessage how many subscribers each message should reach
     */
    public Phase(String name, long firstSeq, int count, int expectedPerMessage) {
        this.name = name;
        this.firstSeq = firstSeq;
        this.count = count;
        this.expectedPerMessage = expectedPerMessage;
        this.received = new AtomicIntegerArray(count);
        this.lastArrival = new AtomicLongArray(count);
        this.sentNanos = new long[count];
        this.published = new BitSet(count);
    }

    public String name() {
        return name;
    }

    public long firstSeq() {
        return firstSeq;
    }

    public int count() {
        return count;
    }

    public boolean contains(long seq) {
        return seq >= firstSeq && seq < firstSeq + count;
    }

    public void start(long nanos) {
        startNanos = nanos;
    }

    public long startNanos() {
        return startNanos;
    }

    /** The publisher's record of a message it sent (called before the publish request goes out). */
    public synchronized void sent(long seq, long nanos) {
        sentNanos[(int) (seq - firstSeq)] = nanos;
    }

    /** The publish API accepted the message (2xx). */
    public synchronized void published(long seq) {
        published.set((int) (seq - firstSeq));
    }

    public synchronized int publishedCount() {
        return published.cardinality();
    }

    public synchronized boolean isPublished(long seq) {
        return published.get((int) (seq - firstSeq));
    }

    /** A first (non-duplicate) delivery. Called on event loops. */
    void delivered(long seq, long latencyNanos, long now) {
        int i = (int) (seq - firstSeq);
        latency.recordValue(Math.max(0, latencyNanos / 1000));
        delivered.increment();
        if (received.incrementAndGet(i) == expectedPerMessage) {
            complete.incrementAndGet();
        }
        lastArrival.accumulateAndGet(i, now, Math::max);
        firstArrival.accumulateAndGet(now, Math::min);
        lastAnyArrival.accumulateAndGet(now, Math::max);
    }

    public long delivered() {
        return delivered.sum();
    }

    /** Messages that reached every expected subscriber. */
    public int completeMessages() {
        return complete.get();
    }

    public int receivedBy(long seq) {
        return received.get((int) (seq - firstSeq));
    }

    public int expectedPerMessage() {
        return expectedPerMessage;
    }

    /** When the last subscriber got the message, relative to its send time; -1 if not all got it. */
    public synchronized long completionNanos(long seq) {
        int i = (int) (seq - firstSeq);
        if (received.get(i) < expectedPerMessage || !published.get(i)) {
            return -1;
        }
        return lastArrival.get(i) - sentNanos[i];
    }

    public long firstArrivalNanos() {
        return firstArrival.get();
    }

    public long lastArrivalNanos() {
        return lastAnyArrival.get();
    }

    /** The delivery latencies so far (microseconds); resets the recorder. */
    public Histogram takeLatency() {
        return latency.getIntervalHistogram();
    }
}
