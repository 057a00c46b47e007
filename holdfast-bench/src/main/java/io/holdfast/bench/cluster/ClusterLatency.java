package io.holdfast.bench.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Publish-to-deliver latency through one node or across nodes: SSE subscribers on one node's
 * {@code /sse?channel=bench} (the built-in test target) and a publisher posting at a fixed rate, over
 * a few keep-alive connections, to a (possibly other) node's publish API; each item carries its send
 * time and both ends live in this process, so one clock. Plain sockets on both sides keep the load
 * generator's own cost small next to what it measures. Prints p50/p90/p99/p99.9/max in microseconds,
 * refused publishes and deliveries missing.
 *
 * <pre>java -cp holdfast-bench.jar io.holdfast.bench.cluster.ClusterLatency \
 *     SUB_BASE_URL PUBLISH_URL RATE SECONDS [SUBSCRIBERS] [WARMUP_SECONDS]</pre>
 */
public final class ClusterLatency {
    /**
     * Publishers wait for their answer before the next request on a connection (as HTTP clients do;
     * Netty's server codec refuses more than 128 pipelined requests), so the fixed rate is kept by
     * spreading requests over enough connections.
     */
    private static final int PUBLISH_CONNECTIONS = 32;

    private ClusterLatency() {}

    public static void main(String[] args) throws Exception {
        URI sub = URI.create(args[0]);
        URI pub = URI.create(args[1]);
        int rate = Integer.parseInt(args[2]);
        int seconds = Integer.parseInt(args[3]);
        int subscribers = args.length > 4 ? Integer.parseInt(args[4]) : 1;
        int warmup = args.length > 5 ? Integer.parseInt(args[5]) : 3;
        Recorder recorder = new Recorder(3);
        AtomicLong measureFrom = new AtomicLong(Long.MAX_VALUE);
        CountDownLatch opened = new CountDownLatch(subscribers);
        for (int i = 0; i < subscribers; i++) {
            Thread t = new Thread(() -> subscribe(sub, opened, recorder, measureFrom), "sse-" + i);
            t.setDaemon(true);
            t.start();
        }
        if (!opened.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("subscribers did not open");
        }
        Thread.sleep(1000); // a cluster node subscribes in Redis right after the first local subscriber

        AtomicLong ok = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        AtomicLong pipelined = new AtomicLong();
        java.util.concurrent.atomic.AtomicIntegerArray busy = new java.util.concurrent.atomic.AtomicIntegerArray(PUBLISH_CONNECTIONS);
        Socket[] conns = new Socket[PUBLISH_CONNECTIONS];
        OutputStream[] outs = new OutputStream[PUBLISH_CONNECTIONS];
        for (int i = 0; i < conns.length; i++) {
            conns[i] = new Socket(pub.getHost(), pub.getPort());
            conns[i].setTcpNoDelay(true);
            outs[i] = conns[i].getOutputStream();
            InputStream in = conns[i].getInputStream();
            int index = i;
            Thread t = new Thread(() -> countAnswers(in, ok, refused, busy, index), "pub-answers-" + i);
            t.setDaemon(true);
            t.start();
        }
        long period = 1_000_000_000L / rate;
        long start = System.nanoTime();
        long from = start + TimeUnit.SECONDS.toNanos(warmup);
        long end = from + TimeUnit.SECONDS.toNanos(seconds);
        long sent = 0;
        long measured = 0;
        for (long next = start; next < end; next += period) {
            long wait;
            while ((wait = next - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            long now = System.nanoTime();
            if (now >= from) {
                measureFrom.compareAndSet(Long.MAX_VALUE, now);
                measured++;
            }
            String body = "{\"items\":[{\"channel\":\"bench\",\"formats\":{\"http-stream\":{\"content\":\"data: "
                    + now + "\\n\\n\"}}}]}";
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            String head = "POST " + pub.getPath() + " HTTP/1.1\r\nHost: " + pub.getHost() + "\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + b.length + "\r\n\r\n";
            int c = (int) (sent % outs.length);
            for (int k = 0; k < outs.length && busy.get(c) > 0; k++) {
                c = (c + 1) % outs.length;
            }
            if (busy.getAndIncrement(c) > 0) {
                pipelined.incrementAndGet(); // every connection had a request in flight
            }
            OutputStream out = outs[c];
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(b);
            out.flush();
            sent++;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (ok.get() + refused.get() < sent && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1)); // the last deliveries
        Histogram h = recorder.getIntervalHistogram();
        System.out.printf("publishes %d at %d/s (measured %d; answered 200: %d, refused: %d, pipelined: %d), subscribers %d, "
                        + "deliveries measured %d of %d expected%n",
                sent, rate, measured, ok.get(), refused.get(), pipelined.get(), subscribers, h.getTotalCount(),
                measured * subscribers);
        System.out.printf("latency_us p50=%d p90=%d p99=%d p99.9=%d max=%d%n",
                h.getValueAtPercentile(50) / 1000, h.getValueAtPercentile(90) / 1000, h.getValueAtPercentile(99) / 1000,
                h.getValueAtPercentile(99.9) / 1000, h.getMaxValue() / 1000);
        System.exit(0);
    }

    /** Counts status lines of the pipelined answers (bodies are short text lines, never "HTTP/1.1 "). */
    private static void countAnswers(InputStream in, AtomicLong ok, AtomicLong refused,
            java.util.concurrent.atomic.AtomicIntegerArray busy, int index) {
        StringBuilder line = new StringBuilder();
        byte[] buf = new byte[8192];
        try {
            int n;
            while ((n = in.read(buf)) > 0) {
                for (int i = 0; i < n; i++) {
                    char c = (char) buf[i];
                    if (c != '\n') {
                        line.append(c);
                        continue;
                    }
                    if (line.indexOf("HTTP/1.1 ") == 0) {
                        (line.indexOf("HTTP/1.1 200") == 0 ? ok : refused).incrementAndGet();
                        busy.decrementAndGet(index);
                    }
                    line.setLength(0);
                }
            }
        } catch (IOException e) {
            System.err.println("publish connection failed: " + e);
        }
    }

    private static void subscribe(URI base, CountDownLatch opened, Recorder recorder, AtomicLong measureFrom) {
        try (Socket s = new Socket(base.getHost(), base.getPort())) {
            s.getOutputStream().write(("GET /sse?channel=bench HTTP/1.1\r\nHost: " + base.getHost() + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            opened.countDown();
            InputStream in = s.getInputStream();
            StringBuilder line = new StringBuilder();
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) > 0) {
                long now = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    char c = (char) buf[i];
                    if (c != '\n') {
                        line.append(c);
                        continue;
                    }
                    if (line.indexOf("data: ") == 0) {
                        long t = Long.parseLong(line.substring(6).trim());
                        if (t >= measureFrom.get()) {
                            recorder.recordValue(Math.max(0, now - t));
                        }
                    }
                    line.setLength(0);
                }
            }
        } catch (IOException e) {
            System.err.println("subscriber failed: " + e);
        }
    }
}
