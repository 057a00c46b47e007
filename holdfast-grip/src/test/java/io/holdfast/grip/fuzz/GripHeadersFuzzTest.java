package io.holdfast.grip.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.grip.instruct.GripInstruct;
import io.holdfast.grip.instruct.GripInstructException;
import io.holdfast.grip.instruct.GripInstructParser;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
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
 * Fuzzes an origin's GRIP instruct headers ({@link GripInstructParser#fromHeaders}): {@code Grip-Hold},
 * {@code Grip-Channel}, {@code Grip-Timeout}, {@code Grip-Keep-Alive}, {@code Grip-Status},
 * {@code Grip-Set-Meta}, {@code Grip-Link}, {@code Grip-Expose-Headers}. Any header values parse or
 * fail with {@link GripInstructException}; a parsed instruct that can be written as headers
 * ({@link GripInstruct#toHeaders()}, which refuses some values with IllegalStateException, as
 * documented) parses back equal. Seeds: {@code fuzz/grip-headers/}, one header block per file
 * ({@code Name: value} lines).
 */
class GripHeadersFuzzTest {

    private static final String[] NAMES = {"Grip-Hold", "Grip-Channel", "Grip-Timeout", "Grip-Keep-Alive",
        "Grip-Status", "Grip-Set-Meta", "Grip-Link", "Grip-Expose-Headers", "grip-channel", "GRIP-KEEP-ALIVE",
        "Grip-Unknown", "Content-Type", "X-Other"};

    private static final String[] VALUES = {"", " ", "response", "stream", "test", "a,b", "55", "0", "-1",
        "2147483648", "99999999999999999999", "200", "404 Not Found", "1000", ":\\n\\n", "\\x0", "\\q", "\\",
        "OgoK", "!!", "<http://o/next>", "<>", "<http://o/a,b>", "<http://o/x", "\"quoted\"", "\"unterminated",
        "\"esc\\\"aped\"", "key=\"value\"", "=v", "application/grip-instruct", "\u0000", "a\tb", "\u00e9", "\u4e2d",
        "\ud800"};

    private static final String[] PARAMS = {"filter", "prev-id", "format", "mode", "timeout", "rel", "x", ""};
    private static final String[] PARAM_VALUES = {"raw", "cstring", "base64", "bogus", "idle", "interval", "next",
        "gone", "55", "-5", "2147483648", "skip-self", "\"a;b,c\"", "\"\\\\\"", "", "\"\""};

    private static final List<List<Map.Entry<String, String>>> SEEDS =
            Corpus.texts("grip-headers").stream().map(GripHeadersFuzzTest::headerBlock).toList();
    private static final Mutator MUTATOR = new Mutator(List.of(new byte[0]), List.of(VALUES));

    /** Every committed seed, including the inputs of crashes found and fixed, on every run. */
    @Example
    void everyCorpusSeed() {
        for (List<Map.Entry<String, String>> seed : SEEDS) {
            anyHeadersParseOrFailCleanly(seed);
        }
    }

    @Property
    void anyHeadersParseOrFailCleanly(@ForAll("headers") List<Map.Entry<String, String>> headers) {
        Bounded.Outcome<GripInstruct> out = Bounded.call(() -> GripInstructParser.fromHeaders(headers),
                GripInstructException.class);
        if (!out.ok()) {
            return;
        }
        Bounded.Outcome<List<Map.Entry<String, String>>> written = Bounded.call(() -> out.value().toHeaders(),
                IllegalStateException.class);
        if (written.ok()) {
            assertThat(Bounded.call(() -> GripInstructParser.fromHeaders(written.value())).value())
                    .as("headers written from the parsed instruct: %s", written.value())
                    .isEqualTo(out.value());
        }
    }

    @Provide
    Arbitrary<List<Map.Entry<String, String>>> headers() {
        return Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.of(SEEDS)),
                Tuple.of(9, Arbitraries.randomValue(GripHeadersFuzzTest::generated)));
    }

    /** A seed block with values mutated or replaced and headers added, or a wholly generated block. */
    private static List<Map.Entry<String, String>> generated(Random r) {
        List<Map.Entry<String, String>> out = r.nextBoolean()
                ? new ArrayList<>(SEEDS.get(r.nextInt(SEEDS.size()))) : new ArrayList<>();
        int changes = 1 + r.nextInt(4);
        for (int i = 0; i < changes; i++) {
            if (!out.isEmpty() && r.nextBoolean()) {
                int at = r.nextInt(out.size());
                Map.Entry<String, String> h = out.get(at);
                String value = r.nextBoolean() ? mutate(h.getValue(), r) : value(r);
                out.set(at, Map.entry(h.getKey(), value));
            } else {
                // Thousands of one header (issue 10: 5,000 Grip-Channel headers), each of a size an
                // HTTP codec lets through; or one header with a value of up to 40 KB.
                int times = r.nextInt(30) == 0 ? 5_000 : 1;
                String name = NAMES[r.nextInt(NAMES.length)];
                String value = value(r);
                if (times > 1 && value.length() > 100) {
                    value = value.substring(0, 100);
                }
                for (int t = 0; t < times; t++) {
                    out.add(Map.entry(name, value));
                }
            }
        }
        return out;
    }

    /** A header value from the grammar: elements of a value and parameters, quoted or not. */
    private static String value(Random r) {
        StringBuilder sb = new StringBuilder();
        int elements = 1 + r.nextInt(3);
        for (int e = 0; e < elements; e++) {
            if (e > 0) {
                sb.append(r.nextBoolean() ? ", " : ",");
            }
            sb.append(VALUES[r.nextInt(VALUES.length)]);
            int params = r.nextInt(4);
            for (int p = 0; p < params; p++) {
                sb.append(r.nextBoolean() ? "; " : ";").append(PARAMS[r.nextInt(PARAMS.length)]);
                if (r.nextInt(5) != 0) {
                    sb.append('=').append(PARAM_VALUES[r.nextInt(PARAM_VALUES.length)]);
                }
            }
        }
        if (r.nextInt(40) == 0) {
            sb.append("x".repeat(20_000 + r.nextInt(20_000)));
        }
        return sb.toString();
    }

    private static String mutate(String value, Random r) {
        return new String(MUTATOR.mutate(value.getBytes(StandardCharsets.UTF_8), r), StandardCharsets.UTF_8);
    }

    /** {@code Name: value} lines; the value is everything after the first ": ". */
    private static List<Map.Entry<String, String>> headerBlock(String text) {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                out.add(Map.entry(line.substring(0, colon), line.substring(colon + 1).strip()));
            }
        }
        return List.copyOf(out);
    }
}
