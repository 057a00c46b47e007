package io.holdfast.server.testing;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;

/**
 * Records Netty's {@code LEAK:} reports so that a leak fails the build instead of scrolling past in
 * the log. Logback attaches it to {@code io.netty.util.ResourceLeakDetector} in
 * {@code logback-test.xml}; {@link FailOnLeaks} asks it after every test class. The surefire
 * {@code argLine} sets {@code io.netty.leakDetection.level=paranoid}, so every buffer is tracked.
 */
public final class LeakReports extends AppenderBase<ILoggingEvent> {
    private static final List<String> REPORTS = new ArrayList<>();

    @Override
    protected void append(ILoggingEvent event) {
        String message = event.getFormattedMessage();
        if (message != null && message.startsWith("LEAK:")) {
            synchronized (REPORTS) {
                REPORTS.add(message);
            }
        }
    }

    /** The reports recorded so far, which are forgotten. */
    public static List<String> drain() {
        synchronized (REPORTS) {
            List<String> out = new ArrayList<>(REPORTS);
            REPORTS.clear();
            return out;
        }
    }

    /** How many reports are waiting. */
    public static int pending() {
        synchronized (REPORTS) {
            return REPORTS.size();
        }
    }

    /**
     * Makes Netty report buffers that are already unreachable: a garbage collection, a wait (bounded)
     * until the JVM has queued the references it cleared, then one tracked allocation, which is when
     * Netty's detector reads its queue and logs.
     */
    public static void collect() {
        ReferenceQueue<Object> queue = new ReferenceQueue<>();
        WeakReference<Object> sentinel = new WeakReference<>(new Object(), queue);
        Awaitility.await("a garbage collection").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(() -> {
                    System.gc();
                    return queue.poll() != null;
                });
        sentinel.clear();
        ByteBuf probe = UnpooledByteBufAllocator.DEFAULT.directBuffer(1); // its heap buffers are not tracked
        probe.release();
    }
}
