package io.holdfast.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PushpinConfLoaderTest {

    /** The shape of Debian's stock pushpin.conf: plumbing keys, defaults, and a few set values. */
    private static final String STOCK_LIKE = """
            [global]
            include={libdir}/internal.conf
            rundir=/var/run/pushpin
            ipc_prefix=pushpin-
            port_offset=10
            stats_connection_ttl=120

            [runner]
            services=condure,pushpin-proxy,pushpin-handler
            http_port=7999,127.0.0.1:8000
            log_level=3
            client_buffer_size=16384
            client_maxconn=1000
            condure_bin=condure

            [proxy]
            routesfile=routes
            debug=true
            auto_cross_origin=false
            orig_headers_need_mark=
            set_x_forwarded_protocol=true
            x_forwarded_for=truncate:0,append
            sig_iss=myproxy
            sig_key=sekrit
            upstream_key=
            updates_check=off

            [handler]
            push_in_spec=tcp://127.0.0.1:5560
            push_in_http_addr=127.0.0.1
            push_in_http_port=5561
            push_in_http_max_body_size=2000000
            connection_subscription_max=10
            message_rate=2500

            [holdfast]
            origin_response_timeout=2.5
            publish_key=pk
            """;

    @Test
    void readsThePushpinKeysHoldfastImplements(@TempDir Path dir) throws Exception {
        Path conf = dir.resolve("pushpin.conf");
        Files.writeString(conf, STOCK_LIKE);
        PushpinConfLoader.Result result = PushpinConfLoader.load(conf);
        HoldfastConfig c = result.builder().build();

        assertThat(c.httpListeners()).containsExactly(new ListenAddress("0.0.0.0", 7999), new ListenAddress("127.0.0.1", 8000));
        assertThat(c.publishListener()).isEqualTo(new ListenAddress("127.0.0.1", 5571));
        assertThat(c.routesFile()).isEqualTo(dir.resolve("routes"));
        assertThat(c.logLevel()).isEqualTo("debug");
        assertThat(c.clientBufferSize()).isEqualTo(16384);
        assertThat(c.clientMaxConn()).isEqualTo(1000);
        assertThat(c.debug()).isTrue();
        assertThat(c.setXForwardedProtocol()).isEqualTo(XForwardedProtocolMode.BOTH);
        assertThat(c.xForwardedFor()).isEqualTo(new ForwardedForPolicy(0, true));
        assertThat(c.sigIss()).isEqualTo("myproxy");
        assertThat(c.sigKey()).isEqualTo("sekrit");
        assertThat(c.upstreamKey()).isNull();
        assertThat(c.publishMaxBodySize()).isEqualTo(2_000_000);
        assertThat(c.connectionSubscriptionMax()).isEqualTo(10);
        assertThat(c.originResponseTimeout()).isEqualTo(Duration.ofMillis(2500));
        assertThat(c.publishKey()).isEqualTo("pk");
    }

    @Test
    void namesUnimplementedPushpinKeysOnceAndSkipsPlumbingAndOffSwitches(@TempDir Path dir) throws Exception {
        Path conf = dir.resolve("pushpin.conf");
        Files.writeString(conf, STOCK_LIKE + "\n[proxy]\nmystery_key=1\n");
        PushpinConfLoader.Result result = PushpinConfLoader.load(conf);

        assertThat(result.warnings()).hasSize(2);
        assertThat(result.warnings().get(0)).contains("[handler] message_rate")
                .doesNotContain("auto_cross_origin", "orig_headers_need_mark", "services", "include", "condure_bin");
        assertThat(result.warnings().get(1)).contains("unknown", "[proxy] mystery_key");
    }

    @Test
    void readsTheIssue12KeysWithoutWarnings(@TempDir Path dir) throws Exception {
        Path conf = dir.resolve("pushpin.conf");
        Files.writeString(conf, """
                [global]
                port_offset=1
                stats_connection_ttl=90

                [proxy]
                orig_headers_need_mark=X-Real-IP, X-Client

                [handler]
                stats_spec=tcp://127.0.0.1:5564
                stats_format=json
                stats_report_interval=5
                stats_subscription_ttl=30
                subscription_linger=15
                update_on_first_subscription=false

                [holdfast]
                defpolicy=deny
                allow=10/8, *.internal.example
                deny=10.9/16
                """);
        PushpinConfLoader.Result result = PushpinConfLoader.load(conf);
        assertThat(result.warnings()).isEmpty();
        HoldfastConfig c = result.builder().build();
        assertThat(c.origHeadersNeedMark()).containsExactly("X-Real-IP", "X-Client");
        HandlerSettings h = c.handler();
        assertThat(h.statsSpec()).isEqualTo("tcp://127.0.0.1:5565");
        assertThat(h.statsJson()).isTrue();
        assertThat(h.statsReportInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(h.statsSubscriptionTtl()).isEqualTo(Duration.ofSeconds(30));
        assertThat(h.statsConnectionTtl()).isEqualTo(Duration.ofSeconds(90));
        assertThat(h.subscriptionLinger()).isEqualTo(Duration.ofSeconds(15));
        assertThat(h.updateOnFirstSubscription()).isFalse();
        assertThat(c.outboundPolicy()).isEqualTo(new OutboundPolicySettings(false,
                java.util.List.of("10/8", "*.internal.example"), java.util.List.of("10.9/16")));

        HoldfastConfig defaults = HoldfastConfig.builder().build();
        assertThat(defaults.handler()).isEqualTo(HandlerSettings.DEFAULT);
        assertThat(defaults.handler().statsSpec()).isNull();
        assertThat(defaults.handler().subscriptionLinger()).isEqualTo(Duration.ofSeconds(60));
        assertThat(defaults.handler().updateOnFirstSubscription()).isTrue();
        assertThat(defaults.outboundPolicy().defaultAllow()).isTrue();
    }

    @Test
    void aMalformedLineStopsStartUpNamingIt(@TempDir Path dir) throws Exception {
        Path conf = dir.resolve("pushpin.conf");
        Files.writeString(conf, "[runner]\nhttp_port=7999\nthis line is wrong\n");
        assertThatThrownBy(() -> PushpinConfLoader.load(conf))
                .isInstanceOf(ConfigException.class).hasMessageContaining("pushpin.conf:3");
    }

    @Test
    void aBadValueStopsStartUpNamingTheLineAndKey(@TempDir Path dir) throws Exception {
        Path conf = dir.resolve("pushpin.conf");
        Files.writeString(conf, "[runner]\n\nclient_maxconn=lots\n");
        assertThatThrownBy(() -> PushpinConfLoader.load(conf))
                .hasMessageContaining("pushpin.conf:3").hasMessageContaining("client_maxconn");
    }

    @Test
    void clientTimeoutsAreReadInSecondsAndDefaultToNginxs(@TempDir Path dir) throws Exception {
        Path conf = dir.resolve("pushpin.conf");
        Files.writeString(conf, "[holdfast]\nclient_header_timeout=10\nclient_body_timeout=2.5\n");
        HoldfastConfig c = PushpinConfLoader.load(conf).builder().build();
        assertThat(c.clientTimeouts()).isEqualTo(new ClientTimeouts(Duration.ofSeconds(10), Duration.ofMillis(2500),
                ClientTimeouts.DEFAULT_KEEPALIVE_TIMEOUT));
        Files.writeString(conf, "[holdfast]\nclient_keepalive_timeout=0\n");
        assertThat(PushpinConfLoader.load(conf).builder().build().clientTimeouts().keepAlive()).isZero();
        Files.writeString(conf, "[holdfast]\nclient_body_timeout=-1\n");
        assertThatThrownBy(() -> PushpinConfLoader.load(conf))
                .hasMessageContaining("pushpin.conf:2").hasMessageContaining("client_body_timeout");
    }

    @Test
    void pushpinLogLevelsMapToNames() {
        assertThat(LogLevels.fromPushpin("0")).isEqualTo("error");
        assertThat(LogLevels.fromPushpin("2")).isEqualTo("info");
        assertThat(LogLevels.fromPushpin("proxy:3,handler:2")).isEqualTo("debug");
        assertThat(LogLevels.fromPushpin("warn")).isEqualTo("warn");
        assertThatThrownBy(() -> LogLevels.fromPushpin("loud")).isInstanceOf(IllegalArgumentException.class);
    }
}
