package io.holdfast.server.ws;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.grip.websocket.WebSocketEvent;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Partial acceptance and replay (Content-Bytes-Accepted / -Replayed, Pushpin 1.41) on the outgoing queue. */
class OverHttpOutboxTest {
    private final OverHttpOutbox outbox = new OverHttpOutbox(10);

    private static List<String> texts(OverHttpOutbox.Batch batch) {
        return batch.events().stream().map(e -> e.type() + ":" + e.text()).toList();
    }

    @Test
    void withoutTheHeaderEverythingOfferedIsAccepted() {
        outbox.add(WebSocketEvent.text("abc"));
        outbox.add(WebSocketEvent.text("de"));
        OverHttpOutbox.Batch batch = outbox.next(false);
        assertThat(texts(batch)).containsExactly("TEXT:abc", "TEXT:de");
        assertThat(batch.replayedBytes()).isZero();
        assertThat(outbox.onAnswer(batch, null).ok()).isTrue();
        assertThat(outbox.isEmpty()).isTrue();
        assertThat(outbox.queuedBytes()).isZero();
    }

    @Test
    void theUnacceptedRestIsOfferedAgainFirstAndMarkedAsReplayed() {
        outbox.add(WebSocketEvent.text("abc"));
        outbox.add(WebSocketEvent.binary(new byte[] {1, 2, 3, 4}));
        OverHttpOutbox.Batch first = outbox.next(false);
        assertThat(outbox.onAnswer(first, "5").ok()).isTrue();
        assertThat(outbox.queuedBytes()).isEqualTo(2);
        assertThat(outbox.replayBytes()).isEqualTo(2);
        assertThat(outbox.hasNewData()).as("a replay alone is no reason for a request").isFalse();

        outbox.add(WebSocketEvent.text("xy"));
        assertThat(outbox.hasNewData()).isTrue();
        OverHttpOutbox.Batch second = outbox.next(false);
        assertThat(second.replayedBytes()).isEqualTo(2);
        assertThat(second.events()).hasSize(2);
        assertThat(second.events().get(0).type()).as("a message accepted in part keeps its type")
                .isEqualTo(WebSocketEvent.Type.BINARY);
        assertThat(second.events().get(0).content()).containsExactly(3, 4);
        assertThat(outbox.onAnswer(second, " 4 ").ok()).isTrue();
        assertThat(outbox.isEmpty()).isTrue();
        assertThat(outbox.next(false).replayedBytes()).isZero();
    }

    @Test
    void acceptingMoreThanOfferedIsAnError() {
        outbox.add(WebSocketEvent.text("abc"));
        OverHttpOutbox.Outcome outcome = outbox.onAnswer(outbox.next(false), "4");
        assertThat(outcome.ok()).isFalse();
        assertThat(outcome.error()).contains("accepted 4 bytes of 3");
        assertThat(outbox.onAnswer(OverHttpOutbox.Batch.of(List.of(WebSocketEvent.open())), "1").ok())
                .as("nothing is offered with OPEN").isFalse();
    }

    @Test
    void aMalformedOrNegativeHeaderMeansEverything() {
        outbox.add(WebSocketEvent.text("abc"));
        assertThat(outbox.onAnswer(outbox.next(false), "lots").ok()).isTrue();
        assertThat(outbox.isEmpty()).isTrue();
        outbox.add(WebSocketEvent.text("abc"));
        assertThat(outbox.onAnswer(outbox.next(false), "-1").ok()).isTrue();
        assertThat(outbox.isEmpty()).isTrue();
    }

    @Test
    void aRequestThatCouldNotCarryEverythingMustMakeProgress() {
        outbox.add(WebSocketEvent.text("12345678"));
        outbox.add(WebSocketEvent.text("12345678"));
        OverHttpOutbox.Batch batch = outbox.next(false);
        assertThat(batch.events()).hasSize(1);
        assertThat(batch.maxed()).isTrue();
        assertThat(outbox.onAnswer(batch, "0").ok()).isFalse();
    }

    @Test
    void acceptingNothingOfAFullRequestWaitsForMore() {
        outbox.add(WebSocketEvent.text("abc"));
        OverHttpOutbox.Batch batch = outbox.next(false);
        assertThat(outbox.onAnswer(batch, "0").ok()).isTrue();
        assertThat(outbox.hasNewData()).isFalse();
        assertThat(outbox.next(false).replayedBytes()).isEqualTo(3);
    }

    @Test
    void aCloseBehindUnacceptedContentIsSentAgain() {
        outbox.add(WebSocketEvent.text("abc"));
        outbox.add(WebSocketEvent.close(1000, "ok"));
        OverHttpOutbox.Batch batch = outbox.next(false);
        assertThat(batch.hasClose()).isTrue();
        assertThat(batch.closeBytes()).isEqualTo(4);
        OverHttpOutbox.Outcome outcome = outbox.onAnswer(batch, "2");
        assertThat(outcome.ok()).isTrue();
        assertThat(outcome.closeSent()).isFalse();
        assertThat(outbox.hasNewData()).as("the CLOSE was offered already").isFalse();
        OverHttpOutbox.Batch again = outbox.next(false);
        assertThat(texts(again)).containsExactly("TEXT:c", "CLOSE:" + new String(new byte[] {3, (byte) 0xe8}, java.nio.charset.StandardCharsets.UTF_8) + "ok");
        assertThat(again.replayedBytes()).isEqualTo(1);
        OverHttpOutbox.Outcome done = outbox.onAnswer(again, null);
        assertThat(done.closeSent()).isTrue();
        assertThat(outbox.isEmpty()).isTrue();
    }

    @Test
    void onceAllContentIsAcceptedTheCloseMustBeToo() {
        outbox.add(WebSocketEvent.text("abc"));
        outbox.add(WebSocketEvent.close(1000, ""));
        assertThat(outbox.onAnswer(outbox.next(false), "4").ok()).isFalse();
    }

    @Test
    void oneEventSendsOneAtATimeAndAnEmptyMessageArrivingMeanwhileIsKept() {
        outbox.add(WebSocketEvent.text("ab"));
        OverHttpOutbox.Batch batch = outbox.next(true);
        outbox.add(WebSocketEvent.text(""));
        assertThat(outbox.onAnswer(batch, "2").ok()).isTrue();
        assertThat(texts(outbox.next(true))).containsExactly("TEXT:");
    }
}
