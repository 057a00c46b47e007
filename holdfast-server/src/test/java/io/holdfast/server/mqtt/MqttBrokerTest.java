package io.holdfast.server.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.holdfast.server.config.ListenAddress;
import io.holdfast.server.testing.Holdfast;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The MQTT broker with Debian's mosquitto clients over loopback, MQTT 3.1.1 and 5. */
class MqttBrokerTest {
    private Holdfast hf;
    private MosquittoClients mqtt;

    @BeforeEach
    void start() throws Exception {
        hf = Holdfast.start(b -> b.mqtt(b.mqtt().withListener(new ListenAddress("127.0.0.1", 0))));
        mqtt = new MosquittoClients(hf.server().mqttPort());
    }

    @AfterEach
    void stop() {
        mqtt.close();
        hf.close();
    }

    @Test
    void qos1PublishReachesAnExactSubscriberInBothVersions() throws Exception {
        for (String v : new String[] {"mqttv311", "mqttv5"}) {
            MosquittoClients.Sub sub = mqtt.subscribe("-V", v, "-q", "1", "-t", "rooms/" + v);
            assertThat(mqtt.publish("-V", v, "-q", "1", "-t", "rooms/" + v, "-m", "hello " + v)).isZero();
            assertThat(sub.next()).isEqualTo("rooms/" + v + " hello " + v);
        }
    }

    @Test
    void wildcardSubscribersSeeMatchingTopicsOnly() throws Exception {
        MosquittoClients.Sub plus = mqtt.subscribe("-V", "mqttv5", "-t", "sensors/+/temp");
        MosquittoClients.Sub hash = mqtt.subscribe("-V", "mqttv311", "-t", "sensors/#");
        mqtt.publish("-t", "sensors/kitchen/temp", "-m", "21");
        mqtt.publish("-t", "sensors/kitchen/humidity", "-m", "40");
        mqtt.publish("-t", "other/kitchen/temp", "-m", "x");
        mqtt.publish("-t", "sensors/hall/temp", "-m", "19");
        assertThat(plus.next()).isEqualTo("sensors/kitchen/temp 21");
        assertThat(plus.next()).isEqualTo("sensors/hall/temp 19");
        assertThat(hash.next()).isEqualTo("sensors/kitchen/temp 21");
        assertThat(hash.next()).isEqualTo("sensors/kitchen/humidity 40");
        assertThat(hash.next()).isEqualTo("sensors/hall/temp 19");
    }

    @Test
    void retainedMessagesAreSetReplacedClearedAndSentOnSubscribeAlsoToWildcards() throws Exception {
        mqtt.publish("-r", "-t", "door/front", "-m", "open");
        mqtt.publish("-r", "-t", "door/front", "-m", "closed");
        mqtt.publish("-r", "-t", "door/back", "-m", "open");
        await().atMost(Duration.ofSeconds(10)).until(() -> hf.server().mqttBroker().retainedCount() == 2);

        MosquittoClients.Sub exact = mqtt.subscribe("-V", "mqttv311", "-t", "door/front");
        assertThat(exact.next()).isEqualTo("door/front closed");
        MosquittoClients.Sub wild = mqtt.subscribe("-V", "mqttv5", "-t", "door/+");
        assertThat(java.util.List.of(wild.next(), wild.next()))
                .containsExactlyInAnyOrder("door/front closed", "door/back open");

        mqtt.publish("-r", "-n", "-t", "door/front"); // an empty retained message clears the topic
        await().atMost(Duration.ofSeconds(10)).until(() -> hf.server().mqttBroker().retainedCount() == 1);
        MosquittoClients.Sub later = mqtt.subscribe("-t", "door/#");
        assertThat(later.next()).isEqualTo("door/back open");
        assertThat(later.poll(300)).isNull();
    }

    @Test
    void theWillGoesOutWhenAClientVanishes() throws Exception {
        MosquittoClients.Sub watcher = mqtt.subscribe("-t", "status/#");
        MosquittoClients.Sub device = mqtt.subscribe("-i", "device-7", "-t", "cmd/device-7",
                "--will-topic", "status/device-7", "--will-payload", "offline");
        device.process.destroyForcibly(); // SIGKILL: no DISCONNECT, so the will must go out
        assertThat(watcher.next()).isEqualTo("status/device-7 offline");
    }

    @Test
    void aCleanDisconnectSendsNoWill() throws Exception {
        MosquittoClients.Sub watcher = mqtt.subscribe("-t", "status/#");
        // -E: subscribe, then DISCONNECT normally
        assertThat(mqtt.runSub("-i", "device-8", "-t", "cmd/x", "-E",
                "--will-topic", "status/device-8", "--will-payload", "offline")).isZero();
        mqtt.publish("-t", "status/marker", "-m", "after");
        assertThat(watcher.next()).isEqualTo("status/marker after");
    }

    @Test
    void aPersistentSessionQueuesQos1WhileOfflineAndDeliversOnReconnect() throws Exception {
        // clean session off (-c), QoS 1: subscribe, then leave
        assertThat(mqtt.runSub("-V", "mqttv311", "-c", "-i", "logger", "-q", "1", "-t", "log/#", "-E")).isZero();
        await().atMost(Duration.ofSeconds(10)).until(() -> hf.server().mqttBroker().sessionCount() == 1);
        mqtt.publish("-q", "1", "-t", "log/a", "-m", "one");
        mqtt.publish("-q", "1", "-t", "log/b", "-m", "two");
        mqtt.publish("-q", "0", "-t", "log/c", "-m", "qos0 is not queued");
        MosquittoClients.Sub back = mqtt.subscribe("-V", "mqttv311", "-c", "-i", "logger", "-q", "1", "-t", "log/#");
        assertThat(back.next()).isEqualTo("log/a one");
        assertThat(back.next()).isEqualTo("log/b two");
        assertThat(back.poll(300)).isNull();
    }

    @Test
    void aCleanSessionIsForgottenWhenItsConnectionEnds() throws Exception {
        assertThat(mqtt.runSub("-i", "brief", "-q", "1", "-t", "t", "-E")).isZero();
        await().atMost(Duration.ofSeconds(10)).until(() -> hf.server().mqttBroker().sessionCount() == 0);
    }

    @Test
    void aSecondConnectionWithTheSameClientIdTakesTheSessionOver() throws Exception {
        MosquittoClients.Sub first = mqtt.subscribe("-V", "mqttv5", "-i", "twin", "-t", "a");
        MosquittoClients.Sub second = mqtt.subscribe("-V", "mqttv311", "-i", "twin", "-t", "b");
        mqtt.publish("-t", "b", "-m", "to the new one");
        assertThat(second.next()).isEqualTo("b to the new one");
        // the publisher's clean session ends with its connection; one "twin" session remains
        await().atMost(Duration.ofSeconds(10)).until(() -> hf.server().mqttBroker().sessionCount() == 1);
        assertThat(first.messages).isEmpty();
    }
}
