package io.holdfast.server.publish;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.holdfast.grip.tnetstring.TNetStrings;
import io.holdfast.server.config.HandlerSettings;
import io.holdfast.server.pubsub.PubSub;
import io.holdfast.server.pubsub.Subscriptions;
import io.holdfast.server.stats.Counters;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Pushpin's stats feed (spec 6.1) for the {@code stats_spec} PUB socket: {@code sub} packets while a
 * (mode, channel) has subscribers, refreshed before their {@code stats_subscription_ttl} runs out and
 * withdrawn with {@code unavailable: true} (a long-poll channel only after {@code subscription_linger},
 * since long-poll clients come straight back); {@code conn} packets for each held request or
 * WebSocket, the connections the broker knows, refreshed within {@code stats_connection_ttl}; and a
 * {@code report} every {@code stats_report_interval}. Each packet is one frame, {@code <type> T<tnetstring>}
 * or, with {@code stats_format=json}, {@code <type> J<json>}; every packet carries {@code from}.
 *
 * <p>Event loops only {@link #offer} events (bounded, {@value #MAX_QUEUED}; refusals are counted in
 * {@link #dropped()}); everything else runs on the ZeroMQ thread, which owns the socket.
 */
final class ZmqStats {
    static final int MAX_QUEUED = 10_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Event(String mode, String channel, boolean available) {}

    private final HandlerSettings settings;
    private final Counters counters;
    private final String from;
    private final Consumer<byte[]> send;
    private final ConcurrentLinkedQueue<Event> events = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final LongAdder dropped = new LongAdder();
    // ZeroMQ thread only:
    private final Map<String, Long> liveSubs = new HashMap<>();       // "mode channel" -> next refresh
    private final Map<String, Long> lingeringSubs = new HashMap<>();  // "mode channel" -> withdraw at
    private final Map<String, Long> liveConns = new HashMap<>();      // id -> next refresh
    private final Map<String, String> connTypes = new HashMap<>();
    private long nextReport;
    private long reportStart;
    private long lastReceived;
    private long lastSent;
    private int peakConnections;

    /** @param send writes one frame on the PUB socket (ZeroMQ thread) */
    ZmqStats(HandlerSettings settings, Counters counters, Consumer<byte[]> send) {
        this.settings = settings;
        this.counters = counters;
        this.send = send;
        this.from = "holdfast_" + ProcessHandle.current().pid();
        long now = System.nanoTime();
        this.reportStart = now;
        this.nextReport = now + settings.statsReportInterval().toNanos();
        this.lastReceived = counters.publishRequests.sum();
        this.lastSent = counters.deliveries.sum();
    }

    /** The listener to install on {@link PubSub}; calls {@code wake} after queueing. Any loop. */
    PubSub.SubscriptionListener listener(Runnable wake) {
        return (mode, channel, available) -> {
            if (channel.startsWith(Subscriptions.USER_CHANNEL_PREFIX)) {
                return;
            }
            if (queued.incrementAndGet() > MAX_QUEUED) {
                queued.decrementAndGet();
                dropped.increment();
                return;
            }
            events.add(new Event(mode, channel, available));
            wake.run();
        };
    }

    /** Stats events refused because the queue was full. */
    long dropped() {
        return dropped.sum();
    }

    /** ZeroMQ thread: sends what happened and what is due; returns the millis until the next due time. */
    long run(long now) {
        Event e;
        while ((e = events.poll()) != null) {
            queued.decrementAndGet();
            apply(e, now);
        }
        for (Iterator<Map.Entry<String, Long>> it = lingeringSubs.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Long> l = it.next();
            if (l.getValue() - now <= 0) {
                it.remove();
                int space = l.getKey().indexOf(' ');
                sendSubGone(l.getKey().substring(0, space), l.getKey().substring(space + 1));
            }
        }
        for (Map.Entry<String, Long> s : liveSubs.entrySet()) {
            if (s.getValue() - now <= 0) {
                int space = s.getKey().indexOf(' ');
                sendSub(s.getKey().substring(0, space), s.getKey().substring(space + 1));
                s.setValue(now + refreshEvery(settings.statsSubscriptionTtl().toNanos()));
            }
        }
        for (Map.Entry<String, Long> c : liveConns.entrySet()) {
            if (c.getValue() - now <= 0) {
                sendConn(c.getKey(), connTypes.get(c.getKey()));
                c.setValue(now + refreshEvery(settings.statsConnectionTtl().toNanos()));
            }
        }
        if (nextReport - now <= 0) {
            report(now);
        }
        long next = nextReport;
        for (long t : liveSubs.values()) {
            next = earlier(next, t, now);
        }
        for (long t : lingeringSubs.values()) {
            next = earlier(next, t, now);
        }
        for (long t : liveConns.values()) {
            next = earlier(next, t, now);
        }
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(next - now) + 1);
    }

    private static long earlier(long a, long b, long now) {
        return b - now < a - now ? b : a;
    }

    /** Refreshed at three quarters of the TTL, so a listener never sees it lapse. */
    private static long refreshEvery(long ttlNanos) {
        return ttlNanos - ttlNanos / 4;
    }

    private void apply(Event e, long now) {
        if (e.channel().startsWith(Subscriptions.CONNECTION_CHANNEL_PREFIX)) {
            String id = e.channel().substring(Subscriptions.CONNECTION_CHANNEL_PREFIX.length());
            String type = e.mode().equals("ws") ? "ws" : "http";
            if (e.available()) {
                connTypes.put(id, type);
                liveConns.put(id, now + refreshEvery(settings.statsConnectionTtl().toNanos()));
                peakConnections = Math.max(peakConnections, liveConns.size());
                sendConn(id, type);
            } else if (liveConns.remove(id) != null) {
                connTypes.remove(id);
                Map<String, Object> p = packet();
                p.put("id", id);
                p.put("unavailable", true);
                emit("conn", p);
            }
            return;
        }
        String key = e.mode() + ' ' + e.channel();
        if (e.available()) {
            boolean wasLingering = lingeringSubs.remove(key) != null;
            if (liveSubs.put(key, now + refreshEvery(settings.statsSubscriptionTtl().toNanos())) == null
                    && !wasLingering) {
                sendSub(e.mode(), e.channel());
            }
        } else if (liveSubs.remove(key) != null) {
            long linger = settings.subscriptionLinger().toNanos();
            if (e.mode().equals("response") && linger > 0) {
                lingeringSubs.put(key, now + linger); // Pushpin lingers response-mode subscriptions only
            } else {
                sendSubGone(e.mode(), e.channel());
            }
        }
    }

    private void sendSub(String mode, String channel) {
        Map<String, Object> p = packet();
        p.put("mode", mode);
        p.put("channel", channel);
        p.put("ttl", settings.statsSubscriptionTtl().toSeconds());
        emit("sub", p);
    }

    private void sendSubGone(String mode, String channel) {
        Map<String, Object> p = packet();
        p.put("mode", mode);
        p.put("channel", channel);
        p.put("unavailable", true);
        emit("sub", p);
    }

    private void sendConn(String id, String type) {
        Map<String, Object> p = packet();
        p.put("id", id);
        p.put("type", type);
        p.put("ttl", settings.statsConnectionTtl().toSeconds());
        emit("conn", p);
    }

    private void report(long now) {
        long received = counters.publishRequests.sum();
        long sent = counters.deliveries.sum();
        Map<String, Object> p = packet();
        p.put("connections", Math.max(peakConnections, liveConns.size()));
        p.put("received", received - lastReceived);
        p.put("sent", sent - lastSent);
        p.put("duration", TimeUnit.NANOSECONDS.toMillis(now - reportStart));
        emit("report", p);
        lastReceived = received;
        lastSent = sent;
        peakConnections = liveConns.size();
        reportStart = now;
        nextReport = now + settings.statsReportInterval().toNanos();
    }

    private Map<String, Object> packet() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("from", from);
        return p;
    }

    private void emit(String type, Map<String, Object> packet) {
        byte[] body;
        char marker;
        if (settings.statsJson()) {
            try {
                body = JSON.writeValueAsBytes(TNetStrings.toJson(packet));
            } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
                throw new IllegalStateException(ex); // a map of strings and numbers always serialises
            }
            marker = 'J';
        } else {
            body = TNetStrings.encode(packet);
            marker = 'T';
        }
        byte[] prefix = (type + ' ' + marker).getBytes(StandardCharsets.US_ASCII);
        byte[] frame = new byte[prefix.length + body.length];
        System.arraycopy(prefix, 0, frame, 0, prefix.length);
        System.arraycopy(body, 0, frame, prefix.length, body.length);
        send.accept(frame);
    }

    /** Withdraws everything still advertised (shutting down). ZeroMQ thread. */
    void close() {
        List<String> keys = new ArrayList<>(liveSubs.keySet());
        keys.addAll(lingeringSubs.keySet());
        for (String key : keys) {
            int space = key.indexOf(' ');
            sendSubGone(key.substring(0, space), key.substring(space + 1));
        }
        liveSubs.clear();
        lingeringSubs.clear();
    }
}
