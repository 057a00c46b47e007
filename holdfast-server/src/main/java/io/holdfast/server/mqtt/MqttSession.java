package io.holdfast.server.mqtt;

import io.holdfast.grip.publish.Action;
import io.holdfast.grip.publish.MqttFormat;
import io.holdfast.grip.publish.PublishItem;
import io.holdfast.grip.publish.WsMessageFormat;
import io.holdfast.grip.publish.WsMessageType;
import io.holdfast.server.pubsub.Message;
import io.holdfast.server.pubsub.Subscriber;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One MQTT client's session: its subscriptions, the QoS 1 messages sent and not yet acknowledged
 * (at most {@code max_inflight}, or the client's MQTT 5 Receive Maximum if lower), and a queue
 * bounded by {@code max_queued} for what cannot go out now (offline, or the in-flight window full).
 * It is a {@link Subscriber} on the loop of the connection that created it and is only touched there.
 * A persistent session outlives its connection for its expiry interval, queueing QoS 1 messages; a
 * reconnect with the same client id takes it over ({@link #takeOver}) even from another loop.
 *
 * <p>Buffers: every {@link Outgoing} owns one reference to its payload, released when the message is
 * acknowledged, dropped, or the session ends.
 */
final class MqttSession implements Subscriber {
    private final MqttBroker broker;
    private final String clientId;
    private final EventLoop loop;
    private final Map<String, Integer> subscriptions = new LinkedHashMap<>();
    private final LinkedHashMap<Integer, Outgoing> inflight = new LinkedHashMap<>();
    private final ArrayDeque<Outgoing> queue = new ArrayDeque<>();
    private Channel channel;
    private int maxInflight;
    private Duration expiry = Duration.ZERO;
    private ScheduledFuture<?> expiryTimer;
    private int nextPacketId = 1;
    private long dropped;
    private boolean ended;
    /** After a take-over, until the successor has subscribed: where deliveries go instead. */
    private MqttSession forwardTo;

    /** A message on its way to this client; owns one reference to {@code payload}. */
    record Outgoing(String topic, ByteBuf payload, int qos, boolean retain, boolean dup) {
        Outgoing(String topic, ByteBuf payload, int qos, boolean retain) {
            this(topic, payload, qos, retain, false);
        }

        /** The same message marked as a redelivery (§4.4: DUP set on a resent PUBLISH). */
        Outgoing again() {
            return new Outgoing(topic, payload, qos, retain, true);
        }
    }

    /** What a take-over carries from the old session to the new one. */
    record State(Map<String, Integer> subscriptions, Iterable<Outgoing> unacked, Iterable<Outgoing> queued,
                 long dropped) {
    }

    MqttSession(MqttBroker broker, String clientId, EventLoop loop) {
        this.broker = broker;
        this.clientId = clientId;
        this.loop = loop;
        this.maxInflight = broker.config().maxInflight();
    }

    String clientId() {
        return clientId;
    }

    @Override
    public EventLoop loop() {
        return loop;
    }

    @Override
    public String statsMode() {
        return "mqtt";
    }

    long dropped() {
        return dropped;
    }

    // ---- life cycle ----

    /** Adopts the state of the session this one replaces (its subscriptions, unacked and queued messages). */
    void restore(State state) {
        state.subscriptions().forEach((filter, qos) -> {
            subscriptions.put(filter, qos);
            broker.subscribe(this, filter, qos);
        });
        state.unacked().forEach(queue::add); // resent first, with DUP set (§4.4)
        state.queued().forEach(queue::add);
        dropped += state.dropped();
    }

    /** The connection is up and CONNACK written: sends what waited, in order. */
    void attach(Channel ch, int receiveMaximum, Duration sessionExpiry) {
        cancelExpiry();
        this.channel = ch;
        this.expiry = sessionExpiry;
        this.maxInflight = Math.min(broker.config().maxInflight(), receiveMaximum);
        drain();
        ch.flush();
    }

    /** The connection went away: a persistent session waits for its client, otherwise it ends. */
    void detach(Channel ch) {
        if (channel != ch || ended) {
            return;
        }
        channel = null;
        // Unacknowledged messages go back to the head of the queue to be resent on reconnect.
        ArrayDeque<Outgoing> again = new ArrayDeque<>(inflight.size());
        inflight.values().forEach(o -> again.add(o.again()));
        inflight.clear();
        while (!again.isEmpty()) {
            queue.addFirst(again.pollLast());
        }
        if (expiry.isZero()) {
            end();
        } else {
            expiryTimer = loop.schedule(this::expire, expiry.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void expire() {
        if (channel == null && !ended) {
            end();
        }
    }

    /**
     * Ends this session for a newer connection with the same client id, on this session's loop:
     * closes the old connection (the caller has told it why) and returns the state to carry over, or
     * null when the new connection starts clean. When state is carried, this session stays subscribed
     * and forwards what it receives to {@code successor} until {@link #endForwarding}, called once the
     * successor has subscribed on its own loop: a publish in between reaches it at least once
     * (perhaps twice, which QoS 1 allows) instead of falling into the gap between the two loops.
     */
    State takeOver(boolean cleanStart, MqttSession successor) {
        if (ended) {
            return null;
        }
        Channel old = channel;
        channel = null;
        if (old != null) {
            MqttConnection.takenOver(old);
        }
        ArrayDeque<Outgoing> unacked = new ArrayDeque<>(inflight.size());
        inflight.values().forEach(o -> unacked.add(o.again()));
        inflight.clear();
        State state = new State(Map.copyOf(subscriptions), unacked, new ArrayDeque<>(queue), dropped);
        queue.clear();
        ended = true;
        cancelExpiry();
        if (cleanStart) {
            endForwarding();
            unacked.forEach(o -> o.payload().release());
            state.queued().forEach(o -> o.payload().release());
            return null;
        }
        forwardTo = successor;
        return state;
    }

    /** Stops forwarding to the successor and unsubscribes everything (on this session's loop). */
    void endForwarding() {
        forwardTo = null;
        subscriptions.keySet().forEach(f -> broker.unsubscribe(this, f));
        subscriptions.clear();
    }

    private void end() {
        ended = true;
        cancelExpiry();
        subscriptions.keySet().forEach(f -> broker.unsubscribe(this, f));
        subscriptions.clear();
        inflight.values().forEach(o -> o.payload().release());
        inflight.clear();
        queue.forEach(o -> o.payload().release());
        queue.clear();
        broker.unregister(this);
    }

    private void cancelExpiry() {
        if (expiryTimer != null) {
            expiryTimer.cancel(false);
            expiryTimer = null;
        }
    }

    // ---- subscriptions ----

    /** Adds or replaces a subscription and sends the retained messages it matches (§3.8.4). */
    void subscribe(String filter, int qos) {
        subscriptions.put(filter, qos);
        broker.subscribe(this, filter, qos);
        broker.forEachRetained(filter, (topic, r) ->
                send(new Outgoing(topic, Unpooled.wrappedBuffer(r.payload()), Math.min(qos, r.qos()), true)));
    }

    boolean unsubscribe(String filter) {
        if (subscriptions.remove(filter) == null) {
            return false;
        }
        broker.unsubscribe(this, filter);
        return true;
    }

    // ---- delivery ----

    /** From the channel registry: an exact-topic subscription's message. */
    @Override
    public void deliver(Message message) {
        String topic = broker.topicOf(message.channel());
        Integer qos = topic == null ? null : subscriptions.get(topic);
        if (qos != null) {
            deliver(message, topic, qos);
        }
    }

    /** A message for {@code topic}, granted at {@code grantedQos}; the caller keeps its reference. */
    void deliver(Message message, String topic, int grantedQos) {
        if (ended && forwardTo == null) {
            return;
        }
        PublishItem item = message.item();
        MqttFormat f = item.mqtt().orElse(null);
        ByteBuf payload;
        int qos;
        if (f != null) {
            payload = Unpooled.wrappedBuffer(f.content());
            qos = f.qos();
        } else {
            WsMessageFormat ws = item.wsMessage().orElse(null);
            if (ws == null || ws.action() != Action.SEND
                    || (ws.type() != WsMessageType.TEXT && ws.type() != WsMessageType.BINARY)) {
                return; // nothing an MQTT client could receive (a close, a ping, an HTTP-only item)
            }
            payload = message.wsContent();
            qos = 0;
        }
        // QoS 2 is delivered as QoS 1: subscriptions are granted at most 1.
        Outgoing o = new Outgoing(topic, payload, Math.min(Math.min(qos, grantedQos), 1), false);
        MqttSession to = forwardTo;
        if (to != null) {
            to.loop().execute(() -> {
                to.send(o);
                to.flush();
            });
        } else {
            send(o);
        }
    }

    private void send(Outgoing o) {
        if (ended) {
            o.payload().release();
            return;
        }
        if (channel == null) {
            if (o.qos() > 0 && !expiry.isZero()) {
                enqueue(o); // an offline persistent session keeps QoS 1 messages only (as mosquitto does)
            } else {
                o.payload().release();
            }
            return;
        }
        if (o.qos() == 0) {
            if (channel.isWritable()) {
                channel.write(publish(o, 0, o.payload()));
            } else {
                drop(o);
            }
            return;
        }
        if (queue.isEmpty() && inflight.size() < maxInflight && channel.isWritable()) {
            sendQos1(o);
        } else {
            enqueue(o);
        }
    }

    private void sendQos1(Outgoing o) {
        int id = nextPacketId();
        inflight.put(id, o);
        channel.write(publish(o, id, o.payload().retainedDuplicate())); // the in-flight entry keeps its own
    }

    private void enqueue(Outgoing o) {
        if (queue.size() >= broker.config().maxQueued()) {
            drop(o);
        } else {
            queue.add(o);
        }
    }

    private void drop(Outgoing o) {
        dropped++;
        broker.dropped.increment();
        o.payload().release();
    }

    /** Sends queued messages while the window and the connection allow. */
    void drain() {
        while (channel != null && !queue.isEmpty() && channel.isWritable()) {
            Outgoing o = queue.peek();
            if (o.qos() > 0 && inflight.size() >= maxInflight) {
                return;
            }
            queue.poll();
            if (o.qos() == 0) {
                channel.write(publish(o, 0, o.payload()));
            } else {
                sendQos1(o);
            }
        }
    }

    /** PUBACK: the client has the message. Returns false for an unknown packet id. */
    boolean onPubAck(int packetId) {
        Outgoing o = inflight.remove(packetId);
        if (o == null) {
            return false;
        }
        o.payload().release();
        drain();
        return true;
    }

    @Override
    public void flush() {
        if (channel != null) {
            channel.flush();
        }
    }

    private int nextPacketId() {
        for (int i = 0; i < 65_535; i++) {
            int id = nextPacketId;
            nextPacketId = id == 65_535 ? 1 : id + 1;
            if (!inflight.containsKey(id)) {
                return id;
            }
        }
        throw new IllegalStateException("no free packet id"); // max_inflight <= 65535 makes this unreachable
    }

    /** A PUBLISH of {@code o}; takes ownership of {@code payload} (the encoder releases it). */
    private static MqttPublishMessage publish(Outgoing o, int packetId, ByteBuf payload) {
        MqttQoS qos = MqttQoS.valueOf(o.qos());
        return new MqttPublishMessage(new MqttFixedHeader(MqttMessageType.PUBLISH, o.dup(), qos, o.retain(), 0),
                new MqttPublishVariableHeader(o.topic(), qos == MqttQoS.AT_MOST_ONCE ? -1 : packetId,
                        MqttProperties.NO_PROPERTIES),
                payload);
    }

    /** Iterates the in-flight messages (tests). */
    Iterator<Outgoing> inflight() {
        return inflight.values().iterator();
    }
}
