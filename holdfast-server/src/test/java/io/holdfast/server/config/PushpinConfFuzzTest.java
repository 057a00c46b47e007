package io.holdfast.server.config;

import io.holdfast.server.fuzz.Bounded;
import io.holdfast.server.fuzz.Corpus;
import io.holdfast.server.fuzz.Mutator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
 * Fuzzes the {@code pushpin.conf} reader: {@link IniFile#parse} and {@link PushpinConfLoader#apply}
 * either give a result or fail with {@link ConfigException} (the message names file and line, and
 * start-up stops); building the config from the result either works or fails with the builder's
 * documented {@link IllegalArgumentException}. Seeds: {@code fuzz/pushpin-conf/}.
 */
class PushpinConfFuzzTest {

    private static final String[] KEYS = {"global.port_offset", "runner.http_port", "runner.https_ports",
        "holdfast.tls_certs_dir", "runner.client_buffer_size", "runner.client_maxconn", "runner.log_level",
        "runner.allow_compression", "proxy.routesfile", "proxy.debug", "proxy.auto_cross_origin",
        "proxy.accept_x_forwarded_protocol", "proxy.set_x_forwarded_protocol", "proxy.x_forwarded_for",
        "proxy.x_forwarded_for_trusted", "proxy.cdn_loop", "proxy.accept_pushpin_route", "proxy.log_from",
        "proxy.log_user_agent", "proxy.sig_iss", "proxy.sig_key", "proxy.upstream_key", "proxy.workers",
        "handler.push_in_http_addr", "handler.push_in_http_port", "handler.push_in_http_max_headers_size",
        "handler.push_in_http_max_body_size", "handler.connection_subscription_max", "handler.push_in_spec",
        "handler.command_spec", "handler.push_in_sub_specs", "handler.push_in_sub_spec",
        "handler.push_in_sub_connect", "holdfast.zmq", "holdfast.publish_key", "holdfast.max_request_body_size",
        "holdfast.origin_connect_timeout", "holdfast.origin_response_timeout", "holdfast.origin_idle_timeout",
        "holdfast.shutdown_timeout", "holdfast.io_threads", "holdfast.subscriber_buffer_size",
        "holdfast.websocket_max_message_size", "holdfast.websocket_retry_delay", "holdfast.websocket_retries",
        "handler.message_wait", "handler.id_cache_ttl", "holdfast.history_channels", "holdfast.history_size",
        "holdfast.history_ttl", "proxy.max_open_requests", "runner.services", "global.bogus_key",
        "proxy.orig_headers_need_mark", "holdfast.defpolicy", "holdfast.allow", "holdfast.deny",
        "handler.stats_spec", "handler.stats_format", "handler.stats_report_interval",
        "handler.stats_subscription_ttl", "global.stats_connection_ttl", "handler.subscription_linger",
        "handler.update_on_first_subscription"};

    private static final String[] VALUES = {"", "0", "1", "-1", "7999", "65535", "65536", "100000", "2147483647",
        "2147483648", "99999999999999999999", "1.5", "NaN", "1e400", "-0", "true", "false", "yes", "off", "maybe",
        "127.0.0.1:5561", "[::1]:7999", "[::1]", "0.0.0.0:", ":", "7999,8000", "tcp://127.0.0.1:5560",
        "tcp://*:5562", "tcp://h:99999", "tcp://h:", "ipc://x", "inproc://y", "udp://z", "routes", "../x",
        "a\u0000b", "\"quoted\"", "\"open", "\"", "debug", "info", "5", "append", "replace", "truncate:1",
        "a,b,,c", "\u00e9", "json", "tnetstring", "allow", "deny", "10.0.0.0/8", "127.0.0.1/33", "::1/129",
        "fe80::1%eth0", "host.example", "*"};

    private static final List<byte[]> SEEDS = Corpus.bytes("pushpin-conf");
    private static final Mutator MUTATOR = new Mutator(SEEDS, List.of("[", "]", "=", "#", ";", "\"", "\\", "\n",
            "\r\n", "[global]", "[runner]", "[proxy]", "[handler]", "[holdfast]", "port_offset=", "http_port="));
    private static final Path DIR = Path.of("/nonexistent/holdfast-fuzz");

    @Example
    void everyCorpusSeed() {
        for (byte[] seed : SEEDS) {
            anyConfigLoadsOrFailsCleanly(new String(seed, StandardCharsets.UTF_8));
        }
    }

    @Property
    void anyConfigLoadsOrFailsCleanly(@ForAll("configs") String text) {
        Bounded.Outcome<PushpinConfLoader.Result> out = Bounded.call(() -> PushpinConfLoader.apply(
                IniFile.parse(text, "pushpin.conf"), DIR, HoldfastConfig.builder().configDir(DIR)),
                ConfigException.class);
        if (out.ok()) {
            Bounded.call(() -> out.value().builder().build(), IllegalArgumentException.class);
        }
    }

    @Provide
    Arbitrary<String> configs() {
        return Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.of(SEEDS)),
                Tuple.of(4, MUTATOR.arbitrary()),
                Tuple.of(6, Arbitraries.randomValue(r -> generated(r).getBytes(StandardCharsets.UTF_8))))
                .map(b -> new String(b, StandardCharsets.UTF_8));
    }

    /** An INI file of known (and a few unknown) keys with values from the pool, sections in any order. */
    static String generated(Random r) {
        StringBuilder sb = new StringBuilder();
        String section = null;
        int n = 1 + r.nextInt(8);
        for (int i = 0; i < n; i++) {
            String key = KEYS[r.nextInt(KEYS.length)];
            int dot = key.indexOf('.');
            String s = key.substring(0, dot);
            if (!s.equals(section) || r.nextInt(10) == 0) {
                sb.append(r.nextInt(20) == 0 ? "[" + s : "[" + s + "]").append('\n');
                section = s;
            }
            sb.append(key.substring(dot + 1)).append(r.nextInt(3) == 0 ? " = " : "=")
                    .append(VALUES[r.nextInt(VALUES.length)]).append(r.nextInt(6) == 0 ? "\r\n" : "\n");
            if (r.nextInt(8) == 0) {
                sb.append(r.nextBoolean() ? "# comment\n" : "; comment\n");
            }
        }
        return sb.toString();
    }
}
