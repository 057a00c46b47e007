package io.holdfast.grip.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.grip.publish.PublishFormatException;
import io.holdfast.grip.tnetstring.TNetStringException;
import io.holdfast.grip.tnetstring.TNetStringItems;
import io.holdfast.grip.tnetstring.TNetStrings;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Fuzzes the tnetstring codec of the ZeroMQ inputs ({@link TNetStrings}) and the publish items read
 * from it ({@link TNetStringItems}): any bytes decode or fail with {@link TNetStringException} (items:
 * also {@link PublishFormatException}), and every decoded value encodes back to bytes that decode
 * to an equal value. Seeds: {@code fuzz/tnetstring/}.
 */
class TNetStringFuzzTest {

    private static final List<String> DICTIONARY = List.of("0:~", "4:true!", "5:false!", "1:1#", "3:1.5^", "0:}",
            "0:]", "1:a,", ":", ",", "#", "^", "!", "~", "}", "]", "7:channel,", "7:formats,", "11:http-stream,",
            "7:content,", "10:ws-message,", "13:http-response,", "4:body,", "11:content-bin,", "9999999999:",
            "2147483648:", "1:\u00ff,");

    private static final Mutator MUTATOR = new Mutator(Corpus.bytes("tnetstring"), DICTIONARY);

    /** Every committed seed, including the inputs of crashes found and fixed, on every run. */
    @Example
    void everyCorpusSeed() {
        for (byte[] seed : Corpus.bytes("tnetstring")) {
            anyBytesDecodeOrFailCleanly(seed);
            anyBytesParseAsItemOrFailCleanly(seed);
        }
    }

    @Property
    void anyBytesDecodeOrFailCleanly(@ForAll("inputs") byte[] input) {
        Bounded.Outcome<Object> out = Bounded.call(() -> TNetStrings.decode(input), TNetStringException.class);
        if (out.ok()) {
            // Whatever decodes re-encodes to something that decodes to the same value.
            Object again = Bounded.call(() -> TNetStrings.decode(TNetStrings.encode(out.value()))).value();
            assertThat(deepEquals(out.value(), again)).as("re-encoded value").isTrue();
        }
    }

    @Property
    void anyBytesParseAsItemOrFailCleanly(@ForAll("inputs") byte[] input) {
        Bounded.call(() -> TNetStringItems.parseItem(input, null), TNetStringException.class,
                PublishFormatException.class);
        Bounded.call(() -> TNetStringItems.parseItems(TNetStrings.decode(input)), TNetStringException.class,
                PublishFormatException.class);
    }

    @Property
    void generatedValuesRoundTrip(@ForAll("values") Object value) {
        byte[] encoded = TNetStrings.encode(value);
        Object decoded = Bounded.call(() -> TNetStrings.decode(encoded)).value();
        assertThat(deepEquals(value, decoded)).as("decode(encode(v)) equals v").isTrue();
    }

    @Provide
    Arbitrary<byte[]> inputs() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(1, Arbitraries.of(Corpus.bytes("tnetstring"))),
                net.jqwik.api.Tuple.of(6, MUTATOR.arbitrary()),
                net.jqwik.api.Tuple.of(3, Arbitraries.randomValue(r -> MUTATOR.mutate(TNetStrings.encode(value(r, 4)), r))),
                net.jqwik.api.Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(64)));
    }

    @Provide
    Arbitrary<Object> values() {
        return Arbitraries.randomValue(r -> value(r, 5));
    }

    /** A random value of the tnetstring model: byte[], Long, Double, Boolean, null, Map, List. */
    static Object value(Random r, int depth) {
        switch (r.nextInt(depth <= 0 ? 5 : 7)) {
            case 0:
                return null;
            case 1:
                return r.nextBoolean();
            case 2:
                return r.nextInt(3) == 0 ? (long) r.nextInt(100) : r.nextLong();
            case 3:
                double d = r.nextInt(3) == 0 ? r.nextInt(1000) / 8.0 : (r.nextDouble() - 0.5) * Math.pow(10, r.nextInt(600) - 300);
                return Double.isFinite(d) ? d : 0.0;
            case 4: {
                byte[] b = new byte[r.nextInt(4) == 0 ? r.nextInt(5000) : r.nextInt(12)];
                r.nextBytes(b);
                return b;
            }
            case 5: {
                Map<String, Object> m = new LinkedHashMap<>();
                int n = r.nextInt(4);
                for (int i = 0; i < n; i++) {
                    m.put(r.nextBoolean() ? "k" + r.nextInt(5) : new String(new char[] {(char) (0x20 + r.nextInt(0x3000))}),
                            value(r, depth - 1));
                }
                return m;
            }
            default: {
                List<Object> l = new ArrayList<>();
                int n = r.nextInt(4);
                for (int i = 0; i < n; i++) {
                    l.add(value(r, depth - 1));
                }
                return l;
            }
        }
    }

    /** Equality on the model: byte arrays by content, strings equal to their UTF-8 bytes. */
    static boolean deepEquals(Object a, Object b) {
        if (a instanceof CharSequence s) {
            a = s.toString().getBytes(StandardCharsets.UTF_8);
        }
        if (a instanceof byte[] x && b instanceof byte[] y) {
            return Arrays.equals(x, y);
        }
        if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            for (Map.Entry<?, ?> e : x.entrySet()) {
                if (!y.containsKey(e.getKey()) || !deepEquals(e.getValue(), y.get(e.getKey()))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            for (int i = 0; i < x.size(); i++) {
                if (!deepEquals(x.get(i), y.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return a == null ? b == null : a.equals(b);
    }
}
