package io.holdfast.grip.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.grip.instruct.GripInstruct;
import io.holdfast.grip.instruct.GripInstructException;
import io.holdfast.grip.instruct.GripInstructParser;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Fuzzes {@code application/grip-instruct} bodies from origins ({@link GripInstructParser#fromResponse}):
 * any body parses or fails with {@link GripInstructException} (the client's 502), and a parsed
 * instruct written with {@link GripInstruct#toJson()} and its companion headers parses back equal.
 * Seeds: {@code fuzz/instruct-json/}.
 */
class InstructJsonFuzzTest {

    private static final List<String> KEYS = List.of("hold", "mode", "channels", "name", "prev-id", "filters",
            "timeout", "keep-alive", "content", "content-bin", "meta", "response", "code", "reason", "headers", "body",
            "body-bin");

    private static final List<String> DICTIONARY = List.of("{\"hold\":", "\"channels\":[", "\"name\":",
            "\"keep-alive\":", "\"response\":", "\"meta\":", "\"headers\":", "{", "}", "[", "]", ",", ":", "null",
            "-1", "1e400", "\"\"", "\"\\u0000\"");

    private static final List<byte[]> SEEDS = Corpus.bytes("instruct-json");
    private static final Mutator MUTATOR = new Mutator(SEEDS, DICTIONARY);
    private static final JsonMutator JSON = new JsonMutator(KEYS);
    private static final List<Map.Entry<String, String>> INSTRUCT_TYPE =
            List.of(Map.entry("Content-Type", "application/grip-instruct"));

    /** Every committed seed, including the inputs of crashes found and fixed, on every run. */
    @Example
    void everyCorpusSeed() {
        for (byte[] seed : SEEDS) {
            anyBodyParsesOrFailsCleanly(seed);
        }
    }

    @Property
    void anyBodyParsesOrFailsCleanly(@ForAll("inputs") byte[] body) {
        Bounded.Outcome<GripInstruct> out = Bounded.call(() -> GripInstructParser.fromResponse(200, INSTRUCT_TYPE,
                body), GripInstructException.class);
        if (out.ok()) {
            GripInstruct parsed = out.value();
            GripInstruct again = Bounded.call(() -> GripInstructParser.fromResponse(200, parsed.toJsonHeaders(),
                    parsed.toJson())).value();
            assertThat(again).isEqualTo(parsed);
        }
    }

    @Provide
    Arbitrary<byte[]> inputs() {
        return Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.of(SEEDS)),
                Tuple.of(4, MUTATOR.arbitrary()),
                Tuple.of(5, Arbitraries.randomValue(InstructJsonFuzzTest::structured)));
    }

    private static byte[] structured(Random r) {
        byte[] seed = SEEDS.get(r.nextInt(SEEDS.size()));
        return r.nextInt(5) == 0 ? MUTATOR.mutate(JSON.mutate(seed, r), r) : JSON.mutate(seed, r);
    }
}
