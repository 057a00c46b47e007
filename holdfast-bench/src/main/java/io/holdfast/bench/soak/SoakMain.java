package io.holdfast.bench.soak;

import io.holdfast.bench.Args;
import io.holdfast.bench.Net;
import io.holdfast.bench.load.Clients;
import io.holdfast.bench.load.HttpClientPool;
import io.holdfast.bench.load.Payload;
import io.holdfast.bench.load.Subscriber;
import io.holdfast.bench.load.SubscriberPool;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpMethod;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.BitSet;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;

/**
 * The soak of issue 10: minutes of mixed load against a running Holdfast, then many connect/disconnect
 * cycles, then a markdown report ({@link SoakReport}). Run by {@code bench/soak.sh}, which starts
 * Holdfast (default heap, native memory tracking on) and the bench origin first.
 *
 * <p>During the load: SSE and WebSocket subscribers that keep up (every measured message must reach
 * every one of them exactly once), long-poll clients, subscribers that never read on a flooded channel
 * (the proxy must cut them off), connect/disconnect churn, requests to an origin that never answers,
 * and once a second a probe GET and a fresh probe subscriber (service must never be interrupted).
 * Memory and file descriptors are read before, during and after.
 */
public final class SoakMain {

    static final String KEEP = "soak-keep";
    static final String FLOOD = "soak-flood";
    static final String POLL = "soak-poll";

    private final Args args;
    private final SoakResults r = new SoakResults();
    private final Net net = Net.best();
    private final long start = System.nanoTime();
    private volatile boolean loadRunning = true;

    private SoakMain(Args args) {
        this.args = args;
    }

    public static int main(Args args) throws Exception {
        return new SoakMain(args).run();
    }

    private int run() throws Exception {
        URI proxy = URI.create(args.string("proxy-url", "http://127.0.0.1:17999"));
        URI publish = URI.create(args.string("publish-url", "http://127.0.0.1:17561"));
        long pid = args.longValue("proxy-pid", -1);
        if (pid <= 0) {
            throw new IllegalArgumentException("--proxy-pid is required");
        }
        r.durationSeconds = args.integer("duration", 600);
        r.cyclesWanted = args.integer("cycles", 100_000);
        r.keepUpSse = param("sse", 200);
        r.keepUpWs = param("ws", 100);
        r.pollers = param("pollers", 40);
        r.nonReadersPerSet = param("non-readers", 200);
        int floodItemsPerSecond = param("flood-rate", 200);
        int floodSize = param("flood-size", 2048);
        int keepRate = param("keep-rate", 20);
        int churnRate = param("churn-rate", 50);
        r.cutOffPattern = args.string("cutoff-pattern", "(?i)(dropped|cut off) as a slow subscriber");
        Path log = Path.of(args.string("holdfast-log", "holdfast.log"));
        Path out = Path.of(args.string("out", "docs/soak.md"));
        r.started = Instant.now().toString();
        r.params.put("duration_s", r.durationSeconds);
        r.params.put("cycles", r.cyclesWanted);

        ProcessProbe probe = new ProcessProbe(pid, publish.resolve("/stats"));
        say("baseline reading (after a full GC)");
        probe.fullGc();
        r.baseline = probe.sample("baseline");
        r.samples.add(r.baseline);

        EventLoopGroup loadGroup = net.group(2, "soak-load");
        InetSocketAddress proxyAddr = new InetSocketAddress(proxy.getHost(), proxy.getPort());
        Clients clients = new Clients(net, loadGroup, proxy.getHost(), proxy.getPort(), 8);
        HttpClientPool publisher = new HttpClientPool(net, loadGroup, publish.toString(), 8);
        StallOrigin stall = new StallOrigin(net, loadGroup, args.integer("stall-port", 17081));
        long loadStart = System.nanoTime();
        try {
            load(probe, clients, proxyAddr, proxy, publisher, floodItemsPerSecond, floodSize, keepRate, churnRate);
        } finally {
            r.stallConnectionsAccepted = stall.accepted.sum();
            loadGroup.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
        }
        r.loadSeconds = (System.nanoTime() - loadStart) / 1e9;
        settle(probe);
        r.afterLoad = probe.sample("after the load (clients gone, full GC)");
        r.samples.add(r.afterLoad);

        cycles(proxy);
        settle(probe);
        r.afterCycles = probe.sample("after " + r.cyclesDone + " connect/disconnect cycles (full GC)");
        r.samples.add(r.afterCycles);
        r.serverAliveAtEnd = probe.alive();
        readLog(log);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, new SoakReport(r).markdown());
        say("report written to %s", out);
        return 0;
    }

    private int param(String name, int def) {
        int v = args.integer(name, def);
        r.params.put(name, v);
        return v;
    }

    private void load(ProcessProbe probe, Clients clients, InetSocketAddress proxyAddr, URI proxy,
                      HttpClientPool publisher, int floodItemsPerSecond, int floodSize, int keepRate, int churnRate)
            throws Exception {
        KeepUpSink keep = new KeepUpSink();
        SubscriberPool sse = new SubscriberPool(clients, Subscriber.Kind.SSE, 50, keep);
        SubscriberPool ws = new SubscriberPool(clients, Subscriber.Kind.WS, 50, keep);
        for (int i = 0; i < r.keepUpSse; i++) {
            sse.add(KEEP);
        }
        for (int i = 0; i < r.keepUpWs; i++) {
            ws.add(KEEP);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        sse.openAll(deadline);
        ws.openAll(deadline);
        say("keep-up subscribers open: %d SSE, %d WebSocket", sse.openCount(), ws.openCount());
        long liveBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < liveBy && !allProbed(keep, sse, ws)) {
            publisher.post("/publish/", Items.body(Items.stream(KEEP, Payload.text(Payload.PROBE, 0, System.nanoTime(), 0))),
                    2000).get(5, TimeUnit.SECONDS);
            Thread.sleep(300);
        }

        HttpClientPool probes = new HttpClientPool(net, clients.group(), proxy.toString(), 4);
        HttpClientPool polls = new HttpClientPool(net, clients.group(), proxy.toString(), r.pollers + 4);
        HttpClientPool stalls = new HttpClientPool(net, clients.group(), proxy.toString(), 300);
        NonReaders nonReaders = new NonReaders(net, clients.group(), proxyAddr, "/sse?channel=" + FLOOD,
                r.nonReadersPerSet);
        Churner churn = new Churner(clients, "soak-churn", 20);
        ScheduledExecutorService timers = Executors.newScheduledThreadPool(4);
        ScheduledExecutorService probeTimer = Executors.newSingleThreadScheduledExecutor();
        BitSet published = new BitSet();
        AtomicLong seq = new AtomicLong();
        LongAdder measuredFailures = new LongAdder();
        LongAdder floodFailures = new LongAdder();
        LongAdder floodPublishes = new LongAdder();
        AtomicLong stallSeq = new AtomicLong();
        ConcurrentHashMap<String, LongAdder> stallOutcomes = new ConcurrentHashMap<>();
        LongAdder pollDelivered = new LongAdder();
        LongAdder pollTimeouts = new LongAdder();
        LongAdder pollErrors = new LongAdder();
        ProbeLoop probeLoop = new ProbeLoop(clients, publisher, probes, r, start);

        timers.scheduleAtFixedRate(() -> {
            long n = seq.getAndIncrement();
            String payload = Payload.text(Payload.MEASURED, n, System.nanoTime(), 200);
            publisher.post("/publish/", Items.body(Items.stream(KEEP, payload)), 2000).whenComplete((res, e) -> {
                if (e == null && res.ok()) {
                    synchronized (published) {
                        published.set((int) n);
                    }
                } else {
                    measuredFailures.increment();
                }
            });
        }, 0, 1000 / keepRate, TimeUnit.MILLISECONDS);
        int floodBatch = Math.max(1, floodItemsPerSecond / 10);
        String filler = "f".repeat(floodSize);
        timers.scheduleAtFixedRate(() -> {
            String[] items = new String[floodBatch];
            for (int i = 0; i < floodBatch; i++) {
                items[i] = Items.stream(FLOOD, filler);
            }
            floodPublishes.increment();
            publisher.post("/publish/", Items.body(items), 2000).whenComplete((res, e) -> {
                if (e != null || !res.ok()) {
                    floodFailures.increment();
                }
            });
        }, 0, 100, TimeUnit.MILLISECONDS);
        AtomicLong pollSeq = new AtomicLong();
        timers.scheduleAtFixedRate(() -> publisher.post("/publish/",
                Items.body(Items.response(POLL, "poll " + pollSeq.incrementAndGet() + "\n")), 2000),
                500, 1000, TimeUnit.MILLISECONDS);
        timers.scheduleAtFixedRate(() -> stalls.send(HttpMethod.GET, "/stall/" + stallSeq.incrementAndGet(), null, null, 100)
                .orTimeout(150, TimeUnit.SECONDS)
                .whenComplete((res, e) -> stallOutcomes.computeIfAbsent(e != null ? "no answer: "
                        + e.getClass().getSimpleName() : "HTTP " + res.status(), k -> new LongAdder()).increment()),
                0, 500, TimeUnit.MILLISECONDS);
        timers.scheduleAtFixedRate(nonReaders::refresh, 0, 60, TimeUnit.SECONDS);
        timers.scheduleAtFixedRate(() -> {
            ProcessProbe.Sample s = probe.sample(String.format(Locale.ROOT, "under load, t=%.0fs", elapsed()));
            synchronized (r) {
                r.samples.add(s);
            }
            say("rss %d MiB, heap used %d MiB, direct %d MiB, fds %d, stats %s", s.rssKib() / 1024,
                    s.heapUsedKib() / 1024, s.directKib() / 1024, s.fds(), s.stats());
        }, 30, 30, TimeUnit.SECONDS);
        probeTimer.scheduleAtFixedRate(probeLoop::once, 1, 1, TimeUnit.SECONDS);
        for (int i = 0; i < r.pollers; i++) {
            poll(polls, timers, pollDelivered, pollTimeouts, pollErrors);
        }
        Thread churner = new Thread(() -> {
            try {
                while (loadRunning) {
                    churn.cycle(1000);
                    Thread.sleep(1000 / Math.max(1, churnRate));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "soak-churn");
        churner.start();

        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(r.durationSeconds);
        while (System.nanoTime() < end) {
            Thread.sleep(1000);
        }
        say("load done; stopping publishers and checking the keep-up subscribers");
        loadRunning = false;
        churner.join(5000);
        probeTimer.shutdown();
        probeTimer.awaitTermination(30, TimeUnit.SECONDS);
        timers.shutdown();
        timers.awaitTermination(30, TimeUnit.SECONDS);

        // Every measured message accepted by the publish API must reach every keep-up subscriber still open.
        BitSet pub;
        synchronized (published) {
            pub = (BitSet) published.clone();
        }
        long checkBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < checkBy && missing(keep, sse, ws, pub) > 0) {
            Thread.sleep(200);
        }
        r.measuredPublished = pub.cardinality();
        r.measuredPublishFailures = measuredFailures.sum();
        for (SubscriberPool pool : new SubscriberPool[] {sse, ws}) {
            for (Subscriber s : pool.subscribers()) {
                if (s.isOpen()) {
                    r.keepUpOpenAtEnd++;
                    int m = keep.missing(s, pub);
                    r.keepUpMissing += m;
                    r.keepUpSubscribersMissing += m > 0 ? 1 : 0;
                } else {
                    r.keepUpClosedEarly++;
                }
            }
        }
        r.keepUpDuplicates = keep.duplicates.sum();
        r.keepUpMaxLatencyMs = keep.maxLatencyNanos.get() / 1e6;
        r.pollDelivered = pollDelivered.sum();
        r.pollTimeouts = pollTimeouts.sum();
        r.pollErrors = pollErrors.sum();
        r.nonReadersOpened = nonReaders.opened.sum();
        r.floodPublishes = floodPublishes.sum();
        r.floodItems = r.floodPublishes * floodBatch;
        r.floodPublishFailures = floodFailures.sum();
        r.churnCycles = churn.completed.sum();
        r.churnFailures = churn.failed.sum();
        r.churnFailureReasons.putAll(churn.failures());
        r.stallRequests = stallSeq.get();
        stallOutcomes.forEach((k, v) -> r.stallOutcomes.put(k, v.sum()));
        r.stallOutcomes.put("still waiting when the load stopped",
                r.stallRequests - stallOutcomes.values().stream().mapToLong(LongAdder::sum).sum());
        Long cut = probe.stats().get("slow_subscribers_dropped");
        r.cutOffCounter = cut == null ? -1 : cut;
        ProcessProbe.Sample atEnd = probe.sample("end of the load (clients still connected)");
        r.samples.add(atEnd);
        nonReaders.closeAll();
        sse.closeAll(5000);
        ws.closeAll(5000);
        probes.close();
        polls.close();
        stalls.close();
        publisher.close();
    }

    private void poll(HttpClientPool polls, ScheduledExecutorService timers, LongAdder delivered, LongAdder timeouts,
                      LongAdder errors) {
        if (!loadRunning) {
            return;
        }
        polls.send(HttpMethod.GET, "/poll?channel=" + POLL + "&timeout=20", null, null, 5000)
                .orTimeout(60, TimeUnit.SECONDS)
                .whenCompleteAsync((res, e) -> {
                    if (e != null || res.status() != 200) {
                        errors.increment();
                    } else if (res.body().startsWith("poll ")) {
                        delivered.increment();
                    } else {
                        timeouts.increment();
                    }
                    poll(polls, timers, delivered, timeouts, errors);
                }, command -> {
                    if (!timers.isShutdown()) {
                        timers.execute(command);
                    }
                });
    }

    private void cycles(URI proxy) throws InterruptedException {
        EventLoopGroup group = net.group(2, "soak-cycles");
        try {
            Clients clients = new Clients(net, group, proxy.getHost(), proxy.getPort(), 16);
            int concurrency = 64;
            Churner c = new Churner(clients, "soak-cycles", concurrency);
            long limit = System.nanoTime() + TimeUnit.SECONDS.toNanos(args.integer("cycles-time-limit", 1800));
            long t0 = System.nanoTime();
            long started = 0;
            say("%d connect/disconnect cycles", r.cyclesWanted);
            while (started < r.cyclesWanted && System.nanoTime() < limit) {
                if (c.cycle(1000)) {
                    started++;
                    if (started % 20_000 == 0) {
                        say("%d cycles started, %d done, %d failed", started, c.completed.sum(), c.failed.sum());
                    }
                }
            }
            c.drain(concurrency, 30_000);
            r.cycleSeconds = (System.nanoTime() - t0) / 1e9;
            r.cyclesDone = c.completed.sum();
            r.cyclesFailed = c.failed.sum();
            r.cycleFailureReasons.putAll(c.failures());
        } finally {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /**
     * Lets closed connections finish closing, then a full GC, so readings compare live data. The
     * default wait outlasts {@code origin_idle_timeout} (55 s): until then the origin keep-alive pool
     * legitimately holds the connections the load opened, which would read as leaked descriptors.
     */
    private void settle(ProcessProbe probe) throws InterruptedException {
        Thread.sleep(TimeUnit.SECONDS.toMillis(args.integer("settle", 70)));
        probe.fullGc();
        Thread.sleep(1000);
    }

    /**
     * Counts the cut-off lines (those matching the pattern), and for each cut-off connection
     * ({@code conn=<id>} in its cut-off line) every other line about that connection outside the
     * access log, to check "one log line per cut-off" rather than one line per failed write.
     */
    private void readLog(Path log) {
        Pattern cut = Pattern.compile(r.cutOffPattern);
        Pattern conn = Pattern.compile("conn=(\\d+)");
        java.util.Map<String, Integer> perConn = new java.util.HashMap<>();
        try {
            try (var lines = Files.lines(log)) {
                lines.forEach(line -> {
                    r.logLines++;
                    r.logBytes += line.length() + 1;
                    // the access log's own line for the aborted request ("aborted: cut off") is not a second report
                    if (cut.matcher(line).find() && !line.contains(" access - ")) {
                        r.cutOffLogLines++;
                        java.util.regex.Matcher m = conn.matcher(line);
                        if (m.find()) {
                            perConn.put(m.group(1), 0);
                        }
                        if (r.logSamples.size() < 2) {
                            r.logSamples.add(line);
                        }
                    }
                });
            }
            try (var lines = Files.lines(log)) {
                lines.forEach(line -> {
                    java.util.regex.Matcher m = conn.matcher(line);
                    if (m.find() && perConn.containsKey(m.group(1)) && !line.contains(" access - ")) {
                        int n = perConn.merge(m.group(1), 1, Integer::sum);
                        if (n == 2 && r.logSamples.size() < 4) {
                            r.logSamples.add(line);
                        }
                    }
                });
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            r.logSamples.add("cannot read " + log + ": " + e.getMessage());
        }
        r.cutOffConnections = perConn.size();
        r.maxLinesPerCutOff = perConn.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    }

    private static boolean allProbed(KeepUpSink keep, SubscriberPool... pools) {
        for (SubscriberPool p : pools) {
            for (Subscriber s : p.subscribers()) {
                if (s.isOpen() && !keep.isProbed(s)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static long missing(KeepUpSink keep, SubscriberPool a, SubscriberPool b, BitSet published) {
        long n = 0;
        for (SubscriberPool p : new SubscriberPool[] {a, b}) {
            for (Subscriber s : p.subscribers()) {
                if (s.isOpen()) {
                    n += keep.missing(s, published);
                }
            }
        }
        return n;
    }

    private double elapsed() {
        return (System.nanoTime() - start) / 1e9;
    }

    private void say(String format, Object... a) {
        System.out.printf(Locale.ROOT, "[soak %6.0fs] %s%n", elapsed(), String.format(Locale.ROOT, format, a));
    }
}
