package io.holdfast.server.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/**
 * Byte-level mutations of seed inputs, in the manner of coverage-guided fuzzers but without the
 * coverage: bit flips, "interesting" bytes, inserted dictionary tokens, deleted, duplicated and
 * truncated ranges, splices of two seeds, digit runs turned into huge or negative numbers, and long
 * repeats of one token (deep nesting, giant lengths). Each input gets 1-8 mutations.
 *
 * <p>The server's copy of the GRIP module's helper (test classes are not shared between modules).
 */
public final class Mutator {

    private static final byte[] INTERESTING = {0, 1, 0x7f, (byte) 0x80, (byte) 0xff, (byte) 0xc3, '\r', '\n', '\t',
        ' ', '"', '\\', ',', ';', ':', '=', '<', '>', '{', '}', '[', ']', '#', '^', '!', '~', '0', '9', '-', 'x'};

    private static final String[] NUMBERS = {"0", "-1", "-0", "2147483647", "2147483648", "-2147483649",
        "9223372036854775808", "99999999999999999999", "1e309", "0x10", "00000001", "1.5", "ffffffff"};

    private final List<byte[]> seeds;
    private final List<byte[]> dictionary;

    /**
     * @param seeds      inputs to mutate (the corpus, usually)
     * @param dictionary tokens of the format worth inserting (field names, separators, keywords)
     */
    public Mutator(List<byte[]> seeds, List<String> dictionary) {
        if (seeds.isEmpty()) {
            throw new IllegalArgumentException("no seeds");
        }
        this.seeds = List.copyOf(seeds);
        this.dictionary = dictionary.stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toList();
    }

    /** Mutated seeds. */
    public Arbitrary<byte[]> arbitrary() {
        return Arbitraries.randomValue(this::mutate);
    }

    /** A random seed with 1-8 random mutations. */
    public byte[] mutate(Random r) {
        return mutate(seeds.get(r.nextInt(seeds.size())), r);
    }

    /** {@code input} with 1-8 random mutations. */
    public byte[] mutate(byte[] input, Random r) {
        byte[] b = input;
        int n = 1 + r.nextInt(8);
        for (int i = 0; i < n; i++) {
            b = once(b, r);
        }
        return b;
    }

    private byte[] once(byte[] b, Random r) {
        int pos = b.length == 0 ? 0 : r.nextInt(b.length + 1);
        switch (r.nextInt(10)) {
            case 0 -> {
                if (b.length > 0) {
                    b = b.clone();
                    int p = r.nextInt(b.length);
                    b[p] ^= (byte) (1 << r.nextInt(8));
                }
            }
            case 1 -> {
                if (b.length > 0) {
                    b = b.clone();
                    b[r.nextInt(b.length)] = INTERESTING[r.nextInt(INTERESTING.length)];
                }
            }
            case 2 -> b = insert(b, pos, dictionary.isEmpty() ? new byte[] {INTERESTING[r.nextInt(INTERESTING.length)]}
                    : dictionary.get(r.nextInt(dictionary.size())));
            case 3 -> {
                if (b.length > 0) {
                    int from = r.nextInt(b.length);
                    int to = Math.min(b.length, from + 1 + r.nextInt(Math.max(1, Math.min(64, b.length))));
                    b = concat(Arrays.copyOfRange(b, 0, from), Arrays.copyOfRange(b, to, b.length));
                }
            }
            case 4 -> {
                if (b.length > 0) {
                    int from = r.nextInt(b.length);
                    int to = Math.min(b.length, from + 1 + r.nextInt(64));
                    b = insert(b, pos, Arrays.copyOfRange(b, from, to));
                }
            }
            case 5 -> b = Arrays.copyOf(b, b.length == 0 ? 0 : r.nextInt(b.length));
            case 6 -> {
                byte[] other = seeds.get(r.nextInt(seeds.size()));
                int cut = other.length == 0 ? 0 : r.nextInt(other.length);
                b = concat(Arrays.copyOf(b, pos), Arrays.copyOfRange(other, cut, other.length));
            }
            case 7 -> b = replaceDigits(b, r);
            case 8 -> {
                byte[] token = dictionary.isEmpty() || r.nextBoolean()
                        ? new byte[] {INTERESTING[r.nextInt(INTERESTING.length)]}
                        : dictionary.get(r.nextInt(dictionary.size()));
                int times = r.nextInt(10) == 0 ? 20_000 : 1 + r.nextInt(200);
                ByteArrayOutputStream out = new ByteArrayOutputStream(token.length * times);
                for (int i = 0; i < times; i++) {
                    out.writeBytes(token);
                }
                b = insert(b, pos, out.toByteArray());
            }
            default -> {
                byte[] random = new byte[1 + r.nextInt(16)];
                r.nextBytes(random);
                b = insert(b, pos, random);
            }
        }
        return b;
    }

    private static byte[] replaceDigits(byte[] b, Random r) {
        int start = -1;
        int offset = b.length == 0 ? 0 : r.nextInt(b.length);
        for (int i = 0; i < b.length; i++) {
            int p = (offset + i) % b.length;
            if (b[p] >= '0' && b[p] <= '9') {
                start = p;
                break;
            }
        }
        byte[] number = NUMBERS[r.nextInt(NUMBERS.length)].getBytes(StandardCharsets.US_ASCII);
        if (start < 0) {
            return insert(b, b.length == 0 ? 0 : r.nextInt(b.length + 1), number);
        }
        while (start > 0 && b[start - 1] >= '0' && b[start - 1] <= '9') {
            start--;
        }
        int end = start;
        while (end < b.length && b[end] >= '0' && b[end] <= '9') {
            end++;
        }
        return concat(concat(Arrays.copyOf(b, start), number), Arrays.copyOfRange(b, end, b.length));
    }

    private static byte[] insert(byte[] b, int pos, byte[] what) {
        return concat(concat(Arrays.copyOf(b, pos), what), Arrays.copyOfRange(b, pos, b.length));
    }

    private static byte[] concat(byte[] a, byte[] c) {
        byte[] out = Arrays.copyOf(a, a.length + c.length);
        System.arraycopy(c, 0, out, a.length, c.length);
        return out;
    }
}
