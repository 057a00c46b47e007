package io.holdfast.server.mqtt;

import io.holdfast.grip.publish.HttpResponseFormat;
import io.holdfast.grip.publish.HttpStreamFormat;
import io.holdfast.grip.publish.MqttFormat;
import io.holdfast.grip.publish.PublishItem;
import io.holdfast.grip.publish.WsMessageFormat;
import io.holdfast.server.config.MqttConfig;
import io.holdfast.server.pubsub.Message;
import io.holdfast.server.pubsub.PubSub;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The MQTT side of the one namespace: an MQTT topic is the GRIP channel {@code channel_prefix + topic}.
 * MQTT sessions are {@link io.holdfast.server.pubsub.Subscriber}s on their connection's loop. A
 * filter without wildcards subscribes its channel through {@link PubSub#subscribe}, exactly as a held
 * request or a WebSocket does (so ZeroMQ SUB interest and stats see it); a wildcard filter goes into
 * its loop's {@link TopicTrie}, which this broker feeds from {@link PubSub}'s fan-out tap, one task
 * per loop that has wildcard subscribers, so fan-out stays per event loop. The broker also keeps the
 * client-id → session registry (session take-over) and the retained messages.
 */
public final class MqttBroker implements PubSub.FanOutTap {
    private final MqttConfig config;
    private final PubSub pubsub;
    private final String prefix;
    private final ConcurrentHashMap<String, MqttSession> sessions = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Retained> retained = new ConcurrentHashMap<>();
    private final Map<EventExecutor, LoopTrie> tries = new IdentityHashMap<>();
    private final LoopTrie[] trieList;

    /** Messages refused because a session's queue was full (max_queued) or its connection unwritable. */
    final LongAdder dropped = new LongAdder();
    /** PUBLISH packets received from clients. */
    final LongAdder received = new LongAdder();

    /** A retained message; an empty payload is never stored (it clears). */
    record Retained(byte[] payload, int qos) {
    }

    /** One loop's wildcard subscriptions; touched on that loop only, except {@code size}, read by the tap. */
    private static final class LoopTrie {
        final EventLoop loop;
        final TopicTrie<MqttSession> trie = new TopicTrie<>();
        volatile int size;

        LoopTrie(EventLoop loop) {
            this.loop = loop;
        }
    }

    public MqttBroker(MqttConfig config, PubSub pubsub, EventLoopGroup clientGroup) {
        this.config = config;
        this.pubsub = pubsub;
        this.prefix = config.channelPrefix();
        for (EventExecutor e : clientGroup) {
            tries.put(e, new LoopTrie((EventLoop) e));
        }
        this.trieList = tries.values().toArray(new LoopTrie[0]);
        pubsub.fanOutTap(this);
    }

    MqttConfig config() {
        return config;
    }

    /** The MQTT topic of a channel, or null if the channel is outside {@code channel_prefix}. */
    String topicOf(String channel) {
        if (prefix.isEmpty()) {
            return channel;
        }
        return channel.startsWith(prefix) && channel.length() > prefix.length()
                ? channel.substring(prefix.length()) : null;
    }

    String channelOf(String topic) {
        return prefix.isEmpty() ? topic : prefix + topic;
    }

    /** Sessions currently registered (connected or persistent and offline). */
    public int sessionCount() {
        return sessions.size();
    }

    public long droppedCount() {
        return dropped.sum();
    }

    // ---- sessions ----

    /**
     * Registers {@code fresh} under its client id and returns the session it replaces, or null. The
     * caller takes the old one over on its loop ({@link MqttSession#takeOver}).
     */
    MqttSession register(MqttSession fresh) {
        return sessions.put(fresh.clientId(), fresh);
    }

    /** Forgets {@code session} if it is still the one registered for its id. */
    void unregister(MqttSession session) {
        sessions.remove(session.clientId(), session);
    }

    // ---- subscriptions (on the session's loop) ----

    void subscribe(MqttSession session, String filter, int qos) {
        if (Topics.hasWildcard(filter)) {
            LoopTrie lt = trie(session.loop());
            lt.trie.add(filter, session, qos);
            lt.size = lt.trie.size();
        } else {
            pubsub.subscribe(channelOf(filter), session);
        }
    }

    void unsubscribe(MqttSession session, String filter) {
        if (Topics.hasWildcard(filter)) {
            LoopTrie lt = trie(session.loop());
            lt.trie.remove(filter, session);
            lt.size = lt.trie.size();
        } else {
            pubsub.unsubscribe(channelOf(filter), session);
        }
    }

    private LoopTrie trie(EventLoop loop) {
        assert loop.inEventLoop();
        return tries.get(loop);
    }

    /** Calls {@code onMatch} for each retained message whose topic {@code filter} matches (a walk; rare). */
    void forEachRetained(String filter, java.util.function.BiConsumer<String, Retained> onMatch) {
        if (!Topics.hasWildcard(filter)) {
            Retained r = retained.get(filter);
            if (r != null) {
                onMatch.accept(filter, r);
            }
            return;
        }
        retained.forEach((topic, r) -> {
            if (Topics.matches(filter, topic)) {
                onMatch.accept(topic, r);
            }
        });
    }

    public int retainedCount() {
        return retained.size();
    }

    // ---- publishing ----

    /**
     * Publishes a PUBLISH from a client (or a will) to every transport: MQTT subscribers get the
     * {@code mqtt} format, WebSockets a text message when the payload is UTF-8 (else binary), streams
     * and SSE one {@code data:} event, long-polls the payload as the response body. Any thread.
     */
    void publish(String topic, byte[] payload, int qos, boolean retain) {
        received.increment();
        String text = utf8(payload);
        WsMessageFormat ws = text != null ? WsMessageFormat.text(text) : WsMessageFormat.binary(payload);
        // SSE carries text only: a binary payload goes out base64-encoded.
        HttpStreamFormat sse = HttpStreamFormat.of(sseEvent(text != null ? text
                : Base64.getEncoder().encodeToString(payload)));
        PublishItem item = PublishItem.builder(channelOf(topic))
                .httpResponse(HttpResponseFormat.of(payload))
                .httpStream(sse)
                .wsMessage(ws)
                .mqtt(new MqttFormat(payload, Math.min(qos, 2), retain))
                .build();
        pubsub.publish(List.of(item));
    }

    static String sseEvent(String text) {
        StringBuilder sb = new StringBuilder(text.length() + 16);
        for (String line : text.split("\r\n|\r|\n", -1)) {
            sb.append("data: ").append(line).append('\n');
        }
        return sb.append('\n').toString();
    }

    private static String utf8(byte[] b) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /**
     * The fan-out tap: keeps retained messages up to date (from any publisher: MQTT, HTTP, ZeroMQ) and
     * hands the batch to each loop with wildcard subscribers, which matches every topic in its trie.
     */
    @Override
    public void onFanOut(List<Message> messages) {
        List<Message> mqtt = null;
        for (Message m : messages) {
            String topic = topicOf(m.channel());
            if (topic == null || (m.item().mqtt().isEmpty() && m.item().wsMessage().isEmpty())) {
                continue;
            }
            m.item().mqtt().filter(MqttFormat::retain).ifPresent(f -> {
                if (f.content().length == 0) {
                    retained.remove(topic); // MQTT 3.1.1 §3.3.1.3: an empty retained payload clears
                } else {
                    retained.put(topic, new Retained(f.content(), f.qos()));
                }
            });
            if (mqtt == null) {
                mqtt = new ArrayList<>(messages.size());
            }
            mqtt.add(m);
        }
        if (mqtt == null) {
            return;
        }
        List<Message> batch = mqtt;
        for (LoopTrie lt : trieList) {
            if (lt.size == 0) {
                continue;
            }
            batch.forEach(Message::retain);
            lt.loop.execute(() -> {
                try {
                    deliverWildcards(lt, batch);
                } finally {
                    batch.forEach(Message::release);
                }
            });
        }
    }

    private void deliverWildcards(LoopTrie lt, List<Message> batch) {
        java.util.Set<MqttSession> touched = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        for (Message m : batch) {
            String topic = topicOf(m.channel());
            lt.trie.match(topic, (session, qos) -> {
                session.deliver(m, topic, qos);
                touched.add(session);
            });
        }
        touched.forEach(MqttSession::flush);
    }

    /** Stops taking fan-outs (shutdown). */
    public void close() {
        pubsub.fanOutTap(null);
    }
}
