package io.holdfast.server.pubsub;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The budget for bytes written to subscribers and not yet taken by their sockets, process-wide and
 * per event loop ({@code unsent_bytes_max}, {@code unsent_bytes_loop_max}). Each
 * {@link SubscriberSession} reports its own pending bytes here; before a delivery would take a total
 * over its limit, the largest queue on the delivering loop is cut off. Without it, a thousand
 * clients that stop reading each stay under {@code subscriber_buffer_size} while together they
 * exhaust direct memory and jam every event loop (issue 10, defect 1).
 *
 * <p>A loop only ever cuts off its own subscribers (their state is touched only there). Over its own
 * limit, a loop cuts off its largest queue. For the process-wide limit, "largest first" is decided
 * across loops without locks: from three quarters of the limit on, a loop cuts off its largest queue
 * only if that queue is at least the average of all queues with bytes pending (the process-wide
 * largest always is), and otherwise asks the other loops to do the same; so a client that reads,
 * with a moment's backlog, is not cut off on one loop because clients that do not read fill the
 * budget on another. Only if the other loops have not done so by the time the limit itself would be
 * exceeded (they may be busy) does a loop cut off its own largest queue, whatever its size.
 */
public final class UnsentBytes {
    /**
     * Over the process-wide limit with only small queues here, a loop looks again after this long
     * rather than scanning its queues before every delivery (the other loops have been asked).
     */
    private static final long RESCAN_NANOS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(5);

    private final long totalMax;
    /** Three quarters of {@link #totalMax}: from here on the largest queues are cut, on any loop. */
    private final long softMax;
    private final long loopMax;
    private final AtomicLong total = new AtomicLong();
    /** Sessions with bytes pending, on all loops: the average queue is {@code total / lagging}. */
    private final java.util.concurrent.atomic.AtomicInteger lagging = new java.util.concurrent.atomic.AtomicInteger();
    private final Map<EventExecutor, Loop> loops = new IdentityHashMap<>();

    UnsentBytes(Iterable<EventExecutor> group, long totalMax, long loopMax) {
        if (totalMax <= 0 || loopMax <= 0) {
            throw new IllegalArgumentException("unsent bytes limits: " + totalMax + ", " + loopMax + " (expected: > 0)");
        }
        this.totalMax = totalMax;
        this.softMax = totalMax - totalMax / 4;
        this.loopMax = loopMax;
        for (EventExecutor executor : group) {
            loops.put(executor, new Loop((EventLoop) executor));
        }
    }

    /** Bytes unsent right now, all subscribers together (any thread). */
    public long total() {
        return total.get();
    }

    public long totalMax() {
        return totalMax;
    }

    public long loopMax() {
        return loopMax;
    }

    Loop loop(EventLoop loop) {
        Loop l = loops.get(loop);
        if (l == null) {
            throw new IllegalStateException("subscriber loop is not part of the client event loop group");
        }
        return l;
    }

    /** Has every other loop cut off its queues that are at least the average while over the total. */
    private void askOtherLoops(Loop asking) {
        for (Loop l : loops.values()) {
            if (l != asking && !l.enforcementQueued.getAndSet(true)) {
                l.loop.execute(l::enforceTotal);
            }
        }
    }

    /** One loop's part: the sessions with bytes pending, and their sum. Touched only on that loop. */
    final class Loop {
        private final EventLoop loop;
        private final Set<SubscriberSession> lagging = Collections.newSetFromMap(new IdentityHashMap<>());
        private final java.util.concurrent.atomic.AtomicBoolean enforcementQueued =
                new java.util.concurrent.atomic.AtomicBoolean();
        private volatile long bytes;
        /** When this loop last found none of its queues worth cutting for the process-wide limit. */
        private long declinedAt = System.nanoTime() - RESCAN_NANOS;

        Loop(EventLoop loop) {
            this.loop = loop;
        }

        /** Records that {@code session} now has {@code pending} bytes unsent (0 when it ended). */
        void update(SubscriberSession session, long pending) {
            long delta = pending - session.accounted;
            if (delta == 0) {
                return;
            }
            session.accounted = pending;
            bytes += delta;
            total.addAndGet(delta);
            if (pending > 0) {
                if (lagging.add(session)) {
                    UnsentBytes.this.lagging.incrementAndGet();
                }
            } else if (lagging.remove(session)) {
                UnsentBytes.this.lagging.decrementAndGet();
            }
        }

        /**
         * Before {@code more} bytes are written on this loop: the session that must be cut off first
         * to keep within the limits (null when they fit, or when what is over the process-wide limit
         * is better cut on other loops, which are then asked to), and the limit's name in
         * {@code why[0]}.
         */
        SubscriberSession toCutOff(long more, String[] why) {
            if (bytes + more > loopMax) {
                why[0] = "unsent_bytes_loop_max " + loopMax;
                return largest();
            }
            long after = total.get() + more;
            if (after > totalMax) {
                why[0] = "unsent_bytes_max " + totalMax;
                return largest();
            }
            if (after > softMax) {
                long now = System.nanoTime();
                if (now - declinedAt < RESCAN_NANOS) {
                    return null; // just found nothing worth cutting here; do not scan again per delivery
                }
                why[0] = "unsent_bytes_max " + totalMax;
                SubscriberSession largest = largest();
                if (largest != null && largest.accounted >= average()) {
                    return largest;
                }
                declinedAt = now;
                askOtherLoops(this);
            }
            return null;
        }

        /** Asked by another loop: cut off this loop's queues that are at least the average while over. */
        private void enforceTotal() {
            enforcementQueued.set(false);
            SubscriberSession largest;
            while (total.get() > softMax && (largest = largest()) != null && largest.accounted >= average()) {
                largest.cutOffForBudget("unsent_bytes_max " + totalMax, null);
            }
        }

        private long average() {
            int n = UnsentBytes.this.lagging.get();
            return n <= 0 ? 0 : total.get() / n;
        }

        /**
         * The session on this loop with the most bytes pending, or null if none has any; a queue the
         * socket has not taken from for a while goes before any that is draining.
         */
        SubscriberSession largest() {
            SubscriberSession max = null;
            boolean maxStalled = false;
            for (SubscriberSession s : lagging) {
                boolean stalled = s.stalled();
                if (max == null || (stalled && !maxStalled)
                        || (stalled == maxStalled && s.accounted > max.accounted)) {
                    max = s;
                    maxStalled = stalled;
                }
            }
            return max;
        }

        long bytes() {
            return bytes;
        }
    }
}
