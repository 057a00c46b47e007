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
 * <p>A loop only ever cuts off its own subscribers (their state is touched only there); a loop that
 * sees the process-wide total over its limit cuts off its own largest, so every loop that keeps
 * delivering brings the total down.
 */
public final class UnsentBytes {
    private final long totalMax;
    private final long loopMax;
    private final AtomicLong total = new AtomicLong();
    private final Map<EventExecutor, Loop> loops = new IdentityHashMap<>();

    UnsentBytes(Iterable<EventExecutor> group, long totalMax, long loopMax) {
        if (totalMax <= 0 || loopMax <= 0) {
            throw new IllegalArgumentException("unsent bytes limits: " + totalMax + ", " + loopMax + " (expected: > 0)");
        }
        this.totalMax = totalMax;
        this.loopMax = loopMax;
        for (EventExecutor executor : group) {
            loops.put(executor, new Loop());
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

    /** One loop's part: the sessions with bytes pending, and their sum. Touched only on that loop. */
    final class Loop {
        private final Set<SubscriberSession> lagging = Collections.newSetFromMap(new IdentityHashMap<>());
        private volatile long bytes;

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
                lagging.add(session);
            } else {
                lagging.remove(session);
            }
        }

        /** What stops {@code more} bytes from fitting, or null when they fit. */
        String exceededBy(long more) {
            if (bytes + more > loopMax) {
                return "unsent_bytes_loop_max " + loopMax;
            }
            if (total.get() + more > totalMax) {
                return "unsent_bytes_max " + totalMax;
            }
            return null;
        }

        /** The session on this loop with the most bytes pending, or null if none has any. */
        SubscriberSession largest() {
            SubscriberSession max = null;
            for (SubscriberSession s : lagging) {
                if (max == null || s.accounted > max.accounted) {
                    max = s;
                }
            }
            return max;
        }

        long bytes() {
            return bytes;
        }
    }
}
