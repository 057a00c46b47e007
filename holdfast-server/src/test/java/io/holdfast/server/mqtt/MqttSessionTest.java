package io.holdfast.server.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.holdfast.server.config.ListenAddress;
import io.holdfast.server.testing.Holdfast;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.StringJoiner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** QoS 1 sessions over real TCP: redelivery on reconnect, the in-flight window, the bounded queue. */
class MqttSessionTest {
    private Holdfast hf;

    @BeforeEach
    void start() throws Exception {
        hf = Holdfast.start(b -> b.mqtt(b.mqtt().withListener(new ListenAddress("127.0.0.1", 0))
                .withMaxInflight(2).withMaxQueued(3)));
    }

    @AfterEach
    void stop() {
        hf.close();
    }

    private void publishQos1(String topic, String... payloads) throws Exception {
        StringJoiner items = new StringJoiner(",");
        for (String p : payloads) {
            items.add("{\"channel\":\"" + topic + "\",\"formats\":{\"mqtt\":{\"content\":\"" + p + "\",\"qos\":1}}}");
        }
        assertThat(hf.publish("{\"items\":[" + items + "]}").statusCode()).isEqualTo(200);
    }

    private static String text(MqttPublishMessage p) {
        ByteBuf b = p.payload();
        return b.toString(StandardCharsets.UTF_8);
    }

    private static MqttPublishMessage nextPublish(NettyMqttClient c) throws InterruptedException {
        MqttMessage m = c.next();
        assertThat(m).isInstanceOf(MqttPublishMessage.class);
        return (MqttPublishMessage) m;
    }

    @Test
    void anUnacknowledgedQos1MessageIsRedeliveredWithDupAfterReconnect() throws Exception {
        try (NettyMqttClient first = new NettyMqttClient(hf.server().mqttPort())) {
            assertThat(((MqttConnAckMessage) first.connect("meter", false)).variableHeader().isSessionPresent()).isFalse();
            assertThat(first.subscribe("m/#", 1)).isInstanceOf(MqttSubAckMessage.class);
            publishQos1("m/1", "reading");
            MqttPublishMessage p = nextPublish(first);
            assertThat(text(p)).isEqualTo("reading");
            assertThat(p.fixedHeader().isDup()).isFalse();
            p.release();
        } // gone without PUBACK
        try (NettyMqttClient again = new NettyMqttClient(hf.server().mqttPort())) {
            assertThat(((MqttConnAckMessage) again.connect("meter", false)).variableHeader().isSessionPresent()).isTrue();
            MqttPublishMessage p = nextPublish(again);
            assertThat(text(p)).isEqualTo("reading");
            assertThat(p.fixedHeader().isDup()).isTrue();
            again.send(MqttMessageBuilders.pubAck().packetId(p.variableHeader().packetId()).build());
            p.release();
            publishQos1("m/2", "next");
            MqttPublishMessage n = nextPublish(again);
            assertThat(text(n)).isEqualTo("next");
            n.release();
        }
    }

    @Test
    void beyondMaxInflightMessagesQueueAndBeyondMaxQueuedTheyAreDroppedAndCounted() throws Exception {
        try (NettyMqttClient c = new NettyMqttClient(hf.server().mqttPort())) {
            c.connect("slow", false);
            c.subscribe("w", 1);
            publishQos1("w", "1", "2", "3", "4", "5", "6", "7");
            MqttPublishMessage a = nextPublish(c);
            MqttPublishMessage b = nextPublish(c);
            assertThat(text(a) + text(b)).isEqualTo("12");
            assertThat(c.poll(300)).isNull(); // max_inflight = 2
            await().atMost(Duration.ofSeconds(10)).until(() -> hf.server().mqttBroker().droppedCount() == 2);

            c.send(MqttMessageBuilders.pubAck().packetId(a.variableHeader().packetId()).build());
            MqttPublishMessage third = nextPublish(c);
            assertThat(text(third)).isEqualTo("3");
            for (MqttPublishMessage p : new MqttPublishMessage[] {b, third}) {
                c.send(MqttMessageBuilders.pubAck().packetId(p.variableHeader().packetId()).build());
            }
            StringBuilder rest = new StringBuilder();
            for (int i = 0; i < 2; i++) {
                MqttPublishMessage p = nextPublish(c);
                rest.append(text(p));
                c.send(MqttMessageBuilders.pubAck().packetId(p.variableHeader().packetId()).build());
                p.release();
            }
            assertThat(rest.toString()).isEqualTo("45"); // 6 and 7 were dropped: queue full at 3
            assertThat(c.poll(300)).isNull();
            a.release();
            b.release();
            third.release();
        }
    }

    @Test
    void aTakenOverConnectionIsClosedAndItsSessionContinues() throws Exception {
        try (NettyMqttClient first = new NettyMqttClient(hf.server().mqttPort());
             NettyMqttClient second = new NettyMqttClient(hf.server().mqttPort())) {
            first.connect("same", false);
            first.subscribe("s", 1);
            assertThat(((MqttConnAckMessage) second.connect("same", false)).variableHeader().isSessionPresent())
                    .isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> !first.isOpen());
            publishQos1("s", "kept");
            MqttPublishMessage p = nextPublish(second);
            assertThat(text(p)).isEqualTo("kept");
            p.release();
            MqttMessage m;
            while ((m = first.poll(0)) != null) {
                assertThat(m.fixedHeader().messageType()).isNotEqualTo(MqttMessageType.PUBLISH);
                ReferenceCountUtil.release(m);
            }
        }
    }
}
