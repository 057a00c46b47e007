package io.holdfast.bench.load;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The payload sink of a scenario: marks subscribers live on their first probe, ignores warm-up
 * messages, and for measured messages detects duplicates (per subscriber, by sequence number) and
 * hands first deliveries to the {@link Phase} that owns the sequence number.
 */
public final class Deliveries implements Payload.Sink {

    private final List<Phase> phases = new CopyOnWriteArrayList<>();
    private final AtomicInteger probed = new AtomicInteger();
    private final LongAdder warmups = new LongAdder();
    private final LongAdder duplicates = new LongAdder();
    private final LongAdder stray = new LongAdder();
    private final LongAdder foreign = new LongAdder();
    private volatile String lastForeign;

    public void add(Phase phase) {
        phases.add(phase);
    }

    @Override
    public void onPayload(Subscriber s, byte kind, long seq, long sendNanos, long now) {
        if (kind == Payload.PROBE) {
            s.probes++;
            if (!s.probed) {
                s.probed = true;
                probed.incrementAndGet();
            }
            return;
        }
        if (kind == Payload.WARMUP) {
            s.warmups++;
            warmups.increment();
            return;
        }
        s.measured++;
        if (seq > Integer.MAX_VALUE) {
            stray.increment();
            return;
        }
        if (s.seen.get((int) seq)) {
            s.duplicates++;
            duplicates.increment();
            return;
        }
        s.seen.set((int) seq);
        for (Phase p : phases) {
            if (p.contains(seq)) {
                p.delivered(seq, now - sendNanos, now);
                return;
            }
        }
        stray.increment();
    }

    @Override
    public void onForeign(Subscriber s, String text) {
        s.foreign++;
        s.lastForeign = text;
        foreign.increment();
        lastForeign = text;
    }

    public int probed() {
        return probed.get();
    }

    public long warmups() {
        return warmups.sum();
    }

    public long duplicates() {
        return duplicates.sum();
    }

    /** Measured messages whose sequence number belongs to no phase (should be 0). */
    public long stray() {
        return stray.sum();
    }

    public long foreign() {
        return foreign.sum();
    }

    public String lastForeign() {
        return lastForeign;
    }
}
