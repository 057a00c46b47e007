package io.holdfast.server.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.grip.publish.HttpStreamFormat;
import io.holdfast.grip.publish.PublishItem;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Per-channel history for resumes: what a subscriber that last saw an id gets, and when that id is gone. */
class ChannelHistoryTest {
    private static final long SECOND = 1_000_000_000L;

    private static PublishItem item(String channel, String id) {
        return PublishItem.builder(channel).id(id).httpStream(HttpStreamFormat.of("x")).build();
    }

    private static List<String> ids(ChannelHistory.Replay replay) {
        return replay.items().stream().map(PublishItem::id).toList();
    }

    @Test
    void replaysWhatCameAfterTheLastSeenId() {
        ChannelHistory history = new ChannelHistory(List.of("news"), 10, 60 * SECOND);
        for (String id : List.of("1", "2", "3")) {
            history.add(item("news", id), 0);
        }

        assertThat(ids(history.after("news", "1", 0))).containsExactly("2", "3");
        assertThat(history.after("news", "3", 0)).isEqualTo(new ChannelHistory.Replay(List.of(), false));
        assertThat(history.after("news", "9", 0).gone()).isTrue();
        assertThat(history.after("news", null, 0)).isEqualTo(ChannelHistory.Replay.NONE);
    }

    @Test
    void keepsOnlyChannelsMatchingTheGlobsAndItemsWithIds() {
        ChannelHistory history = new ChannelHistory(List.of("room-*", "exact"), 10, 60 * SECOND);

        assertThat(history.enabledFor("room-1")).isTrue();
        assertThat(history.enabledFor("room-")).isTrue();
        assertThat(history.enabledFor("exact")).isTrue();
        assertThat(history.enabledFor("exactly")).isFalse();
        assertThat(history.enabledFor("xroom-1")).isFalse();

        history.add(item("other", "1"), 0);
        history.add(item("room-1", null), 0);
        assertThat(history.after("other", "1", 0).gone()).as("never recorded").isTrue();
        assertThat(history.after("room-1", null, 0)).isEqualTo(ChannelHistory.Replay.NONE);
    }

    @Test
    void treatsGlobPunctuationOtherThanStarLiterally() {
        ChannelHistory history = new ChannelHistory(List.of("a.b"), 10, 60 * SECOND);

        assertThat(history.enabledFor("a.b")).isTrue();
        assertThat(history.enabledFor("axb")).isFalse();
    }

    @Test
    void dropsTheOldestBeyondTheSizeSoItsIdIsGone() {
        ChannelHistory history = new ChannelHistory(List.of("*"), 2, 60 * SECOND);
        for (String id : List.of("1", "2", "3")) {
            history.add(item("c", id), 0);
        }

        assertThat(history.after("c", "1", 0).gone()).isTrue();
        assertThat(ids(history.after("c", "2", 0))).containsExactly("3");
    }

    @Test
    void itemsOlderThanTheTtlAgeOutAndSweepForgetsEmptyChannels() {
        ChannelHistory history = new ChannelHistory(List.of("*"), 10, 5 * SECOND);
        history.add(item("c", "1"), 0);
        history.add(item("c", "2"), 4 * SECOND);

        assertThat(ids(history.after("c", "1", 5 * SECOND))).containsExactly("2");
        assertThat(history.after("c", "1", 6 * SECOND).gone()).as("1 aged out").isTrue();
        assertThat(ids(history.after("c", "2", 6 * SECOND))).isEmpty();

        history.sweep(10 * SECOND);
        assertThat(history.after("c", "2", 10 * SECOND).gone()).isTrue();
    }
}
