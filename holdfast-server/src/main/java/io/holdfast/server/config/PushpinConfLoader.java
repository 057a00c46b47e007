package io.holdfast.server.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads a {@code pushpin.conf} into a {@link HoldfastConfig.Builder}, so the file a Pushpin user
 * already has starts Holdfast. Keys Holdfast implements take effect; keys that only wire Pushpin's
 * internal processes together are accepted silently (one process has nothing to wire); known
 * Pushpin keys not implemented yet, and unknown keys, are reported once in {@link Result#warnings()}.
 * A malformed value stops start-up with the file and line.
 */
public final class PushpinConfLoader {

    /** The builder filled from the file, and what the operator should be told about it. */
    public record Result(HoldfastConfig.Builder builder, List<String> warnings) {}

    /** Pushpin keys that configure its multi-process plumbing: meaningless in one process. */
    private static final Set<String> PLUMBING = Set.of(
            "global.include", "global.libdir", "global.rundir", "global.ipc_prefix",
            "global.stats_connection_send",
            "runner.services", "runner.logdir", "runner.condure_bin", "runner.mongrel2_bin",
            "runner.m2sh_bin", "runner.zurl_bin", "runner.connmgr_bin", "runner.proxy_bin",
            "runner.handler_bin", "runner.m2adapter_bin", "runner.pushpin_proxy_bin",
            "runner.pushpin_handler_bin",
            "proxy.updates_check", "proxy.organization_name", "proxy.stats_connections_max_ttl",
            "handler.ipc_file_mode", "proxy.stats_report_interval");

    /** Pushpin keys with a Holdfast meaning that a later release implements. */
    private static final Set<String> NOT_YET = Set.of(
            "runner.local_ports",
            "proxy.sockjs_url", "proxy.log_from",
            "proxy.max_open_requests",
            "handler.message_rate",
            "handler.message_hwm", "handler.message_block_size", "handler.share_all", "handler.state_spec");

    private PushpinConfLoader() {}

    public static Result load(Path confFile) throws ConfigException {
        return load(confFile, Map.of());
    }

    /** Reads the file, then lets {@code HOLDFAST_<SECTION>_<KEY>} variables in {@code env} override it. */
    public static Result load(Path confFile, Map<String, String> env) throws ConfigException {
        IniFile ini = IniFile.read(confFile).with(EnvOverrides.entries(env));
        Path dir = confFile.toAbsolutePath().getParent();
        return apply(ini, dir, HoldfastConfig.builder().configDir(dir));
    }

    /** Configuration from the environment alone (no file); relative paths resolve against {@code dir}. */
    public static Result fromEnvironment(Map<String, String> env, Path dir) throws ConfigException {
        IniFile ini = IniFile.parse("", "environment").with(EnvOverrides.entries(env));
        return apply(ini, dir, HoldfastConfig.builder());
    }

    static Result apply(IniFile ini, Path confDir, HoldfastConfig.Builder b) throws ConfigException {
        Set<String> notYet = new TreeSet<>();
        Set<String> unknown = new TreeSet<>();
        int portOffset = 0;
        int portOffsetLine = 0;
        ListenAddress publish = new ListenAddress(HoldfastConfig.DEFAULT_PUBLISH_HOST, HoldfastConfig.DEFAULT_PUBLISH_PORT);
        String pushInSpec = HoldfastConfig.DEFAULT_PUSH_IN_SPEC;
        String commandSpec = HoldfastConfig.DEFAULT_COMMAND_SPEC;
        String statsSpec = null; // Pushpin's default is an ipc:// path in its rundir; Holdfast's is off
        List<String> pushInSubSpecs = null; // push_in_sub_specs, then the older push_in_sub_spec, as Pushpin joins them
        String pushInSubSpec = null;
        boolean subSpecGiven = false;
        for (Map<String, IniFile.Entry> section : ini.sections().values()) {
            for (IniFile.Entry e : section.values()) {
                String name = e.section() + "." + e.key();
                try {
                    switch (name) {
                        case "global.port_offset" -> {
                            portOffset = intValue(e);
                            portOffsetLine = e.line();
                        }
                        case "runner.http_port" -> b.httpListeners(listeners(e.value()));
                        case "runner.https_ports" -> b.httpsListeners(e.value().isBlank() ? List.of() : listeners(e.value()));
                        case "holdfast.tls_certs_dir" -> b.tlsCertsDir(confDir.resolve(e.value()));
                        case "runner.client_buffer_size" -> b.clientBufferSize(intValue(e));
                        case "runner.client_maxconn" -> b.clientMaxConn(intValue(e));
                        case "holdfast.client_header_timeout" -> b.clientTimeouts(b.clientTimeouts().withHeader(seconds(e)));
                        case "holdfast.client_body_timeout" -> b.clientTimeouts(b.clientTimeouts().withBody(seconds(e)));
                        case "holdfast.client_keepalive_timeout" ->
                                b.clientTimeouts(b.clientTimeouts().withKeepAlive(seconds(e)));
                        case "runner.log_level" -> b.logLevel(LogLevels.fromPushpin(e.value()));
                        case "runner.allow_compression" -> b.allowCompression(bool(e));
                        case "proxy.routesfile" -> b.routesFile(confDir.resolve(e.value()));
                        case "proxy.debug" -> b.debug(bool(e));
                        case "proxy.auto_cross_origin" -> b.autoCrossOrigin(bool(e));
                        case "proxy.accept_x_forwarded_protocol" -> b.acceptXForwardedProtocol(bool(e));
                        case "proxy.set_x_forwarded_protocol" ->
                                b.setXForwardedProtocol(XForwardedProtocolMode.parse(e.value()));
                        case "proxy.x_forwarded_for" -> b.xForwardedFor(ForwardedForPolicy.parse(e.value()));
                        case "proxy.x_forwarded_for_trusted" ->
                                b.xForwardedForTrusted(ForwardedForPolicy.parse(e.value()));
                        case "proxy.cdn_loop" -> b.cdnLoop(e.value());
                        case "proxy.accept_pushpin_route" -> b.acceptPushpinRoute(bool(e));
                        case "proxy.log_user_agent" -> b.logUserAgent(bool(e));
                        case "proxy.sig_iss" -> b.sigIss(e.value());
                        case "proxy.sig_key" -> b.sigKey(e.value());
                        case "proxy.upstream_key" -> b.upstreamKey(e.value());
                        case "proxy.workers" -> b.ioThreads(intValue(e));
                        case "handler.push_in_http_addr" -> publish = new ListenAddress(e.value(), publish.port());
                        case "handler.push_in_http_port" -> publish = new ListenAddress(publish.host(), intValue(e));
                        case "handler.push_in_http_max_headers_size" -> b.publishMaxHeadersSize(intValue(e));
                        case "handler.push_in_http_max_body_size" -> b.publishMaxBodySize(intValue(e));
                        case "handler.connection_subscription_max" -> b.connectionSubscriptionMax(intValue(e));
                        // ZeroMQ specs are checked here (for the line number) and set with port_offset below.
                        case "handler.push_in_spec" -> pushInSpec = HoldfastConfig.zmqSpec("", e.value());
                        case "handler.command_spec" -> commandSpec = HoldfastConfig.zmqSpec("", e.value());
                        case "handler.push_in_sub_specs" -> {
                            pushInSubSpecs = new ArrayList<>();
                            for (String part : e.value().split(",")) {
                                String spec = HoldfastConfig.zmqSpec("", part);
                                if (spec != null) {
                                    pushInSubSpecs.add(spec);
                                }
                            }
                        }
                        case "handler.push_in_sub_spec" -> {
                            pushInSubSpec = HoldfastConfig.zmqSpec("", e.value());
                            subSpecGiven = true;
                        }
                        case "handler.push_in_sub_connect" -> b.pushInSubConnect(bool(e));
                        case "proxy.prometheus_port", "handler.prometheus_port" -> b.metrics(b.metrics().withPort(e.value()));
                        case "proxy.prometheus_prefix", "handler.prometheus_prefix" ->
                                b.metrics(b.metrics().withPrefix(e.value()));
                        case "holdfast.log_format" -> b.logFormat(e.value());
                        case "holdfast.zmq" -> b.zmq(bool(e));
                        case "holdfast.zmq_allow_non_loopback" -> b.zmqAllowNonLoopback(bool(e));
                        case "holdfast.publish_key" -> b.publishKey(e.value());
                        case "holdfast.max_request_body_size" -> b.maxRequestBodySize(longValue(e));
                        case "holdfast.origin_connect_timeout" -> b.originConnectTimeout(seconds(e));
                        case "holdfast.origin_response_timeout" -> b.originResponseTimeout(seconds(e));
                        case "holdfast.origin_idle_timeout" -> b.originIdleTimeout(seconds(e));
                        case "holdfast.shutdown_timeout" -> b.shutdownTimeout(seconds(e));
                        case "holdfast.io_threads" -> b.ioThreads(intValue(e));
                        case "holdfast.subscriber_buffer_size" -> b.subscriberBufferSize(intValue(e));
                        case "holdfast.unsent_bytes_max" -> b.unsentBudget(b.unsentBudget().withTotalMax(longValue(e)));
                        case "holdfast.unsent_bytes_loop_max" -> b.unsentBudget(b.unsentBudget().withLoopMax(longValue(e)));
                        case "holdfast.websocket_max_message_size" -> b.webSocketMaxMessageSize(intValue(e));
                        case "holdfast.websocket_retry_delay" -> b.webSocketRetryDelay(seconds(e));
                        case "holdfast.websocket_retries" -> b.webSocketRetries(intValue(e));
                        case "handler.message_wait" -> b.messageWait(java.time.Duration.ofMillis(intValue(e)));
                        case "handler.id_cache_ttl" -> b.idCacheTtl(seconds(e));
                        case "holdfast.history_channels" -> b.historyChannels(java.util.Arrays.stream(e.value().split(","))
                                .map(String::strip).filter(v -> !v.isEmpty()).toList());
                        case "holdfast.history_size" -> b.historySize(intValue(e));
                        case "proxy.orig_headers_need_mark" ->
                                b.origHeadersNeedMark(OutboundPolicySettings.parseList(e.value()));
                        // zurl's outbound policy keys (Pushpin wires them to its HTTP client process).
                        case "holdfast.defpolicy" -> b.outboundPolicy(b.outboundPolicy()
                                .withDefaultAllow(OutboundPolicySettings.parseDefPolicy(e.value())));
                        case "holdfast.allow" -> b.outboundPolicy(b.outboundPolicy()
                                .withAllow(OutboundPolicySettings.parseList(e.value())));
                        case "holdfast.deny" -> b.outboundPolicy(b.outboundPolicy()
                                .withDeny(OutboundPolicySettings.parseList(e.value())));
                        case "handler.stats_spec" -> statsSpec = HoldfastConfig.zmqSpec("", e.value());
                        case "handler.stats_format" -> b.handler(b.handler()
                                .withStatsJson(HandlerSettings.parseStatsJson(e.value())));
                        case "handler.stats_report_interval" -> b.handler(b.handler().withStatsReportInterval(seconds(e)));
                        case "handler.stats_subscription_ttl" -> b.handler(b.handler().withStatsSubscriptionTtl(seconds(e)));
                        case "global.stats_connection_ttl" -> b.handler(b.handler().withStatsConnectionTtl(seconds(e)));
                        case "handler.subscription_linger" -> b.handler(b.handler().withSubscriptionLinger(seconds(e)));
                        case "handler.update_on_first_subscription" ->
                                b.handler(b.handler().withUpdateOnFirstSubscription(bool(e)));
                        case "holdfast.history_ttl" -> b.historyTtl(seconds(e));
                        case "mqtt.port" -> b.mqtt(b.mqtt().withListener(e.value().isBlank() ? null
                                : ListenAddress.parse(e.value(), MqttConfig.DEFAULT_HOST)));
                        case "mqtt.max_packet_size" -> b.mqtt(b.mqtt().withMaxPacketSize(intValue(e)));
                        case "mqtt.max_inflight" -> b.mqtt(b.mqtt().withMaxInflight(intValue(e)));
                        case "mqtt.max_queued" -> b.mqtt(b.mqtt().withMaxQueued(intValue(e)));
                        case "mqtt.session_expiry" -> b.mqtt(b.mqtt().withSessionExpiry(seconds(e)));
                        case "mqtt.channel_prefix" -> b.mqtt(b.mqtt().withChannelPrefix(e.value()));
                        case "cluster.redis_url" -> b.cluster(b.cluster().withRedisUrl(e.value().strip()));
                        case "cluster.redis_cluster" -> b.cluster(b.cluster().withRedisCluster(bool(e)));
                        case "cluster.node_id" -> b.cluster(b.cluster().withNodeId(e.value().strip()));
                        case "cluster.key_prefix" -> b.cluster(b.cluster().withKeyPrefix(e.value().strip()));
                        default -> {
                            if (NOT_YET.contains(name)) {
                                // A key left empty or false asks for nothing we lack: no need to warn.
                                if (!isOff(e.value())) {
                                    notYet.add("[" + e.section() + "] " + e.key());
                                }
                            } else if (!PLUMBING.contains(name)) {
                                unknown.add("[" + e.section() + "] " + e.key()
                                        + (e.line() < 0 ? " (" + EnvOverrides.variable(e) + ")" : " (line " + e.line() + ")"));
                            }
                        }
                    }
                } catch (IllegalArgumentException ex) {
                    if (e.line() < 0) {
                        throw new ConfigException("environment " + EnvOverrides.variable(e) + ": " + ex.getMessage());
                    }
                    throw ConfigException.at(ini.source(), e.line(), e.key() + ": " + ex.getMessage());
                }
            }
        }
        try {
            b.publishListener(publish.withPortOffset(portOffset));
            List<String> subSpecs = new ArrayList<>();
            if (pushInSubSpecs == null && !subSpecGiven) {
                subSpecs.add(HoldfastConfig.DEFAULT_PUSH_IN_SUB_SPEC);
            } else {
                subSpecs.addAll(pushInSubSpecs == null ? List.of() : pushInSubSpecs);
                if (pushInSubSpec != null) {
                    subSpecs.add(pushInSubSpec);
                }
            }
            b.pushInSpec(withPortOffset(pushInSpec, portOffset));
            b.commandSpec(withPortOffset(commandSpec, portOffset));
            b.handler(b.handler().withStatsSpec(withPortOffset(statsSpec, portOffset)));
            int offset = portOffset;
            b.pushInSubSpecs(subSpecs.stream().map(spec -> withPortOffset(spec, offset)).toList());
        } catch (IllegalArgumentException ex) {
            // A port_offset that pushes a port out of range (found by PushpinConfFuzzTest).
            throw ConfigException.at(ini.source(), portOffsetLine, "port_offset: " + ex.getMessage());
        }
        List<String> warnings = new ArrayList<>();
        if (!notYet.isEmpty()) {
            warnings.add(ini.source() + ": these Pushpin settings are not implemented by Holdfast yet and are ignored: "
                    + String.join(", ", notYet));
        }
        if (!unknown.isEmpty()) {
            warnings.add(ini.source() + ": unknown settings ignored: " + String.join(", ", unknown));
        }
        return new Result(b, warnings);
    }

    /** Parses Pushpin's {@code http_port}: a comma list of {@code [addr:]port}. */
    public static List<ListenAddress> listeners(String value) {
        List<ListenAddress> out = new ArrayList<>();
        for (String part : value.split(",")) {
            if (!part.isBlank()) {
                out.add(ListenAddress.parse(part, ListenAddress.ANY_HOST));
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no port given");
        }
        return out;
    }

    /** Pushpin adds {@code port_offset} to the port of every {@code tcp://} spec (not to {@code *} or 0). */
    static String withPortOffset(String spec, int offset) {
        if (spec == null || offset == 0 || !spec.startsWith("tcp://")) {
            return spec;
        }
        int colon = spec.lastIndexOf(':');
        String port = spec.substring(colon + 1);
        if (colon < 6 || port.isEmpty() || !port.chars().allMatch(Character::isDigit) || Integer.parseInt(port) == 0) {
            return spec;
        }
        return spec.substring(0, colon + 1) + (Integer.parseInt(port) + offset);
    }

    private static int intValue(IniFile.Entry e) {
        try {
            return Integer.parseInt(e.value().strip());
        } catch (NumberFormatException ex) {
            throw new IllegalArgumentException("\"" + e.value() + "\" is not a whole number");
        }
    }

    private static long longValue(IniFile.Entry e) {
        try {
            return Long.parseLong(e.value().strip());
        } catch (NumberFormatException ex) {
            throw new IllegalArgumentException("\"" + e.value() + "\" is not a whole number");
        }
    }

    private static Duration seconds(IniFile.Entry e) {
        try {
            return Duration.ofMillis(Math.round(Double.parseDouble(e.value().strip()) * 1000));
        } catch (NumberFormatException ex) {
            throw new IllegalArgumentException("\"" + e.value() + "\" is not a number of seconds");
        }
    }

    private static boolean isOff(String value) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        return v.isEmpty() || v.equals("false") || v.equals("no") || v.equals("off") || v.equals("0");
    }

    // QSettings reads true/false; Pushpin's files also use yes/no and 1/0 in places.
    private static boolean bool(IniFile.Entry e) {
        return switch (e.value().strip().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0", "" -> false;
            default -> throw new IllegalArgumentException("\"" + e.value() + "\" is not true or false");
        };
    }
}
