package io.holdfast.server.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.holdfast.server.config.ListenAddress;
import io.holdfast.server.testing.Holdfast;
import io.holdfast.server.testing.StreamClients;
import io.holdfast.server.testing.WsClient;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One namespace: MQTT topics are GRIP channels, both ways, through the built-in test endpoints. */
class MqttCrossProtocolTest {
    private Holdfast hf;
    private MosquittoClients mqtt;
    private StreamClients streams;

    @BeforeEach
    void start() throws Exception {
        hf = Holdfast.start(b -> b.mqtt(b.mqtt().withListener(new ListenAddress("127.0.0.1", 0))));
        mqtt = new MosquittoClients(hf.server().mqttPort());
        streams = new StreamClients();
    }

    @AfterEach
    void stop() {
        streams.close();
        mqtt.close();
        hf.close();
    }

    @Test
    void anMqttPublishReachesSseWebSocketAndLongPollSubscribers() throws Exception {
        StreamClients.Stream sse = streams.open(hf.port(), "/test/sse?channel=sensors/t1");
        WsClient ws = WsClient.connect(URI.create("ws://127.0.0.1:" + hf.port() + "/test/websocket?channel=sensors/t1"));
        CompletableFuture<HttpResponse<String>> poll = Holdfast.CLIENT.sendAsync(
                HttpRequest.newBuilder(hf.uri("/test/long-poll?channel=sensors/t1")).build(),
                HttpResponse.BodyHandlers.ofString());
        await().atMost(Duration.ofSeconds(10)).until(() -> hf.server().pubsub().subscriptionCount() == 3);

        assertThat(mqtt.publish("-V", "mqttv5", "-q", "1", "-t", "sensors/t1", "-m", "21.5")).isZero();

        await().atMost(Duration.ofSeconds(10)).until(() -> sse.body().endsWith("data: 21.5\n\n"));
        assertThat(ws.next()).isEqualTo("21.5");
        assertThat(poll.get(10, TimeUnit.SECONDS).body()).isEqualTo("21.5");
    }

    @Test
    void aBinaryMqttPayloadIsABinaryWebSocketMessage() throws Exception {
        WsClient ws = WsClient.connect(URI.create("ws://127.0.0.1:" + hf.port() + "/test/websocket?channel=bin"));
        await().atMost(Duration.ofSeconds(10)).until(() -> hf.server().pubsub().hasSubscribers("bin"));
        java.nio.file.Path file = java.nio.file.Files.createTempFile("mqtt", ".bin");
        try {
            java.nio.file.Files.write(file, new byte[] {(byte) 0xff, (byte) 0xfe, 'a'});
            assertThat(mqtt.publish("-t", "bin", "-f", file.toString())).isZero();
            assertThat(ws.next()).startsWith("bin:");
        } finally {
            java.nio.file.Files.delete(file);
        }
    }

    @Test
    void anHttpPublishReachesMqttSubscribersWithTheMqttFormatOrTheWsMessageContent() throws Exception {
        MosquittoClients.Sub exact = mqtt.subscribe("-V", "mqttv311", "-q", "1", "-t", "alerts/fire");
        MosquittoClients.Sub wild = mqtt.subscribe("-V", "mqttv5", "-t", "alerts/#");

        assertThat(hf.publish("""
                {"items":[{"channel":"alerts/fire","formats":{"mqtt":{"content":"evacuate","qos":1}}}]}""")
                .statusCode()).isEqualTo(200);
        assertThat(exact.next()).isEqualTo("alerts/fire evacuate");
        assertThat(wild.next()).isEqualTo("alerts/fire evacuate");

        hf.publish("""
                {"items":[{"channel":"alerts/fire","formats":{"ws-message":{"content":"from ws-message"}}}]}""");
        assertThat(exact.next()).isEqualTo("alerts/fire from ws-message");
        assertThat(wild.next()).isEqualTo("alerts/fire from ws-message");

        // An item for HTTP only carries nothing an MQTT client can receive.
        hf.publish("""
                {"items":[{"channel":"alerts/fire","formats":{"http-stream":{"content":"x"}}}]}""");
        hf.publish("""
                {"items":[{"channel":"alerts/fire","formats":{"mqtt":{"content-bin":"b2s=","retain":true}}}]}""");
        assertThat(exact.next()).isEqualTo("alerts/fire ok");
        await().atMost(Duration.ofSeconds(10)).until(() -> hf.server().mqttBroker().retainedCount() == 1);
        MosquittoClients.Sub late = mqtt.subscribe("-t", "alerts/+");
        assertThat(late.next()).isEqualTo("alerts/fire ok");
    }
}
