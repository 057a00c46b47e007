package io.holdfast.bench.load;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * A set of subscriber connections through the proxy: opens them with a bounded number of handshakes
 * in flight, counts how each one ended up, and routes what they receive to the current
 * {@link Payload.Sink}.
 *
 * <p>Every wait is bounded by a deadline; a connection that fails is counted under a short reason
 * ({@link Failures}) and, if the reason is a process limit, opening stops there and the limit is named.
 */
public final class SubscriberPool implements ConnectionEvents {

    private final Clients clients;
    private final Subscriber.Kind kind;
    private final List<Subscriber> subs = new ArrayList<>();
    private final Semaphore handshakes;
    private final AtomicInteger attempted = new AtomicInteger();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicInteger closedUnexpectedly = new AtomicInteger();
    private final Map<String, LongAdder> failureReasons = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> closeReasons = new ConcurrentHashMap<>();
    private final Recorder openLatency = new Recorder(3);
    private volatile Payload.Sink sink;
    private volatile boolean closing;
    private volatile String limitMet;

    public SubscriberPool(Clients clients, Subscriber.Kind kind, int maxHandshakes, Payload.Sink sink) {
        this.clients = clients;
        this.kind = kind;
        this.handshakes = new Semaphore(maxHandshakes);
        this.sink = sink;
    }

    public Subscriber add(String channel) {
        Subscriber s = new Subscriber(subs.size(), channel, kind);
        subs.add(s);
        return s;
    }

    public List<Subscriber> subscribers() {
        return Collections.unmodifiableList(subs);
    }

    public void sink(Payload.Sink sink) {
        this.sink = sink;
    }

    @Override
    public Payload.Sink sink() {
        return sink;
    }

    /**
     * Connects every added subscriber that has not been started, waiting for each to open or fail,
     * until the deadline. Stops early when a process limit is met.
     *
     * @return the number that opened
     */
    public int openAll(long deadlineNanos) throws InterruptedException {
        for (Subscriber s : subs) {
            if (s.state != Subscriber.State.NEW) {
                continue;
            }
            if (limitMet != null) {
                break;
            }
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0 || !handshakes.tryAcquire(left, TimeUnit.NANOSECONDS)) {
                break;
            }
            start(s);
        }
        awaitSettled(deadlineNanos);
        return open.get();
    }

    /** Starts one subscriber; a handshake permit must be held and is released when it opens or fails. */
    void start(Subscriber s) {
        attempted.incrementAndGet();
        Connections.start(clients, s, this);
    }

    /** Subscribers whose last attempt failed. */
    public int stillFailed() {
        int n = 0;
        for (Subscriber s : subs) {
            if (s.state == Subscriber.State.FAILED) {
                n++;
            }
        }
        return n;
    }

    /** Makes failed subscribers startable again (their failures stay counted). */
    public void resetFailed() {
        for (Subscriber s : subs) {
            if (s.state == Subscriber.State.FAILED) {
                s.state = Subscriber.State.NEW;
                s.failure = null;
                s.channel = null;
            }
        }
    }

    /** Waits until every started subscriber opened or failed, or the deadline passes. */
    public void awaitSettled(long deadlineNanos) throws InterruptedException {
        while (open.get() + failed.get() + closedUnexpectedly.get() < attempted.get()
                && System.nanoTime() < deadlineNanos) {
            Thread.sleep(20);
        }
    }

    @Override
    public void onOpen(Subscriber s) {
        if (!Connections.opened(s)) {
            return;
        }
        open.incrementAndGet();
        openLatency.recordValue(Math.max(0, (s.openNanos - s.startNanos) / 1000));
        handshakes.release();
    }

    @Override
    public void onFailed(Subscriber s, String reason) {
        if (!Connections.failed(s)) {
            return;
        }
        failed.incrementAndGet();
        failureReasons.computeIfAbsent(reason, k -> new LongAdder()).increment();
        if (limitMet == null && (reason.equals(Failures.FILE_LIMIT) || reason.equals(Failures.NO_PORTS))) {
            limitMet = reason + " after " + open.get() + " open connections";
        }
        handshakes.release();
    }

    @Override
    public void onClosed(Subscriber s, String why) {
        if (!Connections.closed(s)) {
            return;
        }
        open.decrementAndGet();
        if (!closing) {
            closedUnexpectedly.incrementAndGet();
            closeReasons.computeIfAbsent(why, k -> new LongAdder()).increment();
        }
    }

    /** Closes every connection (WebSockets with a close frame) and waits, bounded, for them to go. */
    public void closeAll(long timeoutMillis) throws InterruptedException {
        closing = true;
        for (Subscriber s : subs) {
            Channel ch = s.channel;
            if (ch == null) {
                continue;
            }
            if (s.kind == Subscriber.Kind.WS && ch.isActive()) {
                ch.eventLoop().execute(() -> {
                    ChannelHandlerContext ctx = ch.pipeline().firstContext();
                    if (ctx != null && ctx.handler() instanceof WsClientHandler ws) {
                        ws.close(ctx);
                    } else {
                        ch.close();
                    }
                });
            } else {
                ch.close();
            }
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        for (Subscriber s : subs) {
            Channel ch = s.channel;
            if (ch == null) {
                continue;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                ch.close();
                continue;
            }
            if (!ch.closeFuture().await(TimeUnit.NANOSECONDS.toMillis(left) + 1)) {
                ch.close();
            }
        }
    }

    /** Runs {@code task} for each subscriber on its own event loop and waits for all (bounded). */
    public void forEachOnLoop(java.util.function.Consumer<Subscriber> task, long timeoutMillis)
            throws InterruptedException {
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(subs.size());
        for (Subscriber s : subs) {
            Channel ch = s.channel;
            if (ch == null) {
                task.accept(s);
                done.countDown();
                continue;
            }
            ch.eventLoop().execute(() -> {
                try {
                    task.accept(s);
                } finally {
                    done.countDown();
                }
            });
        }
        if (!done.await(timeoutMillis, TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("event loops did not answer within " + timeoutMillis + " ms");
        }
    }

    public int attempted() {
        return attempted.get();
    }

    public int openCount() {
        return open.get();
    }

    /** Failed connection attempts, retries included. */
    public int failedCount() {
        return failed.get();
    }

    public int closedUnexpectedly() {
        return closedUnexpectedly.get();
    }

    public String limitMet() {
        return limitMet;
    }

    public Map<String, Long> failureReasons() {
        return snapshot(failureReasons);
    }

    public Map<String, Long> closeReasons() {
        return snapshot(closeReasons);
    }

    public Histogram openLatency() {
        return openLatency.getIntervalHistogram();
    }

    private static Map<String, Long> snapshot(Map<String, LongAdder> m) {
        Map<String, Long> out = new TreeMap<>();
        m.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }
}
