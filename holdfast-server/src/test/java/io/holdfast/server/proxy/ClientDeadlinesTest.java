package io.holdfast.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.server.config.ClientTimeouts;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The phase machine of {@link ClientDeadlines}, on the embedded loop's own clock. */
class ClientDeadlinesTest {
    private static final ClientTimeouts TIMEOUTS =
            new ClientTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofSeconds(20));

    private final List<ClientDeadlines.Phase> fired = new ArrayList<>();
    private final ClientDeadlines deadlines = new ClientDeadlines(TIMEOUTS, (phase, limit) -> fired.add(phase));
    private final EmbeddedChannel ch = new EmbeddedChannel();

    ClientDeadlinesTest() {
        ch.freezeTime();
        ch.pipeline().addLast(deadlines);
    }

    @AfterEach
    void finish() {
        ch.finishAndReleaseAll(); // the bytes passed through untouched
    }

    private void advance(long seconds) {
        ch.advanceTimeBy(seconds, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
    }

    private void bytes(String s) {
        ByteBuf buf = Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
        ch.writeInbound(buf);
    }

    @Test
    void aFreshConnectionGetsTheHeaderTimeoutAndAFirstByteStartsTheHeadsClock() {
        bytes("");
        advance(9);
        bytes("G");
        assertThat(deadlines.phase()).isEqualTo(ClientDeadlines.Phase.HEAD);
        advance(9);
        assertThat(fired).isEmpty();
        bytes("ET / HTTP/1.1\r\n"); // more of the head does not reset its clock
        advance(1);
        assertThat(fired).containsExactly(ClientDeadlines.Phase.HEAD);
    }

    @Test
    void aSilentNewConnectionExpiresAsFresh() {
        advance(10);
        assertThat(fired).containsExactly(ClientDeadlines.Phase.FRESH);
    }

    @Test
    void aBodyMayTakeAnyTimeWhileBytesKeepComingButNotAPause() {
        bytes("POST / HTTP/1.1\r\n\r\n");
        deadlines.onHead();
        for (int i = 0; i < 10; i++) {
            advance(4);
            bytes("data");
        }
        assertThat(fired).isEmpty();
        deadlines.onReadingPaused(true); // Holdfast stopped reading: not the client's stall
        advance(60);
        assertThat(fired).isEmpty();
        deadlines.onReadingPaused(false);
        advance(5);
        assertThat(fired).containsExactly(ClientDeadlines.Phase.BODY);
    }

    @Test
    void answeringHasNoDeadlineThenKeepAliveIdleDoes() {
        bytes("GET / HTTP/1.1\r\n\r\n");
        deadlines.onHead();
        deadlines.onBodyEnd();
        advance(3600);
        assertThat(fired).as("a held request is never timed out").isEmpty();
        deadlines.onAwaitNext();
        assertThat(deadlines.phase()).isEqualTo(ClientDeadlines.Phase.IDLE);
        advance(19);
        assertThat(fired).isEmpty();
        advance(1);
        assertThat(fired).containsExactly(ClientDeadlines.Phase.IDLE);
    }

    @Test
    void bytesWhileAnsweringAreAPipelinedHeadWhoseClockStartsWhenTheResponseEnds() {
        bytes("GET /a HTTP/1.1\r\n\r\n");
        deadlines.onHead();
        deadlines.onBodyEnd();
        bytes("GET /b HT");
        deadlines.onAwaitNext();
        assertThat(deadlines.phase()).isEqualTo(ClientDeadlines.Phase.HEAD);
        advance(10);
        assertThat(fired).containsExactly(ClientDeadlines.Phase.HEAD);
    }

    @Test
    void zeroTurnsATimeoutOff() {
        EmbeddedChannel off = new EmbeddedChannel();
        off.freezeTime();
        List<ClientDeadlines.Phase> none = new ArrayList<>();
        off.pipeline().addLast(new ClientDeadlines(new ClientTimeouts(Duration.ZERO, Duration.ZERO, Duration.ZERO),
                (phase, limit) -> none.add(phase)));
        off.advanceTimeBy(1, TimeUnit.DAYS);
        off.runScheduledPendingTasks();
        assertThat(none).isEmpty();
        assertThat(off.finish()).isFalse();
    }
}
