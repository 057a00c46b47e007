package io.holdfast.server.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.server.config.MqttConfig;
import io.holdfast.server.pubsub.PubSub;
import io.holdfast.server.stats.Counters;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link MqttConnection} on an {@link EmbeddedChannel}: packets in, packets out. */
class MqttConnectionTest {
    private final DefaultEventLoopGroup group = new DefaultEventLoopGroup(1);
    private final MqttBroker broker = new MqttBroker(MqttConfig.DEFAULT, new PubSub(group, new Counters()), group);

    @AfterEach
    void stop() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    private static MqttMessage connect(MqttVersion v, String clientId, boolean clean, int keepAlive) {
        return MqttMessageBuilders.connect().protocolVersion(v).clientId(clientId).cleanSession(clean)
                .keepAlive(keepAlive).build();
    }

    private static <T> T read(EmbeddedChannel ch, Class<T> type) {
        Object o = ch.readOutbound();
        assertThat(o).isInstanceOf(type);
        return type.cast(o);
    }

    @Test
    void acceptsConnectAndAnswersPings() {
        EmbeddedChannel ch = new EmbeddedChannel(new MqttConnection(broker));
        ch.writeInbound(connect(MqttVersion.MQTT_3_1_1, "c1", true, 0));
        MqttConnAckMessage ack = read(ch, MqttConnAckMessage.class);
        assertThat(ack.variableHeader().connectReturnCode()).isEqualTo(MqttConnectReturnCode.CONNECTION_ACCEPTED);
        assertThat(ack.variableHeader().isSessionPresent()).isFalse();
        ch.writeInbound(MqttMessage.PINGREQ);
        assertThat(read(ch, MqttMessage.class).fixedHeader().messageType()).isEqualTo(MqttMessageType.PINGRESP);
        assertThat(ch.finishAndReleaseAll()).isFalse();
        assertThat(broker.sessionCount()).isZero(); // a clean session ends with its connection
    }

    @Test
    void aFirstPacketOtherThanConnectClosesTheConnection() {
        EmbeddedChannel ch = new EmbeddedChannel(new MqttConnection(broker));
        ch.writeInbound(MqttMessage.PINGREQ);
        assertThat(ch.isOpen()).isFalse();
        assertThat((Object) ch.readOutbound()).isNull();
    }

    @Test
    void anEmptyClientIdWithoutCleanSessionIsRefusedIn311AndAssignedIn5() {
        EmbeddedChannel v3 = new EmbeddedChannel(new MqttConnection(broker));
        v3.writeInbound(connect(MqttVersion.MQTT_3_1_1, "", false, 0));
        assertThat(read(v3, MqttConnAckMessage.class).variableHeader().connectReturnCode())
                .isEqualTo(MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED);
        assertThat(v3.isOpen()).isFalse();

        EmbeddedChannel v5 = new EmbeddedChannel(new MqttConnection(broker));
        v5.writeInbound(connect(MqttVersion.MQTT_5, "", true, 0));
        MqttConnAckMessage ack = read(v5, MqttConnAckMessage.class);
        assertThat(ack.variableHeader().connectReturnCode()).isEqualTo(MqttConnectReturnCode.CONNECTION_ACCEPTED);
        assertThat(ack.variableHeader().properties().getProperty(MqttProperties.ASSIGNED_CLIENT_IDENTIFIER).value())
                .asString().startsWith("holdfast-");
        v5.finishAndReleaseAll();
    }

    @Test
    void aSecondConnectIsAProtocolError() {
        EmbeddedChannel ch = new EmbeddedChannel(new MqttConnection(broker));
        ch.writeInbound(connect(MqttVersion.MQTT_5, "c2", true, 0));
        read(ch, MqttConnAckMessage.class);
        ch.writeInbound(connect(MqttVersion.MQTT_5, "c2", true, 0));
        MqttMessage disconnect = read(ch, MqttMessage.class);
        assertThat(disconnect.fixedHeader().messageType()).isEqualTo(MqttMessageType.DISCONNECT);
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void silenceForOneAndAHalfKeepAlivesCloses() {
        EmbeddedChannel ch = new EmbeddedChannel(new MqttConnection(broker));
        ch.writeInbound(connect(MqttVersion.MQTT_3_1_1, "sleepy", true, 2));
        read(ch, MqttConnAckMessage.class);
        ch.advanceTimeBy(2_900, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isOpen()).isTrue();
        ch.advanceTimeBy(200, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void inboundQos2IsAcknowledgedInTwoStepsAndNotPublishedTwice() {
        EmbeddedChannel ch = new EmbeddedChannel(new MqttConnection(broker));
        ch.writeInbound(connect(MqttVersion.MQTT_3_1_1, "q2", true, 0));
        read(ch, MqttConnAckMessage.class);
        for (int i = 0; i < 2; i++) { // the second is a resend of the same packet id
            ch.writeInbound(MqttMessageBuilders.publish().topicName("t").qos(MqttQoS.EXACTLY_ONCE).messageId(7)
                    .payload(Unpooled.wrappedBuffer(new byte[] {1})).build());
            MqttMessage rec = read(ch, MqttMessage.class);
            assertThat(rec.fixedHeader().messageType()).isEqualTo(MqttMessageType.PUBREC);
            assertThat(((MqttMessageIdVariableHeader) rec.variableHeader()).messageId()).isEqualTo(7);
        }
        assertThat(broker.received.sum()).isEqualTo(1);
        ch.writeInbound(new MqttMessage(new MqttFixedHeader(MqttMessageType.PUBREL, false, MqttQoS.AT_LEAST_ONCE,
                false, 0), MqttMessageIdVariableHeader.from(7)));
        MqttMessage comp = read(ch, MqttMessage.class);
        assertThat(comp.fixedHeader().messageType()).isEqualTo(MqttMessageType.PUBCOMP);
        ReferenceCountUtil.release(comp);
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }
}
