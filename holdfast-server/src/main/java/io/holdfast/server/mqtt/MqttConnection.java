package io.holdfast.server.mqtt;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttTopicSubscription;
import io.netty.handler.codec.mqtt.MqttUnacceptableProtocolVersionException;
import io.netty.handler.codec.mqtt.MqttUnsubscribeMessage;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One MQTT connection: checks CONNECT, answers every control packet, and hands subscriptions and
 * deliveries to its {@link MqttSession}. Protocol errors close the connection with the reason the
 * version allows (a CONNACK return code before CONNECT is accepted; an MQTT 5 DISCONNECT reason code
 * after), logged once with the peer. Keep-alive follows MQTT 3.1.1 §3.1.2.10: no packet for one and a
 * half times the keep-alive closes the connection, and the will goes out.
 *
 * <p>Inbound QoS 2 is handled fully (PUBREC, then PUBCOMP on PUBREL, a re-sent PUBLISH with a packet
 * id still awaiting PUBREL is not published twice); subscriptions are granted at most QoS 1.
 */
final class MqttConnection extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(MqttConnection.class);
    static final String NAME = "mqtt";

    /** The connection's states; it changes state only in {@link #state(State)}. */
    enum State {
        /** Nothing accepted yet; only CONNECT is allowed. */
        AWAITING_CONNECT,
        /** CONNECT read; taking over the client id's previous session (reads paused). */
        CONNECTING,
        /** CONNACK sent; every other packet allowed. */
        CONNECTED,
        /** Closing or closed. */
        CLOSED
    }

    private final MqttBroker broker;
    private State state = State.AWAITING_CONNECT;
    private ChannelHandlerContext ctx;
    private MqttSession session;
    private int version;
    private Will will;
    /** Inbound QoS 2 packet ids published and awaiting PUBREL. */
    private final Set<Integer> awaitingRelease = new HashSet<>();

    /** The last will from CONNECT; published if the connection ends without a normal DISCONNECT. */
    private record Will(String topic, byte[] payload, int qos, boolean retain) {
    }

    MqttConnection(MqttBroker broker) {
        this.broker = broker;
    }

    private void state(State next) {
        state = next;
    }

    State state() {
        return state;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (!(msg instanceof MqttMessage m)) {
                return;
            }
            DecoderResult result = m.decoderResult();
            if (result != null && result.isFailure()) {
                onDecodeFailure(result.cause());
                return;
            }
            switch (state) {
                case AWAITING_CONNECT -> {
                    if (m instanceof MqttConnectMessage c) {
                        onConnect(c);
                    } else {
                        fail("first packet is " + m.fixedHeader().messageType() + ", not CONNECT", (byte) 0x82);
                    }
                }
                case CONNECTED -> onPacket(m);
                case CONNECTING, CLOSED -> {
                    // reads are paused while connecting; anything else arriving is discarded
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onDecodeFailure(Throwable cause) {
        if (state == State.AWAITING_CONNECT && cause instanceof MqttUnacceptableProtocolVersionException) {
            refuse(MqttConnectReturnCode.CONNECTION_REFUSED_UNACCEPTABLE_PROTOCOL_VERSION, "unsupported protocol version");
        } else if (cause instanceof TooLongFrameException) {
            fail("packet larger than max_packet_size " + broker.config().maxPacketSize(), (byte) 0x95);
        } else {
            fail("malformed packet: " + cause.getMessage(), (byte) 0x81);
        }
    }

    // ---- CONNECT ----

    private void onConnect(MqttConnectMessage c) {
        version = c.variableHeader().version();
        if (version != MqttVersion.MQTT_3_1_1.protocolLevel() && version != MqttVersion.MQTT_5.protocolLevel()) {
            refuse(MqttConnectReturnCode.CONNECTION_REFUSED_UNACCEPTABLE_PROTOCOL_VERSION,
                    "protocol level " + version + " (expected: 4 or 5)");
            return;
        }
        String clientId = c.payload().clientIdentifier();
        boolean cleanStart = c.variableHeader().isCleanSession();
        boolean assigned = false;
        if (clientId == null || clientId.isEmpty()) {
            if (!cleanStart && !isV5()) {
                refuse(MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED,
                        "empty client id with clean session off"); // 3.1.1 §3.1.3.1
                return;
            }
            clientId = "holdfast-" + UUID.randomUUID();
            assigned = true;
        }
        if (c.variableHeader().isWillFlag()) {
            String topic = c.payload().willTopic();
            if (!Topics.isValidName(topic)) {
                refuse(isV5() ? MqttConnectReturnCode.CONNECTION_REFUSED_TOPIC_NAME_INVALID
                        : MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED, "invalid will topic");
                return;
            }
            will = new Will(topic, c.payload().willMessageInBytes(), c.variableHeader().willQos(),
                    c.variableHeader().isWillRetain());
        }
        Duration expiry = sessionExpiry(c, cleanStart);
        int receiveMaximum = 65_535;
        if (isV5()) {
            MqttProperties.MqttProperty<?> p = c.variableHeader().properties()
                    .getProperty(MqttProperties.RECEIVE_MAXIMUM);
            if (p != null && p.value() instanceof Integer i && i > 0) {
                receiveMaximum = i;
            }
        }
        int keepAlive = c.variableHeader().keepAliveTimeSeconds();
        if (keepAlive > 0) {
            // §3.1.2.10: the server disconnects after one and a half keep-alive periods of silence.
            ctx.pipeline().addBefore(ctx.name(), "mqtt-keepalive",
                    new IdleStateHandler(keepAlive * 1500L, 0, 0, TimeUnit.MILLISECONDS));
        }
        state(State.CONNECTING);
        Channel ch = ctx.channel();
        ch.config().setAutoRead(false);
        MqttSession fresh = new MqttSession(broker, clientId, ch.eventLoop());
        session = fresh;
        MqttSession previous = broker.register(fresh);
        String id = clientId;
        boolean assignedId = assigned;
        int window = receiveMaximum;
        if (previous == null) {
            accept(false, assignedId, id, window, expiry);
            return;
        }
        EventLoop here = ch.eventLoop();
        previous.loop().execute(() -> {
            MqttSession.State carried = previous.takeOver(cleanStart, fresh);
            here.execute(() -> {
                if (carried != null) {
                    fresh.restore(carried);
                    previous.loop().execute(previous::endForwarding); // fresh is subscribed now
                }
                accept(carried != null, assignedId, id, window, expiry);
            });
        });
    }

    private Duration sessionExpiry(MqttConnectMessage c, boolean cleanStart) {
        Duration max = broker.config().sessionExpiry();
        if (isV5()) {
            // MQTT 5 §3.1.2.11.2: absent means 0 (the session ends with the connection).
            MqttProperties.MqttProperty<?> p = c.variableHeader().properties()
                    .getProperty(MqttProperties.SESSION_EXPIRY_INTERVAL);
            long seconds = p != null && p.value() instanceof Integer i ? Integer.toUnsignedLong(i) : 0;
            Duration asked = Duration.ofSeconds(seconds);
            return asked.compareTo(max) > 0 ? max : asked;
        }
        return cleanStart ? Duration.ZERO : max;
    }

    private void accept(boolean sessionPresent, boolean assignedId, String clientId, int receiveMaximum,
                        Duration expiry) {
        Channel ch = ctx.channel();
        MqttProperties props = MqttProperties.NO_PROPERTIES;
        if (isV5()) {
            props = new MqttProperties();
            if (assignedId) {
                props.add(new MqttProperties.StringProperty(MqttProperties.ASSIGNED_CLIENT_IDENTIFIER, clientId));
            }
            props.add(new MqttProperties.IntegerProperty(MqttProperties.MAXIMUM_QOS, 1));
            props.add(new MqttProperties.IntegerProperty(MqttProperties.MAXIMUM_PACKET_SIZE,
                    broker.config().maxPacketSize()));
            props.add(new MqttProperties.IntegerProperty(MqttProperties.RECEIVE_MAXIMUM,
                    Math.min(broker.config().maxInflight(), 65_535)));
            props.add(new MqttProperties.IntegerProperty(MqttProperties.SHARED_SUBSCRIPTION_AVAILABLE, 0));
            props.add(new MqttProperties.IntegerProperty(MqttProperties.SUBSCRIPTION_IDENTIFIER_AVAILABLE, 0));
            props.add(new MqttProperties.IntegerProperty(MqttProperties.TOPIC_ALIAS_MAXIMUM, 0));
            if (expiry.compareTo(broker.config().sessionExpiry()) >= 0 && !expiry.isZero()) {
                props.add(new MqttProperties.IntegerProperty(MqttProperties.SESSION_EXPIRY_INTERVAL,
                        (int) expiry.toSeconds()));
            }
        }
        MqttConnAckMessage ack = MqttMessageBuilders.connAck()
                .returnCode(MqttConnectReturnCode.CONNECTION_ACCEPTED)
                .sessionPresent(sessionPresent)
                .properties(props)
                .build();
        if (!ch.isActive()) {
            session.detach(null);
            state(State.CLOSED);
            return;
        }
        ch.write(ack);
        state(State.CONNECTED);
        session.attach(ch, receiveMaximum, expiry);
        ch.config().setAutoRead(true);
    }

    private void refuse(MqttConnectReturnCode code, String why) {
        LOG.info("mqtt {}: CONNECT refused ({}): {}", ctx.channel().remoteAddress(), code, why);
        state(State.CLOSED);
        MqttConnectReturnCode sent = isV5() ? v5Code(code) : code;
        ctx.writeAndFlush(MqttMessageBuilders.connAck().returnCode(sent).sessionPresent(false).build())
                .addListener(ChannelFutureListener.CLOSE);
    }

    private static MqttConnectReturnCode v5Code(MqttConnectReturnCode v3) {
        return switch (v3) {
            case CONNECTION_REFUSED_UNACCEPTABLE_PROTOCOL_VERSION ->
                    MqttConnectReturnCode.CONNECTION_REFUSED_UNSUPPORTED_PROTOCOL_VERSION;
            case CONNECTION_REFUSED_IDENTIFIER_REJECTED ->
                    MqttConnectReturnCode.CONNECTION_REFUSED_CLIENT_IDENTIFIER_NOT_VALID;
            default -> v3;
        };
    }

    private boolean isV5() {
        return version == MqttVersion.MQTT_5.protocolLevel();
    }

    // ---- after CONNECT ----

    private void onPacket(MqttMessage m) {
        MqttFixedHeader h = m.fixedHeader();
        switch (h.messageType()) {
            case PUBLISH -> onPublish((MqttPublishMessage) m);
            case PUBACK -> {
                session.onPubAck(((MqttMessageIdVariableHeader) m.variableHeader()).messageId());
                ctx.flush(); // what the freed window let out of the queue
            }
            case PUBREL -> {
                int id = ((MqttMessageIdVariableHeader) m.variableHeader()).messageId();
                awaitingRelease.remove(id);
                ctx.writeAndFlush(new MqttMessage(new MqttFixedHeader(MqttMessageType.PUBCOMP, false,
                        MqttQoS.AT_MOST_ONCE, false, 0), MqttMessageIdVariableHeader.from(id)));
            }
            case PUBREC, PUBCOMP -> {
                // we never send QoS 2, so these answer nothing of ours: ignore
            }
            case SUBSCRIBE -> onSubscribe((MqttSubscribeMessage) m);
            case UNSUBSCRIBE -> onUnsubscribe((MqttUnsubscribeMessage) m);
            case PINGREQ -> ctx.writeAndFlush(MqttMessage.PINGRESP);
            case DISCONNECT -> onDisconnect(m);
            case CONNECT -> fail("second CONNECT", (byte) 0x82); // §3.1.0-2
            default -> fail("unexpected " + h.messageType(), (byte) 0x82);
        }
    }

    private void onPublish(MqttPublishMessage p) {
        String topic = p.variableHeader().topicName();
        if (!Topics.isValidName(topic)) {
            fail("invalid topic name in PUBLISH", (byte) 0x90);
            return;
        }
        int qos = p.fixedHeader().qosLevel().value();
        int id = p.variableHeader().packetId();
        byte[] payload = ByteBufUtil.getBytes(p.payload());
        switch (qos) {
            case 0 -> broker.publish(topic, payload, 0, p.fixedHeader().isRetain());
            case 1 -> {
                broker.publish(topic, payload, 1, p.fixedHeader().isRetain());
                ctx.writeAndFlush(MqttMessageBuilders.pubAck().packetId(id).build());
            }
            case 2 -> {
                if (awaitingRelease.add(id)) { // a resend of an id awaiting PUBREL is not published again
                    broker.publish(topic, payload, 2, p.fixedHeader().isRetain());
                }
                ctx.writeAndFlush(new MqttMessage(new MqttFixedHeader(MqttMessageType.PUBREC, false,
                        MqttQoS.AT_MOST_ONCE, false, 0), MqttMessageIdVariableHeader.from(id)));
            }
            default -> fail("QoS 3", (byte) 0x81);
        }
    }

    private void onSubscribe(MqttSubscribeMessage s) {
        MqttMessageBuilders.SubAckBuilder ack = MqttMessageBuilders.subAck()
                .packetId(s.idAndPropertiesVariableHeader().messageId());
        for (MqttTopicSubscription t : s.payload().topicSubscriptions()) {
            String filter = t.topicFilter();
            if (!Topics.isValidFilter(filter) || filter.startsWith("$share/")) {
                // 0x80: failure in 3.1.1, "unspecified error" in 5 (Netty's SUBACK builder takes no
                // other reason codes). Shared subscriptions are not supported yet, and say so in CONNACK.
                ack.addGrantedQos(MqttQoS.FAILURE);
                continue;
            }
            int granted = Math.min(t.qualityOfService().value(), 1);
            ack.addGrantedQos(MqttQoS.valueOf(granted));
            session.subscribe(filter, granted);
        }
        // SUBACK before the retained messages the subscriptions released (§3.8.4)? Both are queued in
        // order on this channel: the SUBACK is written first here, then the flush sends them together.
        ctx.channel().write(ack.build());
        session.drain();
        ctx.channel().flush();
    }

    private void onUnsubscribe(MqttUnsubscribeMessage u) {
        MqttMessageBuilders.UnsubAckBuilder ack = MqttMessageBuilders.unsubAck()
                .packetId(u.idAndPropertiesVariableHeader().messageId());
        for (String filter : u.payload().topics()) {
            boolean had = session.unsubscribe(filter);
            ack.addReasonCode((short) (had ? 0x00 : 0x11)); // 0x11: no subscription existed (MQTT 5)
        }
        ctx.writeAndFlush(ack.build());
    }

    private void onDisconnect(MqttMessage m) {
        byte reason = 0;
        if (isV5() && m.variableHeader() instanceof MqttReasonCodeAndPropertiesVariableHeader v) {
            reason = v.reasonCode();
        }
        if (reason != 0x04) { // 0x04: "disconnect with will message" (MQTT 5 §3.14.2.1)
            will = null;
        }
        state(State.CLOSED);
        ctx.close();
    }

    // ---- endings ----

    /** Closes the connection for a protocol error, with an MQTT 5 DISCONNECT reason when the version has one. */
    private void fail(String why, byte reason) {
        if (state == State.CLOSED) {
            return;
        }
        LOG.info("mqtt {} {}: closing: {}", ctx.channel().remoteAddress(), session == null ? "-" : session.clientId(), why);
        state(State.CLOSED);
        if (isV5() && session != null) {
            ctx.writeAndFlush(MqttMessageBuilders.disconnect().reasonCode(reason).build())
                    .addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.close();
        }
    }

    /** A newer connection took this client id's session over (called on this channel's loop). */
    static void takenOver(Channel ch) {
        MqttConnection c = ch.pipeline().get(MqttConnection.class);
        if (c != null) {
            c.fail("session taken over by a new connection", (byte) 0x8E);
        } else {
            ch.close();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            fail("keep-alive expired", (byte) 0x8D);
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        if (ctx.channel().isWritable() && session != null && state == State.CONNECTED) {
            session.drain();
            ctx.flush();
        }
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        state(State.CLOSED);
        Will w = will;
        will = null;
        if (w != null) {
            broker.publish(w.topic(), w.payload(), w.qos(), w.retain());
        }
        if (session != null) {
            session.detach(ctx.channel());
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("mqtt {}: {}", ctx.channel().remoteAddress(), cause.toString(), cause);
        if (state != State.CLOSED) {
            LOG.info("mqtt {}: closing after error: {}", ctx.channel().remoteAddress(), cause.toString());
        }
        state(State.CLOSED);
        ctx.close();
    }
}
