package io.holdfast.grip.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.grip.publish.PublishFormatException;
import io.holdfast.grip.publish.PublishItem;
import io.holdfast.grip.publish.PublishRequestParser;
import io.holdfast.grip.publish.PublishRequestWriter;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Fuzzes the body of {@code POST /publish} ({@link PublishRequestParser}): any bytes parse or fail
 * with {@link PublishFormatException} (the API's 400), and whatever parses is written by
 * {@link PublishRequestWriter} to a body that parses to equal items. Seeds: {@code fuzz/publish/}.
 */
class PublishFuzzTest {

    private static final List<String> KEYS = List.of("items", "channel", "id", "prev-id", "formats", "meta",
            "no-seq", "size", "http-response", "http-stream", "ws-message", "action", "code", "reason", "headers",
            "body", "body-bin", "body-patch", "content", "content-bin", "content-filters", "type", "op", "path",
            "value");

    private static final List<String> DICTIONARY = List.of("{\"items\":[", "\"channel\":", "\"formats\":",
            "\"http-stream\":", "\"http-response\":", "\"ws-message\":", "\"content\":", "\"content-bin\":",
            "\"headers\":", "\"code\":", "{", "}", "[", "]", ",", ":", "null", "true", "-1", "1e400", "0.5",
            "\"\\r\\n\"", "\"\\u0000\"", "\"\\ud800\"");

    private static final List<byte[]> SEEDS = Corpus.bytes("publish");
    private static final Mutator MUTATOR = new Mutator(SEEDS, DICTIONARY);
    private static final JsonMutator JSON = new JsonMutator(KEYS);

    /** Every committed seed, including the inputs of crashes found and fixed, on every run. */
    @Example
    void everyCorpusSeed() {
        for (byte[] seed : SEEDS) {
            anyBodyParsesOrFailsCleanly(seed);
        }
    }

    @Property
    void anyBodyParsesOrFailsCleanly(@ForAll("inputs") byte[] body) {
        Bounded.Outcome<List<PublishItem>> out = Bounded.call(() -> PublishRequestParser.parse(body),
                PublishFormatException.class);
        if (out.ok()) {
            byte[] again = Bounded.call(() -> PublishRequestWriter.toJson(out.value())).value();
            assertThat(Bounded.call(() -> PublishRequestParser.parse(again)).value()).isEqualTo(out.value());
        }
    }

    @Provide
    Arbitrary<byte[]> inputs() {
        return Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.of(SEEDS)),
                Tuple.of(4, MUTATOR.arbitrary()),
                Tuple.of(5, Arbitraries.randomValue(PublishFuzzTest::structured)));
    }

    private static byte[] structured(Random r) {
        byte[] seed = SEEDS.get(r.nextInt(SEEDS.size()));
        return r.nextInt(5) == 0 ? MUTATOR.mutate(JSON.mutate(seed, r), r) : JSON.mutate(seed, r);
    }
}
