package io.holdfast.server.hold;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.holdfast.server.testing.Holdfast;
import io.holdfast.server.testing.StreamClients;
import io.holdfast.grip.websocket.WebSocketEvent;
import io.holdfast.server.testing.WsClient;
import io.holdfast.server.testing.WsOverHttpOrigin;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Ordering, de-duplication and history resume (spec 3.5, 4, and Holdfast's history). */
class ReliabilityTest {
    private Holdfast holdfast;
    private StreamClients clients = new StreamClients();

    @AfterEach
    void stop() {
        clients.close();
        if (holdfast != null) {
            holdfast.close();
        }
    }

    private void publish(String id, String prevId, String content) throws Exception {
        holdfast.publish("{\"items\":[{\"channel\":\"c\",\"id\":\"" + id + "\""
                + (prevId == null ? "" : ",\"prev-id\":\"" + prevId + "\"")
                + ",\"formats\":{\"http-stream\":{\"content\":\"" + content + "\\n\"},"
                + "\"ws-message\":{\"content\":\"" + content + "\"}}}]}");
    }

    private StreamClients.Stream stream(String path) throws Exception {
        long before = holdfast.server().pubsub().subscriptionCount();
        StreamClients.Stream s = clients.open(holdfast.port(), path);
        await().until(() -> holdfast.server().pubsub().subscriptionCount() > before);
        return s;
    }

    @Test
    void outOfOrderPublishesArriveInOrder() throws Exception {
        holdfast = Holdfast.start("* test");
        StreamClients.Stream s = stream("/stream?channel=c");
        publish("1", null, "one");
        publish("3", "2", "three");
        publish("4", "3", "four");
        publish("2", "1", "two");
        await().until(() -> s.body().contains("four"));
        assertThat(s.body()).isEqualTo("[stream opened]\none\ntwo\nthree\nfour\n");
        assertThat(holdfast.server().counters().outOfOrderHeld.sum()).isEqualTo(2);
    }

    @Test
    void aGapIsReleasedAfterMessageWait() throws Exception {
        holdfast = Holdfast.start(b -> b.messageWait(Duration.ofMillis(300)), "* test");
        StreamClients.Stream s = stream("/stream?channel=c");
        publish("1", null, "one");
        publish("3", "2", "three");
        await().atMost(Duration.ofSeconds(5)).until(() -> s.body().contains("three"));
        assertThat(s.body()).isEqualTo("[stream opened]\none\nthree\n");
    }

    @Test
    void duplicateIdsAreDropped() throws Exception {
        holdfast = Holdfast.start("* test");
        StreamClients.Stream s = stream("/stream?channel=c");
        publish("a", null, "first");
        publish("a", null, "again");
        publish("b", "a", "second");
        await().until(() -> s.body().contains("second"));
        assertThat(s.body()).isEqualTo("[stream opened]\nfirst\nsecond\n");
        assertThat(holdfast.server().counters().duplicatesDropped.sum()).isEqualTo(1);
    }

    private StreamClients.Stream sseWithLastEventId(String lastId) throws Exception {
        long before = holdfast.server().pubsub().subscriptionCount();
        StreamClients.Stream resumed = clients.openWithHeader(holdfast.port(), "/sse?channel=c", "Last-Event-ID", lastId);
        await().until(() -> holdfast.server().pubsub().subscriptionCount() > before);
        return resumed;
    }

    @Test
    void sseResumeWithLastEventIdGetsExactlyTheMissedMessagesThenLiveOnes() throws Exception {
        holdfast = Holdfast.start(b -> b.historyChannels(List.of("c", "other-*")), "* test");
        publish("1", null, "one");
        publish("2", "1", "two");
        publish("3", "2", "three");
        StreamClients.Stream s = sseWithLastEventId("1");
        publish("4", "3", "four");
        await().until(() -> s.body().contains("four"));
        assertThat(s.body()).endsWith("two\nthree\nfour\n");
        assertThat(s.body().split("two", -1)).hasSize(2);
    }

    @Test
    void sseResumeFromAnIdNoLongerInHistoryGetsTheResetEvent() throws Exception {
        holdfast = Holdfast.start(b -> b.historyChannels(List.of("c")).historySize(2), "* test");
        publish("1", null, "one");
        publish("2", "1", "two");
        publish("3", "2", "three");
        StreamClients.Stream s = sseWithLastEventId("1");
        await().until(() -> s.body().contains("holdfast-reset"));
        assertThat(s.body()).contains("event: holdfast-reset\ndata: {\"channel\":\"c\",\"last-id\":\"1\"}\n\n");
    }

    @Test
    void aWebSocketResumeControlReplaysHistoryOrSignalsReset() throws Exception {
        try (WsOverHttpOrigin origin = new WsOverHttpOrigin((req, n) -> {
            String lastId = req.header("X-Last");
            return !req.events().isEmpty() && req.events().get(0).type() == WebSocketEvent.Type.OPEN
                    ? WsOverHttpOrigin.Reply.of(WebSocketEvent.open(),
                            WebSocketEvent.text("c:{\"type\":\"resume\",\"channel\":\"c\",\"last-id\":\"" + lastId + "\"}"))
                        .header("Sec-WebSocket-Extensions", "grip")
                    : WsOverHttpOrigin.Reply.of();
        })) {
            holdfast = Holdfast.start(b -> b.historyChannels(List.of("c")).historySize(3), "* " + origin.target());
            publish("1", null, "one");
            publish("2", "1", "two");
            publish("3", "2", "three");
            var builder = Holdfast.CLIENT.newWebSocketBuilder().header("X-Last", "1");
            WsClient resumed = new WsClient();
            builder.buildAsync(URI.create("ws://127.0.0.1:" + holdfast.port() + "/ws"), resumed).get();
            assertThat(List.of(resumed.next(), resumed.next())).containsExactly("two", "three");
            publish("4", "3", "four");
            assertThat(resumed.next()).isEqualTo("four");

            WsClient tooOld = new WsClient();
            Holdfast.CLIENT.newWebSocketBuilder().header("X-Last", "0")
                    .buildAsync(URI.create("ws://127.0.0.1:" + holdfast.port() + "/ws"), tooOld).get();
            assertThat(tooOld.next()).isEqualTo("{\"type\":\"holdfast-reset\",\"channel\":\"c\",\"last-id\":\"0\"}");
        }
    }
}
