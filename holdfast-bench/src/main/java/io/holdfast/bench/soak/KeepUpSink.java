package io.holdfast.bench.soak;

import io.holdfast.bench.load.Payload;
import io.holdfast.bench.load.Subscriber;
import java.util.BitSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the subscribers that keep up received: per subscriber the set of measured sequence numbers
 * (to count loss and duplicates at the end), whether a probe arrived (the subscription is live), and
 * the worst publish-to-receive latency.
 */
final class KeepUpSink implements Payload.Sink {

    final LongAdder duplicates = new LongAdder();
    final LongAdder foreign = new LongAdder();
    final AtomicLong maxLatencyNanos = new AtomicLong();
    private final Map<Subscriber, BitSet> seen = new ConcurrentHashMap<>();
    private final Set<Subscriber> probed = ConcurrentHashMap.newKeySet();

    @Override
    public void onPayload(Subscriber s, byte kind, long seq, long sendNanos, long now) {
        if (kind == Payload.PROBE) {
            probed.add(s);
            return;
        }
        if (kind != Payload.MEASURED || seq > Integer.MAX_VALUE) {
            return;
        }
        BitSet b = seen.computeIfAbsent(s, k -> new BitSet());
        synchronized (b) {
            if (b.get((int) seq)) {
                duplicates.increment();
                return;
            }
            b.set((int) seq);
        }
        maxLatencyNanos.accumulateAndGet(now - sendNanos, Math::max);
    }

    @Override
    public void onForeign(Subscriber s, String text) {
        foreign.increment();
    }

    boolean isProbed(Subscriber s) {
        return probed.contains(s);
    }

    /** How many of {@code published} this subscriber has not received. */
    int missing(Subscriber s, BitSet published) {
        BitSet b = seen.get(s);
        BitSet miss = (BitSet) published.clone();
        if (b != null) {
            synchronized (b) {
                miss.andNot(b);
            }
        }
        return miss.cardinality();
    }
}
