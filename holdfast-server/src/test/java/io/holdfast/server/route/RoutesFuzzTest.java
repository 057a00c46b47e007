package io.holdfast.server.route;

import io.holdfast.server.fuzz.Bounded;
import io.holdfast.server.fuzz.Corpus;
import io.holdfast.server.fuzz.Mutator;
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
 * Fuzzes the routes file syntax ({@link RoutesParser}), read at start-up and on every reload of the
 * watched file: any text parses or fails with {@link RouteSyntaxException} (so a reload keeps the old
 * table), and so does every single line given as {@code --route}. Seeds: {@code fuzz/routes/}.
 */
class RoutesFuzzTest {

    private static final String[] DOMAINS = {"*", "example.com", "", "api.example.com:8080", "a*b", "a/b", "[::1]",
        "\"quoted host\"", "\u00e9.example"};
    private static final String[] CONDITION_PROPS = {"id", "proto", "ssl", "path_beg", "prefix", "path_rem",
        "replace_beg", "as_host", "header", "sig_iss", "sig_key", "orig_headers", "debug", "aco", "session", "no_grip",
        "jsonp_mode", "jsonp_cb", "jsonp_body", "jsonp_defcb", "jsonp_defmethod", "log_level", "sockjs",
        "sockjs_as_path", "collapse_next", "unknown_prop"};
    private static final String[] TARGETS = {"localhost:3000", "app1:8080", "[::1]:8080", "[::1]", "[::1", "test",
        "zhttp/tcp://127.0.0.1:5000", "zhttpreq/", "host", "host:0", "host:65536", "host:99999999999", "h:1:2", ":80",
        ""};
    private static final String[] TARGET_PROPS = {"ssl", "insecure", "trust_connect_host", "host", "over_http",
        "one_event", "sub", "untrusted", "client_cert", "client_key", "ipc_file_mode", "bogus"};
    private static final String[] VALUES = {"", "http", "ws", "yes", "no", "/", "/a/", "0", "-1", "2147483648",
        "660", "999", "X-A:b", "X-A: b", ":b", "basic", "extended", "tenantA", "\"a b,c=d#e\"", "\"\\\\\"",
        "\"\\x\"", "\"open", "a=b"};

    private static final List<byte[]> SEEDS = Corpus.bytes("routes");
    private static final Mutator MUTATOR = new Mutator(SEEDS, List.of(" ", ",", "=", "#", "\"", "\\", "\r", "\n",
            "\r\n", "\t", "\uFEFF", "*", "over_http", "path_beg=", "[", "]", ":"));

    @Example
    void everyCorpusSeed() {
        for (byte[] seed : SEEDS) {
            anyRoutesTextParsesOrFailsCleanly(new String(seed, StandardCharsets.UTF_8));
        }
    }

    @Property
    void anyRoutesTextParsesOrFailsCleanly(@ForAll("routes") String text) {
        Bounded.call(() -> RoutesParser.parseWithWarnings(text, "routes"), RouteSyntaxException.class);
        for (String line : text.split("\n", 50)) {
            Bounded.call(() -> RoutesParser.parseLine(line, 0, "--route"), RouteSyntaxException.class);
        }
    }

    @Provide
    Arbitrary<String> routes() {
        return Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.of(SEEDS)),
                Tuple.of(5, MUTATOR.arbitrary()),
                Tuple.of(5, Arbitraries.randomValue(r -> generated(r).getBytes(StandardCharsets.UTF_8))),
                Tuple.of(2, Arbitraries.randomValue(r -> MUTATOR.mutate(generated(r).getBytes(StandardCharsets.UTF_8), r))))
                .map(b -> new String(b, StandardCharsets.UTF_8));
    }

    /** A routes file from the grammar: a condition section and targets, with props, on 1-4 lines. */
    static String generated(Random r) {
        StringBuilder sb = new StringBuilder();
        int lines = 1 + r.nextInt(4);
        for (int l = 0; l < lines; l++) {
            if (r.nextInt(6) == 0) {
                sb.append("# comment ").append(r.nextInt(100));
            } else {
                sb.append(section(r, DOMAINS, CONDITION_PROPS));
                int targets = r.nextInt(3) + (r.nextInt(8) == 0 ? 0 : 1);
                for (int t = 0; t < targets; t++) {
                    sb.append(r.nextInt(5) == 0 ? "\t" : " ").append(section(r, TARGETS, TARGET_PROPS));
                }
                if (r.nextInt(5) == 0) {
                    sb.append(" #trailing");
                }
            }
            sb.append(switch (r.nextInt(4)) {
                case 0 -> "\r\n";
                case 1 -> "\r";
                default -> "\n";
            });
        }
        return sb.toString();
    }

    private static String section(Random r, String[] heads, String[] props) {
        StringBuilder sb = new StringBuilder(heads[r.nextInt(heads.length)]);
        int n = r.nextInt(4);
        for (int i = 0; i < n; i++) {
            sb.append(',').append(props[r.nextInt(props.length)]);
            if (r.nextInt(4) != 0) {
                sb.append('=').append(VALUES[r.nextInt(VALUES.length)]);
            }
        }
        return sb.toString();
    }
}
