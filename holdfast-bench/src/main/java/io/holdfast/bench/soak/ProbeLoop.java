package io.holdfast.bench.soak;

import io.holdfast.bench.load.Clients;
import io.holdfast.bench.load.ConnectionEvents;
import io.holdfast.bench.load.Connections;
import io.holdfast.bench.load.HttpClientPool;
import io.holdfast.bench.load.Payload;
import io.holdfast.bench.load.Subscriber;
import io.netty.handler.codec.http.HttpMethod;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The once-a-second service check: a GET through the proxy to the origin, then a brand-new SSE
 * subscriber that must open and receive a message published to its own channel. Either taking longer
 * than {@link #LIMIT_SECONDS} (or failing) is an interruption, recorded with its time.
 */
final class ProbeLoop {

    static final int LIMIT_SECONDS = 10;

    private final Clients clients;
    private final HttpClientPool publisher;
    private final HttpClientPool gets;
    private final SoakResults r;
    private final long start;
    private int n;

    ProbeLoop(Clients clients, HttpClientPool publisher, HttpClientPool gets, SoakResults r, long start) {
        this.clients = clients;
        this.publisher = publisher;
        this.gets = gets;
        this.r = r;
        this.start = start;
    }

    void once() {
        try {
            probeGet();
            probeSubscriber();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            interruption("probe error: " + e);
        }
    }

    private void probeGet() {
        long t0 = System.nanoTime();
        r.probeGets++;
        try {
            HttpClientPool.Response res = gets.send(HttpMethod.GET, "/plain", null, null, LIMIT_SECONDS * 1000L)
                    .get(LIMIT_SECONDS, TimeUnit.SECONDS);
            double ms = (System.nanoTime() - t0) / 1e6;
            r.probeGetMaxMs = Math.max(r.probeGetMaxMs, ms);
            if (res.status() != 200) {
                r.probeGetFailures++;
                interruption("probe GET answered " + res.status());
            }
        } catch (Exception e) {
            r.probeGetFailures++;
            interruption("probe GET: " + e.getClass().getSimpleName() + " after "
                    + Math.round((System.nanoTime() - t0) / 1e6) + " ms");
        }
    }

    private void probeSubscriber() throws InterruptedException {
        String channel = "soak-probe-" + (n++);
        CountDownLatch opened = new CountDownLatch(1);
        CountDownLatch received = new CountDownLatch(1);
        Payload.Sink sink = new Payload.Sink() {
            @Override
            public void onPayload(Subscriber from, byte kind, long seq, long sendNanos, long receivedNanos) {
                received.countDown();
            }

            @Override
            public void onForeign(Subscriber from, String text) {
            }
        };
        Subscriber s = Connections.newSubscriber(n, channel, Subscriber.Kind.SSE);
        long t0 = System.nanoTime();
        r.probeSubs++;
        Connections.start(clients, s, new ConnectionEvents() {
            @Override
            public void onOpen(Subscriber sub) {
                if (Connections.opened(sub)) {
                    opened.countDown();
                }
            }

            @Override
            public void onFailed(Subscriber sub, String reason) {
                Connections.failed(sub);
            }

            @Override
            public void onClosed(Subscriber sub, String why) {
                Connections.closed(sub);
            }

            @Override
            public Payload.Sink sink() {
                return sink;
            }
        });
        long deadline = t0 + TimeUnit.SECONDS.toNanos(LIMIT_SECONDS);
        boolean ok = opened.await(LIMIT_SECONDS, TimeUnit.SECONDS);
        // Publish until it arrives: the response head may come a moment before the subscription is live.
        while (ok && received.getCount() > 0 && System.nanoTime() < deadline) {
            publisher.post("/publish/", Items.body(Items.stream(channel,
                    Payload.text(Payload.PROBE, 0, System.nanoTime(), 0))), 1000);
            received.await(250, TimeUnit.MILLISECONDS);
        }
        ok = ok && received.getCount() == 0;
        double ms = (System.nanoTime() - t0) / 1e6;
        if (s.channel() != null) {
            s.channel().close();
        }
        if (ok) {
            r.probeSubMaxMs = Math.max(r.probeSubMaxMs, ms);
        } else {
            r.probeSubFailures++;
            interruption("probe subscriber " + channel + ": " + (opened.getCount() > 0 ? "did not open" : "got nothing")
                    + " within " + LIMIT_SECONDS + " s" + (s.failure() != null ? " (" + s.failure() + ")" : ""));
        }
    }

    private void interruption(String what) {
        String line = String.format(Locale.ROOT, "t=%.0fs: %s", (System.nanoTime() - start) / 1e9, what);
        synchronized (r) {
            if (r.interruptions.size() < 50) {
                r.interruptions.add(line);
            }
        }
    }
}
