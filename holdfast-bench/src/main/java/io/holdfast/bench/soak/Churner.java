package io.holdfast.bench.soak;

import io.holdfast.bench.load.Clients;
import io.holdfast.bench.load.ConnectionEvents;
import io.holdfast.bench.load.Connections;
import io.holdfast.bench.load.Payload;
import io.holdfast.bench.load.Subscriber;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Connect/disconnect cycles: a subscriber (SSE and WebSocket in turn) opens through the proxy and is
 * closed by the client as soon as its response head (or 101) arrives. At most {@code concurrency}
 * cycles are in flight; the caller paces them with {@link #cycle(long)}.
 */
final class Churner implements ConnectionEvents {

    final LongAdder completed = new LongAdder();
    final LongAdder failed = new LongAdder();
    private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
    private final Clients clients;
    private final String channel;
    private final Semaphore inFlight;
    private final AtomicLong next = new AtomicLong();
    private final Payload.Sink ignore = new Payload.Sink() {
        @Override
        public void onPayload(Subscriber from, byte kind, long seq, long sendNanos, long receivedNanos) {
        }

        @Override
        public void onForeign(Subscriber from, String text) {
        }
    };

    Churner(Clients clients, String channel, int concurrency) {
        this.clients = clients;
        this.channel = channel;
        this.inFlight = new Semaphore(concurrency);
    }

    /**
     * Starts one cycle once a slot is free.
     *
     * @return false if no slot freed up within {@code waitMillis}
     */
    boolean cycle(long waitMillis) throws InterruptedException {
        if (!inFlight.tryAcquire(waitMillis, TimeUnit.MILLISECONDS)) {
            return false;
        }
        long n = next.getAndIncrement();
        Subscriber s = Connections.newSubscriber((int) (n & 0x3fffffff), channel,
                n % 2 == 0 ? Subscriber.Kind.SSE : Subscriber.Kind.WS);
        Connections.start(clients, s, this);
        return true;
    }

    /** Waits (bounded) until no cycle is in flight. */
    void drain(int concurrency, long waitMillis) throws InterruptedException {
        if (inFlight.tryAcquire(concurrency, waitMillis, TimeUnit.MILLISECONDS)) {
            inFlight.release(concurrency);
        }
    }

    Map<String, Long> failures() {
        Map<String, Long> out = new TreeMap<>();
        failures.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    @Override
    public void onOpen(Subscriber s) {
        if (Connections.opened(s)) {
            s.channel().close();
        }
    }

    @Override
    public void onFailed(Subscriber s, String reason) {
        if (Connections.failed(s)) {
            failed.increment();
            failures.computeIfAbsent(reason, k -> new LongAdder()).increment();
            inFlight.release();
        }
    }

    @Override
    public void onClosed(Subscriber s, String why) {
        if (Connections.closed(s)) {
            completed.increment();
            inFlight.release();
        }
    }

    @Override
    public Payload.Sink sink() {
        return ignore;
    }
}
