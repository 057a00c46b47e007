package io.holdfast.server.proxy;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logback's {@link AsyncAppender} for the {@code holdfast.access} logger, with the lines it refuses counted.
 *
 * <p>The access log used to be written synchronously on the event loop, which halved proxied throughput.
 * With this appender the event loop only puts the finished line into a bounded queue; a single worker
 * thread formats and writes it. The appender never blocks ({@code neverBlock}): when the queue is full the
 * line is dropped and counted in {@link #dropped()}, and a warning naming the running total is written on
 * the {@code holdfast.access.dropped} logger (at most once a second) so a loss is never silent. Configure it
 * in {@code logback.xml} with {@code discardingThreshold=0} so that no INFO line is discarded early.
 */
public final class AccessLogAppender extends AsyncAppender {
    private static final LongAdder DROPPED = new LongAdder();
    private static final long REPORT_INTERVAL_NANOS = 1_000_000_000L;
    private static final Logger DROP_LOG = LoggerFactory.getLogger("holdfast.access.dropped");

    private volatile long lastReportNanos = System.nanoTime() - REPORT_INTERVAL_NANOS;

    public AccessLogAppender() {
        setNeverBlock(true);
        setDiscardingThreshold(0);
    }

    /** Lines refused since start because the queue was full (all instances together). */
    public static long dropped() {
        return DROPPED.sum();
    }

    @Override
    protected void append(ILoggingEvent event) {
        // The queue's offer() result is not visible to subclasses; a full queue seen here means the line
        // would be refused, so it is counted and skipped (a race with the worker can only under-count).
        if (isStarted() && getRemainingCapacity() == 0) {
            DROPPED.increment();
            reportDrops();
            return;
        }
        super.append(event);
    }

    private void reportDrops() {
        long now = System.nanoTime();
        long last = lastReportNanos;
        if (now - last >= REPORT_INTERVAL_NANOS) {
            lastReportNanos = now;
            DROP_LOG.warn("access log queue full: {} lines dropped since start", DROPPED.sum());
        }
    }
}
