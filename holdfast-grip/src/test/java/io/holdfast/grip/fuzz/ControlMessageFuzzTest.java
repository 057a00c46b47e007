package io.holdfast.grip.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.grip.websocket.ControlMessage;
import io.holdfast.grip.websocket.ControlMessageException;
import java.nio.charset.StandardCharsets;
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
 * Fuzzes GRIP WebSocket control messages ({@code c:} + JSON from the origin, {@link ControlMessage#parse}):
 * any bytes parse or fail with {@link ControlMessageException}; a parsed message written with
 * {@link ControlMessage#toJson()} parses back to an equal message. Seeds: {@code fuzz/control-message/}.
 */
class ControlMessageFuzzTest {

    private static final List<String> KEYS = List.of("type", "channel", "filters", "last-id", "name", "value",
            "content", "content-bin", "message-type", "timeout", "mode", "id", "code", "reason");

    private static final List<String> DICTIONARY = List.of("\"type\":", "\"subscribe\"", "\"keep-alive\"",
            "\"send-delayed\"", "\"close\"", "\"channel\":", "\"content-bin\":", "\"timeout\":", "{", "}", "[", "]",
            ",", ":", "null", "true", "-1", "1e400", "\"\\u0000\"", "\"\\ud800\"");

    private static final List<byte[]> SEEDS = Corpus.bytes("control-message");
    private static final Mutator MUTATOR = new Mutator(SEEDS, DICTIONARY);
    private static final JsonMutator JSON = new JsonMutator(KEYS);

    /** Every committed seed, including the inputs of crashes found and fixed, on every run. */
    @Example
    void everyCorpusSeed() {
        for (byte[] seed : SEEDS) {
            anyJsonParsesOrFailsCleanly(seed);
        }
    }

    @Property
    void anyJsonParsesOrFailsCleanly(@ForAll("inputs") byte[] json) {
        Bounded.Outcome<ControlMessage> out = Bounded.call(() -> ControlMessage.parse(json),
                ControlMessageException.class);
        if (out.ok() && !(out.value() instanceof ControlMessage.Unknown)) {
            String again = out.value().toJson();
            assertThat(Bounded.call(() -> ControlMessage.parse(again)).value()).isEqualTo(out.value());
        }
    }

    @Provide
    Arbitrary<byte[]> inputs() {
        return Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.of(SEEDS)),
                Tuple.of(4, MUTATOR.arbitrary()),
                Tuple.of(5, Arbitraries.randomValue(ControlMessageFuzzTest::structured)),
                Tuple.of(1, Arbitraries.strings().ofMaxLength(40).map(s -> s.getBytes(StandardCharsets.UTF_8))));
    }

    /** A seed with JSON-tree mutations, or a random object with the control vocabulary. */
    private static byte[] structured(Random r) {
        if (r.nextInt(4) == 0) {
            return JSON.randomValue(r, 3).toString().getBytes(StandardCharsets.UTF_8);
        }
        return JSON.mutate(SEEDS.get(r.nextInt(SEEDS.size())), r);
    }
}
