package io.holdfast.server.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.server.config.ListenAddress;
import io.holdfast.server.testing.Holdfast;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Eclipse Paho Java client (MQTT 3.1.1) against Holdfast: QoS 1, retained, will, persistent sessions. */
class PahoClientTest {
    private Holdfast hf;
    private final java.util.List<MqttClient> clients = new java.util.ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        hf = Holdfast.start(b -> b.mqtt(b.mqtt().withListener(new ListenAddress("127.0.0.1", 0))));
    }

    @AfterEach
    void stop() throws Exception {
        for (MqttClient c : clients) {
            if (c.isConnected()) {
                c.disconnectForcibly(1000, 1000);
            }
            c.close(true);
        }
        hf.close();
    }

    private MqttClient client(String id, boolean clean, String willTopic) throws Exception {
        MqttClient c = new MqttClient("tcp://127.0.0.1:" + hf.server().mqttPort(), id, new MemoryPersistence());
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(clean);
        o.setConnectionTimeout(10);
        o.setKeepAliveInterval(30);
        o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        if (willTopic != null) {
            o.setWill(willTopic, "gone".getBytes(StandardCharsets.UTF_8), 1, false);
        }
        c.setTimeToWait(10_000);
        c.connect(o);
        clients.add(c);
        return c;
    }

    private static LinkedBlockingQueue<String> subscribe(MqttClient c, String filter) throws Exception {
        LinkedBlockingQueue<String> got = new LinkedBlockingQueue<>();
        c.subscribe(filter, 1, (topic, m) -> got.add(topic + " " + new String(m.getPayload(), StandardCharsets.UTF_8)
                + (m.isRetained() ? " (retained)" : "") + " q" + m.getQos()));
        return got;
    }

    @Test
    void qos1RetainedAndWillWithPaho() throws Exception {
        MqttClient pub = client("paho-pub", true, null);
        pub.publish("farm/barn/temp", "18".getBytes(StandardCharsets.UTF_8), 1, true);

        MqttClient sub = client("paho-sub", true, null);
        LinkedBlockingQueue<String> got = subscribe(sub, "farm/+/temp");
        assertThat(got.poll(10, TimeUnit.SECONDS)).isEqualTo("farm/barn/temp 18 (retained) q1");
        pub.publish("farm/barn/temp", "19".getBytes(StandardCharsets.UTF_8), 1, false);
        assertThat(got.poll(10, TimeUnit.SECONDS)).isEqualTo("farm/barn/temp 19 q1");

        LinkedBlockingQueue<String> wills = subscribe(sub, "status/#");
        MqttClient dying = client("paho-dying", true, "status/paho-dying");
        dying.disconnectForcibly(0, 1000, false); // no DISCONNECT packet: the will goes out
        assertThat(wills.poll(10, TimeUnit.SECONDS)).isEqualTo("status/paho-dying gone q1");
    }

    @Test
    void aPersistentPahoSessionGetsWhatWasPublishedWhileItWasAway() throws Exception {
        MqttClient away = client("paho-away", false, null);
        away.subscribe("inbox/paho-away", 1);
        away.disconnect(5000);
        MqttClient pub = client("paho-pub2", true, null);
        pub.publish("inbox/paho-away", "while you were out".getBytes(StandardCharsets.UTF_8), 1, false);

        MqttClient back = new MqttClient("tcp://127.0.0.1:" + hf.server().mqttPort(), "paho-away",
                new MemoryPersistence());
        clients.add(back);
        LinkedBlockingQueue<String> got = new LinkedBlockingQueue<>();
        back.setCallback(new org.eclipse.paho.client.mqttv3.MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
            }

            @Override
            public void messageArrived(String topic, org.eclipse.paho.client.mqttv3.MqttMessage m) {
                got.add(topic + " " + new String(m.getPayload(), StandardCharsets.UTF_8));
            }

            @Override
            public void deliveryComplete(org.eclipse.paho.client.mqttv3.IMqttDeliveryToken token) {
            }
        });
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(false);
        o.setConnectionTimeout(10);
        back.connect(o);
        assertThat(got.poll(10, TimeUnit.SECONDS)).isEqualTo("inbox/paho-away while you were out");
    }
}
