package io.holdfast.server.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TopicTrieTest {

    private static List<String> match(TopicTrie<String> trie, String topic) {
        List<String> out = new ArrayList<>();
        trie.match(topic, (s, qos) -> out.add(s));
        out.sort(null);
        return out;
    }

    @Test
    void plusMatchesExactlyOneLevelAndHashMatchesTheRestIncludingTheParent() {
        TopicTrie<String> trie = new TopicTrie<>();
        trie.add("sensors/+/temp", "plus", 0);
        trie.add("sensors/#", "hash", 1);
        trie.add("#", "all", 0);
        trie.add("sensors/kitchen/temp", "exact", 0);

        assertThat(match(trie, "sensors/kitchen/temp")).containsExactly("all", "exact", "hash", "plus");
        assertThat(match(trie, "sensors/kitchen/humidity")).containsExactly("all", "hash");
        assertThat(match(trie, "sensors")).containsExactly("all", "hash");
        assertThat(match(trie, "sensors/a/b/temp")).containsExactly("all", "hash");
        assertThat(match(trie, "other")).containsExactly("all");
    }

    @Test
    void dollarTopicsEscapeLeadingWildcards() {
        TopicTrie<String> trie = new TopicTrie<>();
        trie.add("#", "all", 0);
        trie.add("+/info", "plus", 0);
        trie.add("$SYS/#", "sys", 0);
        assertThat(match(trie, "$SYS/info")).containsExactly("sys");
        assertThat(match(trie, "x/info")).containsExactly("all", "plus");
    }

    @Test
    void removePrunesAndCountsPairs() {
        TopicTrie<String> trie = new TopicTrie<>();
        trie.add("a/+/c", "s1", 0);
        trie.add("a/+/c", "s2", 1);
        trie.add("a/+/c", "s2", 0); // replaces the grant
        assertThat(trie.size()).isEqualTo(2);
        assertThat(trie.remove("a/+/c", "s1")).isTrue();
        assertThat(trie.remove("a/+/c", "s1")).isFalse();
        assertThat(trie.remove("a/#", "s2")).isFalse();
        assertThat(match(trie, "a/b/c")).containsExactly("s2");
        trie.remove("a/+/c", "s2");
        assertThat(trie.size()).isZero();
        assertThat(match(trie, "a/b/c")).isEmpty();
    }

    @Test
    void emptyLevelsAreLevels() {
        TopicTrie<String> trie = new TopicTrie<>();
        trie.add("a/+", "s", 0);
        assertThat(match(trie, "a/")).containsExactly("s");
        assertThat(match(trie, "a")).isEmpty();
    }

    @Test
    void topicsAgreeWithTheTrie() {
        assertThat(Topics.matches("a/#", "a")).isTrue();
        assertThat(Topics.matches("a/#", "a/b/c")).isTrue();
        assertThat(Topics.matches("a/+", "a/b")).isTrue();
        assertThat(Topics.matches("a/+", "a/b/c")).isFalse();
        assertThat(Topics.matches("a/+", "a")).isFalse();
        assertThat(Topics.matches("#", "$SYS/x")).isFalse();
        assertThat(Topics.matches("a/b", "a/b")).isTrue();
        assertThat(Topics.matches("a/b", "a/bc")).isFalse();
        assertThat(Topics.isValidFilter("a/#/b")).isFalse();
        assertThat(Topics.isValidFilter("a/b#")).isFalse();
        assertThat(Topics.isValidFilter("a+/b")).isFalse();
        assertThat(Topics.isValidFilter("+/+/#")).isTrue();
        assertThat(Topics.isValidName("a/+")).isFalse();
        assertThat(Topics.isValidName("")).isFalse();
    }
}
