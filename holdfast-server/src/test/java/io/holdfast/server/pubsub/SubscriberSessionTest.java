package io.holdfast.server.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.holdfast.server.config.UnsentBudget;
import io.holdfast.server.listen.ClientChannelInitializer;
import io.holdfast.server.stats.Counters;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The subscriber-session policy on {@link EmbeddedChannel}s: unflushed writes stand for a client that does not read. */
class SubscriberSessionTest {
    private final List<EmbeddedChannel> channels = new ArrayList<>();
    private final Counters counters = new Counters();

    /** What the policy asked its owner to do. */
    private static final class Owner implements SubscriberSession.Owner {
        final List<String> cutOffs = new ArrayList<>();
        int keepAlives;

        @Override
        public void onKeepAlive() {
            keepAlives++;
        }

        @Override
        public void onCutOff(String reason) {
            cutOffs.add(reason);
        }
    }

    private EmbeddedChannel channel() {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.config().setWriteBufferWaterMark(ClientChannelInitializer.WATER_MARKS);
        channels.add(ch);
        return ch;
    }

    @AfterEach
    void releaseEverything() {
        for (EmbeddedChannel ch : channels) {
            ch.finishAndReleaseAll();
        }
    }

    private static void writeUnflushed(EmbeddedChannel ch, int bytes) {
        ch.write(Unpooled.wrappedBuffer(new byte[bytes]));
    }

    private static long nettyPending(EmbeddedChannel ch) {
        // Only the test looks inside, to check the figure the water marks give.
        return ch.unsafe().outboundBuffer().totalPendingWriteBytes();
    }

    @Test
    void pendingBytesAreReadExactlyThroughTheWaterMarksOnBothSides() {
        EmbeddedChannel ch = channel();
        assertThat(SubscriberSession.pendingBytes(ch)).isZero();
        writeUnflushed(ch, 10_000);
        assertThat(ch.isWritable()).isTrue();
        assertThat(SubscriberSession.pendingBytes(ch)).isEqualTo(nettyPending(ch)).isGreaterThanOrEqualTo(10_000);
        writeUnflushed(ch, 100_000);
        assertThat(ch.isWritable()).isFalse();
        assertThat(SubscriberSession.pendingBytes(ch)).isEqualTo(nettyPending(ch)).isGreaterThanOrEqualTo(110_000);
        ch.flush();
        assertThat(SubscriberSession.pendingBytes(ch)).isZero();
        ch.close();
        assertThat(SubscriberSession.pendingBytes(ch)).isZero();
    }

    @Test
    void aQueueOverSubscriberBufferSizeIsCutOffOnceAndCounted() {
        EmbeddedChannel ch = channel();
        PubSub pubsub = new PubSub(ch.eventLoop(), counters);
        Owner owner = new Owner();
        SubscriberSession session = new SubscriberSession(pubsub, ch, 16 * 1024, owner);
        assertThat(session.admit("c", 100)).isTrue();
        writeUnflushed(ch, 20_000);
        session.wrote();
        assertThat(pubsub.unsentBytes().total()).isGreaterThanOrEqualTo(20_000);

        assertThat(session.admit("c", 100)).isFalse();
        assertThat(session.admit("c", 100)).isFalse();
        assertThat(owner.cutOffs).singleElement().asString().contains("subscriber_buffer_size 16384");
        assertThat(counters.slowSubscribersDropped.sum()).isEqualTo(1);
        assertThat(counters.unsentBudgetCutOffs.sum()).isZero();
        assertThat(pubsub.unsentBytes().total()).as("a cut-off returns its bytes at once").isZero();
    }

    @Test
    void theLargestQueueOnTheLoopIsCutOffBeforeTheBudgetIsExceeded() {
        EmbeddedChannel big = channel();
        EmbeddedChannel small = channel();
        PubSub pubsub = new PubSub(big.eventLoop(), counters, new UnsentBudget(64 * 1024, 64 * 1024));
        UnsentBytes.Loop share = pubsub.unsentBytes().loop(big.eventLoop());
        Owner bigOwner = new Owner();
        Owner smallOwner = new Owner();
        SubscriberSession bigSession = new SubscriberSession(pubsub, share, big, 1 << 20, bigOwner);
        SubscriberSession smallSession = new SubscriberSession(pubsub, share, small, 1 << 20, smallOwner);
        writeUnflushed(big, 40_000);
        bigSession.wrote();
        writeUnflushed(small, 10_000);
        smallSession.wrote();

        assertThat(smallSession.admit("c", 1_000)).as("fits").isTrue();
        assertThat(smallSession.admit("c", 20_000)).as("fits once the largest queue is gone").isTrue();

        assertThat(bigOwner.cutOffs).singleElement().asString().contains("largest queue").contains("unsent_bytes");
        assertThat(smallOwner.cutOffs).isEmpty();
        assertThat(counters.unsentBudgetCutOffs.sum()).isEqualTo(1);
        assertThat(pubsub.unsentBytes().total()).isEqualTo(nettyPending(small));
    }

    @Test
    void overTheProcessWideBudgetTheLargestQueueIsCutOffOnItsOwnLoopNotASmallOneElsewhere() {
        EmbeddedChannel bigChannel = channel();
        EmbeddedChannel smallChannel = channel();
        PubSub pubsub = new PubSub(bigChannel.eventLoop(), counters);
        UnsentBytes budget = new UnsentBytes(List.of(bigChannel.eventLoop(), smallChannel.eventLoop()),
                64 * 1024, 1 << 20);
        Owner bigOwner = new Owner();
        Owner smallOwner = new Owner();
        SubscriberSession big = new SubscriberSession(pubsub, budget.loop(bigChannel.eventLoop()), bigChannel,
                1 << 20, bigOwner);
        SubscriberSession small = new SubscriberSession(pubsub, budget.loop(smallChannel.eventLoop()), smallChannel,
                1 << 20, smallOwner);
        writeUnflushed(bigChannel, 50_000);
        big.wrote();
        writeUnflushed(smallChannel, 5_000);
        small.wrote();

        // Near the total, but this loop's largest queue is a small one: it is not cut, the big loop is asked.
        assertThat(small.admit("c", 5_000)).isTrue();
        writeUnflushed(smallChannel, 5_000);
        small.wrote();
        assertThat(smallOwner.cutOffs).isEmpty();
        bigChannel.runPendingTasks();
        assertThat(bigOwner.cutOffs).singleElement().asString().contains("unsent_bytes_max 65536");
        assertThat(budget.total()).isEqualTo(nettyPending(smallChannel)).isLessThan(64 * 1024);
    }

    @Test
    void theProcessWideLimitItselfIsNeverExceededEvenIfOtherLoopsAreSlowToAct() {
        EmbeddedChannel bigChannel = channel();
        EmbeddedChannel smallChannel = channel();
        PubSub pubsub = new PubSub(bigChannel.eventLoop(), counters);
        UnsentBytes budget = new UnsentBytes(List.of(bigChannel.eventLoop(), smallChannel.eventLoop()),
                64 * 1024, 1 << 20);
        Owner smallOwner = new Owner();
        SubscriberSession big = new SubscriberSession(pubsub, budget.loop(bigChannel.eventLoop()), bigChannel,
                1 << 20, new Owner());
        SubscriberSession small = new SubscriberSession(pubsub, budget.loop(smallChannel.eventLoop()), smallChannel,
                1 << 20, smallOwner);
        writeUnflushed(bigChannel, 50_000);
        big.wrote();
        writeUnflushed(smallChannel, 5_000);
        small.wrote();
        // The big loop has not acted (its tasks are not run): the small loop's own largest goes.
        assertThat(small.admit("c", 20_000)).isFalse();
        assertThat(smallOwner.cutOffs).singleElement().asString().contains("unsent_bytes_max 65536");
    }

    @Test
    void aSubscriberThatIsItselfTheLargestIsNotWrittenTo() {
        EmbeddedChannel ch = channel();
        PubSub pubsub = new PubSub(ch.eventLoop(), counters, new UnsentBudget(32 * 1024, 32 * 1024));
        Owner owner = new Owner();
        SubscriberSession session = new SubscriberSession(pubsub, ch, 1 << 20, owner);
        writeUnflushed(ch, 30_000);
        session.wrote();
        assertThat(session.admit("c", 8_000)).isFalse();
        assertThat(owner.cutOffs).hasSize(1);
        assertThat(session.open()).isFalse();
    }

    @Test
    void theBudgetReturnsToZeroOnceTheSocketHasTakenEverything() {
        EmbeddedChannel ch = channel();
        PubSub pubsub = new PubSub(ch.eventLoop(), counters);
        SubscriberSession session = new SubscriberSession(pubsub, ch, 1 << 20, new Owner());
        writeUnflushed(ch, 50_000);
        session.wrote();
        assertThat(pubsub.unsentBytes().total()).isGreaterThanOrEqualTo(50_000);
        // The session watches the queue: its marker write is taken with everything before it.
        session.flushed();
        ch.runPendingTasks();
        assertThat(pubsub.unsentBytes().total()).isZero();
        for (Object written; (written = ch.readOutbound()) != null; ) {
            ((ByteBuf) written).release();
        }
    }

    @Test
    void endingASessionReturnsItsBytesAndStopsItsTimer() {
        EmbeddedChannel ch = channel();
        ch.freezeTime();
        PubSub pubsub = new PubSub(ch.eventLoop(), counters);
        Owner owner = new Owner();
        SubscriberSession session = new SubscriberSession(pubsub, ch, 1 << 20, owner);
        session.keepAlive(2_000, false);
        writeUnflushed(ch, 5_000);
        session.wrote();
        session.end();
        assertThat(pubsub.unsentBytes().total()).isZero();
        ch.advanceTimeBy(10, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertThat(owner.keepAlives).isZero();
        assertThat(session.admit("c", 1)).isFalse();
        assertThat(owner.cutOffs).isEmpty();
    }

    @Test
    void keepAlivesGoOutOnlyWhenQuietAndNothingIsQueued() {
        EmbeddedChannel ch = channel();
        ch.freezeTime();
        PubSub pubsub = new PubSub(ch.eventLoop(), counters);
        Owner owner = new Owner();
        SubscriberSession session = new SubscriberSession(pubsub, ch, 1 << 20, owner);
        session.keepAlive(5_000, true);
        ch.advanceTimeBy(5, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertThat(owner.keepAlives).isEqualTo(1);

        writeUnflushed(ch, 1_000); // the client has not taken the last bytes: not idle
        ch.advanceTimeBy(6, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertThat(owner.keepAlives).isEqualTo(1);

        session.keepAlive(0, true);
        ch.flush();
        ch.advanceTimeBy(60, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertThat(owner.keepAlives).as("0 turns them off").isEqualTo(1);
        for (Object written; (written = ch.readOutbound()) != null; ) {
            ((ByteBuf) written).release();
        }
    }

    @Test
    void resetMessagesAreJsonWithEveryCharacterEscaped() throws Exception {
        String channel = "room\\1 \"quoted\"\n";
        String lastId = "id\\\"";
        JsonNode ws = new ObjectMapper().readTree(SubscriberSession.resetJson(channel, lastId, true));
        assertThat(ws.get("type").asText()).isEqualTo("holdfast-reset");
        assertThat(ws.get("channel").asText()).isEqualTo(channel);
        assertThat(ws.get("last-id").asText()).isEqualTo(lastId);

        String sse = SubscriberSession.resetSseEvent(channel, lastId);
        assertThat(sse).startsWith("event: holdfast-reset\ndata: {").endsWith("}\n\n");
        String data = sse.substring(sse.indexOf("data: ") + 6, sse.length() - 2);
        assertThat(data).doesNotContain("\n");
        JsonNode parsed = new ObjectMapper().readTree(data);
        assertThat(parsed.has("type")).isFalse();
        assertThat(parsed.get("channel").asText()).isEqualTo(channel);
        assertThat(parsed.get("last-id").asText()).isEqualTo(lastId);
    }
}
