package io.holdfast.server.config;

/**
 * The budget for bytes written to subscribers but not yet taken by their sockets ({@code [holdfast]}
 * {@code unsent_bytes_max} and {@code unsent_bytes_loop_max}). {@code subscriber_buffer_size} bounds
 * one subscriber; this bounds all of them together, so a thousand clients that stop reading cannot
 * exhaust direct memory before any one of them reaches its own limit. Zero means "derive from the
 * JVM's maximum direct memory" (see {@link #resolve}).
 *
 * @param totalMax process-wide bound in bytes, or 0 for the default
 * @param loopMax  bound for one event loop in bytes, or 0 for the default
 */
public record UnsentBudget(long totalMax, long loopMax) {
    /** Zero: derived at start-up, see {@link #resolve}. */
    public static final long DEFAULT_TOTAL_MAX = 0;
    /** Zero: derived at start-up, see {@link #resolve}. */
    public static final long DEFAULT_LOOP_MAX = 0;
    /** The share of the maximum direct memory the default total may use. */
    public static final int DEFAULT_DIRECT_MEMORY_DIVISOR = 4;
    /** Never derive a total below this, however small the JVM (a few slow clients must fit). */
    public static final long MIN_DERIVED_TOTAL = 4L * 1024 * 1024;

    public static final UnsentBudget DEFAULT = new UnsentBudget(DEFAULT_TOTAL_MAX, DEFAULT_LOOP_MAX);

    public UnsentBudget {
        if (totalMax < 0) {
            throw new IllegalArgumentException("unsent_bytes_max: " + totalMax + " (expected: >= 0)");
        }
        if (loopMax < 0) {
            throw new IllegalArgumentException("unsent_bytes_loop_max: " + loopMax + " (expected: >= 0)");
        }
    }

    public UnsentBudget withTotalMax(long value) {
        return new UnsentBudget(value, loopMax);
    }

    public UnsentBudget withLoopMax(long value) {
        return new UnsentBudget(totalMax, value);
    }

    /**
     * The effective limits: a quarter of the maximum direct memory for the total (unsent bytes sit in
     * direct buffers, and the rest is needed for reads, TLS and proxying), and for one loop twice its
     * fair share of the total, so one busy loop can use more than its share but never all of it.
     * A configured loop limit above the total is lowered to the total.
     *
     * @return {@code {total, perLoop}}
     */
    public long[] resolve(long maxDirectMemory, int loops) {
        long total = totalMax > 0 ? totalMax
                : Math.max(MIN_DERIVED_TOTAL, maxDirectMemory / DEFAULT_DIRECT_MEMORY_DIVISOR);
        long loop = loopMax > 0 ? loopMax
                : loops <= 2 ? total : Math.max(1, total / loops * 2);
        return new long[] {total, Math.min(loop, total)};
    }
}
