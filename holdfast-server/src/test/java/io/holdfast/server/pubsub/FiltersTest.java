package io.holdfast.server.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.grip.publish.HttpStreamFormat;
import io.holdfast.grip.publish.PublishItem;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Subscription filters (spec 1.6) on their own: who gets an item and what content each subscriber sees. */
class FiltersTest {

    private record Sub(Map<String, String> meta, Set<String> channels, Map<String, String> lastIds)
            implements Filters.Context {
        Sub(Map<String, String> meta) {
            this(meta, Set.of(), Map.of());
        }

        @Override
        public boolean isSubscribed(String channel) {
            return channels.contains(channel);
        }

        @Override
        public String lastId(String channel) {
            return lastIds.get(channel);
        }
    }

    private static PublishItem item(String... meta) {
        PublishItem.Builder b = PublishItem.builder("news").httpStream(HttpStreamFormat.of("x"));
        for (int i = 0; i < meta.length; i += 2) {
            b.meta(meta[i], meta[i + 1]);
        }
        return b.build();
    }

    private static Filters.Outcome run(List<String> filters, Filters.Context sub, PublishItem item, String content) {
        return Filters.apply(filters, null, sub, item, content == null ? null : content.getBytes(StandardCharsets.UTF_8));
    }

    private static String text(Filters.Outcome outcome) {
        return new String(outcome.content(), StandardCharsets.UTF_8);
    }

    @Test
    void noFiltersPassTheSharedContentUnchanged() {
        assertThat(run(List.of(), new Sub(Map.of()), item(), "x")).isSameAs(Filters.PASS);
    }

    @Test
    void skipSelfDropsOnlyTheSender() {
        PublishItem fromAlice = item("sender", "alice");

        assertThat(run(List.of("skip-self"), new Sub(Map.of("user", "alice")), fromAlice, "x").deliver()).isFalse();
        assertThat(run(List.of("skip-self"), new Sub(Map.of("user", "bob")), fromAlice, "x").deliver()).isTrue();
        assertThat(run(List.of("skip-self"), new Sub(Map.of()), fromAlice, "x").deliver()).isTrue();
        assertThat(run(List.of(), new Sub(Map.of("user", "alice")), fromAlice, "x").deliver()).isTrue();
    }

    @Test
    void skipUsersDropsListedUsersAllowingSpacesAfterCommas() {
        PublishItem item = item("skip_users", "alice, carol");

        assertThat(run(List.of("skip-users"), new Sub(Map.of("user", "carol")), item, "x").dropReason())
                .isEqualTo("skip-users");
        assertThat(run(List.of("skip-users"), new Sub(Map.of("user", "bob")), item, "x").deliver()).isTrue();
    }

    @Test
    void requireSubDeliversOnlyToSubscribersOfTheNamedChannel() {
        PublishItem item = item("require_sub", "vip");
        Sub member = new Sub(Map.of(), Set.of("vip"), Map.of());

        assertThat(run(List.of("require-sub"), member, item, "x").deliver()).isTrue();
        assertThat(run(List.of("require-sub"), new Sub(Map.of()), item, "x").dropReason()).isEqualTo("require-sub vip");
        assertThat(run(List.of("require-sub"), new Sub(Map.of()), item(), "x").deliver()).isTrue();
    }

    @Test
    void varSubstReplacesMetaVariablesAndDropsWhenOneIsMissing() {
        Sub sub = new Sub(Map.of("name", "Ann"));

        assertThat(text(run(List.of("var-subst"), sub, item(), "hi %(name)s, 100%% %(x"))).isEqualTo("hi Ann, 100% %(x");
        assertThat(run(List.of("var-subst"), sub, item(), "hi %(other)s").deliver()).isFalse();
        assertThat(run(List.of("var-subst"), sub, item(), null)).isSameAs(Filters.PASS);
    }

    @Test
    void buildIdRendersTheIdFormatFromLastIdsInTextOrHex() {
        Sub text = new Sub(Map.of("id_format", "%(a)s-%(b)s"), Set.of(), Map.of("a", "1", "b", "2"));
        Sub hex = new Sub(Map.of("id_format", "%(a)s", "id_encoding", "hex"), Set.of(), Map.of("a", "AB"));

        assertThat(text(run(List.of("build-id"), text, item(), "id=%I, 5%%"))).isEqualTo("id=1-2, 5%");
        assertThat(text(run(List.of("build-id"), hex, item(), "%I"))).isEqualTo("4142");
        assertThat(run(List.of("build-id"), new Sub(Map.of()), item(), "%I").dropReason())
                .contains("no id_format");
    }

    @Test
    void contentFiltersRunInOrderOnEachOthersOutput() {
        Sub sub = new Sub(Map.of("id_format", "%(c)s", "v", "%I"), Set.of(), Map.of("c", "7"));

        assertThat(text(run(List.of("var-subst", "build-id"), sub, item(), "%(v)s"))).isEqualTo("7");
        assertThat(text(run(List.of("build-id", "var-subst"), sub, item(), "%(v)s"))).isEqualTo("%I");
    }

    @Test
    void formatContentFiltersMustEqualTheSubscriptionsContentFilters() {
        Sub sub = new Sub(Map.of("n", "1"));
        byte[] content = "%(n)s".getBytes(StandardCharsets.UTF_8);

        assertThat(Filters.apply(List.of("skip-self", "var-subst"), List.of("var-subst"), sub, item(), content).deliver())
                .isTrue();
        assertThat(Filters.apply(List.of("skip-self"), List.of("var-subst"), sub, item(), content).dropReason())
                .contains("content-filters");
        assertThat(Filters.apply(List.of("var-subst"), List.of(), sub, item(), content).deliver()).isFalse();
    }

    @Test
    void unknownFilterNamesAreIgnoredAsInPushpin() {
        assertThat(run(List.of("no-such-filter"), new Sub(Map.of()), item(), "x")).isSameAs(Filters.PASS);
    }
}
