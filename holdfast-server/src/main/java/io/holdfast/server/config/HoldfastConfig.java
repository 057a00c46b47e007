package io.holdfast.server.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Everything the server needs to start, immutable once built. Defaults are Pushpin's where Pushpin
 * has the setting, so a user moving over sees the same ports and limits. Built by
 * {@link PushpinConfLoader} from a {@code pushpin.conf} and by the command line on top of it.
 */
public final class HoldfastConfig {

    public static final int DEFAULT_HTTP_PORT = 7999;
    public static final int DEFAULT_PUBLISH_PORT = 5561;
    public static final String DEFAULT_PUBLISH_HOST = "127.0.0.1";
    public static final String DEFAULT_ROUTE = "* localhost:8080";
    public static final String DEFAULT_TEST_ROUTE = "*,path_beg=/test/,replace_beg=/ test";
    public static final String DEFAULT_SIG_ISS = "pushpin";
    public static final String DEFAULT_SIG_KEY = "changeme";
    public static final int DEFAULT_CLIENT_BUFFER_SIZE = 8192;
    public static final int DEFAULT_CLIENT_MAXCONN = 50_000;
    public static final int DEFAULT_PUBLISH_MAX_HEADERS_SIZE = 10_000;
    public static final int DEFAULT_PUBLISH_MAX_BODY_SIZE = 1_000_000;
    public static final int DEFAULT_CONNECTION_SUBSCRIPTION_MAX = 20;
    public static final Duration DEFAULT_ORIGIN_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_ORIGIN_RESPONSE_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_ORIGIN_IDLE_TIMEOUT = Duration.ofSeconds(55);
    public static final int DEFAULT_SUBSCRIBER_BUFFER_SIZE = 1024 * 1024;
    public static final int DEFAULT_WEBSOCKET_MAX_MESSAGE_SIZE = 1024 * 1024;
    public static final Duration DEFAULT_WEBSOCKET_RETRY_DELAY = Duration.ofSeconds(1);
    public static final int DEFAULT_WEBSOCKET_RETRIES = 5;
    public static final String DEFAULT_PUSH_IN_SPEC = "tcp://127.0.0.1:5560";
    public static final String DEFAULT_PUSH_IN_SUB_SPEC = "tcp://127.0.0.1:5562";
    public static final String DEFAULT_COMMAND_SPEC = "tcp://127.0.0.1:5563";
    public static final Duration DEFAULT_MESSAGE_WAIT = Duration.ofMillis(5000);
    public static final Duration DEFAULT_ID_CACHE_TTL = Duration.ofSeconds(60);
    public static final int DEFAULT_HISTORY_SIZE = 100;
    public static final Duration DEFAULT_HISTORY_TTL = Duration.ofMinutes(5);

    private final List<ListenAddress> httpListeners;
    private final List<ListenAddress> httpsListeners;
    private final Path tlsCertsDir;
    private final ListenAddress publishListener;
    private final Path routesFile;
    private final List<String> routeSpecs;
    private final Path configDir;
    private final boolean debug;
    private final String sigIss;
    private final String sigKey;
    private final String upstreamKey;
    private final XForwardedProtocolMode setXForwardedProtocol;
    private final boolean acceptXForwardedProtocol;
    private final ForwardedForPolicy xForwardedFor;
    private final ForwardedForPolicy xForwardedForTrusted;
    private final String cdnLoop;
    private final boolean acceptPushpinRoute;
    private final boolean logUserAgent;
    private final int clientBufferSize;
    private final int clientMaxConn;
    private final ClientTimeouts clientTimeouts;
    private final long maxRequestBodySize;
    private final int publishMaxHeadersSize;
    private final int publishMaxBodySize;
    private final String publishKey;
    private final int connectionSubscriptionMax;
    private final Duration originConnectTimeout;
    private final Duration originResponseTimeout;
    private final Duration originIdleTimeout;
    private final Duration shutdownTimeout;
    private final int ioThreads;
    private final String logLevel;
    private final int subscriberBufferSize;
    private final UnsentBudget unsentBudget;
    private final int webSocketMaxMessageSize;
    private final boolean allowCompression;
    private final boolean autoCrossOrigin;
    private final Duration webSocketRetryDelay;
    private final int webSocketRetries;
    private final boolean zmq;
    private final String pushInSpec;
    private final List<String> pushInSubSpecs;
    private final boolean pushInSubConnect;
    private final boolean zmqAllowNonLoopback;
    private final String commandSpec;
    private final Duration messageWait;
    private final Duration idCacheTtl;
    private final List<String> historyChannels;
    private final int historySize;
    private final Duration historyTtl;
    private final MetricsConfig metrics;
    private final boolean jsonLogs;
    private final ClusterConfig cluster;
    private final OutboundPolicySettings outboundPolicy;
    private final HandlerSettings handler;
    private final MqttConfig mqtt;
    private final List<String> origHeadersNeedMark;

    private HoldfastConfig(Builder b) {
        httpListeners = List.copyOf(b.httpListeners);
        httpsListeners = List.copyOf(b.httpsListeners);
        tlsCertsDir = b.tlsCertsDir;
        publishListener = b.publishListener;
        routesFile = b.routesFile;
        routeSpecs = List.copyOf(b.routeSpecs);
        configDir = b.configDir;
        debug = b.debug;
        sigIss = b.sigIss;
        sigKey = b.sigKey;
        upstreamKey = b.upstreamKey;
        setXForwardedProtocol = b.setXForwardedProtocol;
        acceptXForwardedProtocol = b.acceptXForwardedProtocol;
        xForwardedFor = b.xForwardedFor;
        xForwardedForTrusted = b.xForwardedForTrusted;
        cdnLoop = b.cdnLoop;
        acceptPushpinRoute = b.acceptPushpinRoute;
        logUserAgent = b.logUserAgent;
        clientBufferSize = b.clientBufferSize;
        clientMaxConn = b.clientMaxConn;
        clientTimeouts = b.clientTimeouts;
        maxRequestBodySize = b.maxRequestBodySize;
        publishMaxHeadersSize = b.publishMaxHeadersSize;
        publishMaxBodySize = b.publishMaxBodySize;
        publishKey = b.publishKey;
        connectionSubscriptionMax = b.connectionSubscriptionMax;
        originConnectTimeout = b.originConnectTimeout;
        originResponseTimeout = b.originResponseTimeout;
        originIdleTimeout = b.originIdleTimeout;
        shutdownTimeout = b.shutdownTimeout;
        ioThreads = b.ioThreads;
        logLevel = b.logLevel;
        subscriberBufferSize = b.subscriberBufferSize;
        unsentBudget = b.unsentBudget;
        webSocketMaxMessageSize = b.webSocketMaxMessageSize;
        allowCompression = b.allowCompression;
        autoCrossOrigin = b.autoCrossOrigin;
        webSocketRetryDelay = b.webSocketRetryDelay;
        webSocketRetries = b.webSocketRetries;
        zmq = b.zmq;
        pushInSpec = b.pushInSpec;
        pushInSubSpecs = List.copyOf(b.pushInSubSpecs);
        pushInSubConnect = b.pushInSubConnect;
        zmqAllowNonLoopback = b.zmqAllowNonLoopback;
        commandSpec = b.commandSpec;
        messageWait = b.messageWait;
        idCacheTtl = b.idCacheTtl;
        historyChannels = List.copyOf(b.historyChannels);
        historySize = b.historySize;
        historyTtl = b.historyTtl;
        metrics = b.metrics;
        jsonLogs = b.jsonLogs;
        cluster = b.cluster;
        outboundPolicy = b.outboundPolicy;
        handler = b.handler;
        mqtt = b.mqtt;
        origHeadersNeedMark = List.copyOf(b.origHeadersNeedMark);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Client listeners ({@code [runner] http_port}). */
    public List<ListenAddress> httpListeners() { return httpListeners; }
    /** TLS client listeners ({@code [runner] https_ports}); certificates come from {@link #tlsCertsDir()}. */
    public List<ListenAddress> httpsListeners() { return httpsListeners; }
    /**
     * Where TLS certificates live ({@code <host>.crt}/{@code .key}, {@code _.domain.crt} for a wildcard,
     * {@code default_<port>.crt}), as Pushpin's {@code runner/certs}; null means {@code runner/certs}
     * next to the config file.
     */
    public Path tlsCertsDir() { return tlsCertsDir != null ? tlsCertsDir : configDir.resolve("runner").resolve("certs"); }
    /** The publish API listener ({@code [handler] push_in_http_addr/port}). */
    public ListenAddress publishListener() { return publishListener; }
    /** The routes file, or null when routes come from {@link #routeSpecs()} or the defaults. */
    public Path routesFile() { return routesFile; }
    /** Routes given inline ({@code --route}); when non-empty they replace the routes file. */
    public List<String> routeSpecs() { return routeSpecs; }
    /** Where relative paths in the config ({@code file:} keys) resolve. */
    public Path configDir() { return configDir; }
    public boolean debug() { return debug; }
    public String sigIss() { return sigIss; }
    public String sigKey() { return sigKey; }
    /** Key that marks a request's {@code Grip-Sig} as coming from a trusted upstream proxy; null if unset. */
    public String upstreamKey() { return upstreamKey; }
    public XForwardedProtocolMode setXForwardedProtocol() { return setXForwardedProtocol; }
    public boolean acceptXForwardedProtocol() { return acceptXForwardedProtocol; }
    public ForwardedForPolicy xForwardedFor() { return xForwardedFor; }
    public ForwardedForPolicy xForwardedForTrusted() { return xForwardedForTrusted; }
    /** Value appended to {@code CDN-Loop}; null if unset. */
    public String cdnLoop() { return cdnLoop; }
    public boolean acceptPushpinRoute() { return acceptPushpinRoute; }
    public boolean logUserAgent() { return logUserAgent; }
    /** Largest client request head (request line plus headers), as Pushpin's {@code client_buffer_size}. */
    public int clientBufferSize() { return clientBufferSize; }
    public int clientMaxConn() { return clientMaxConn; }
    public ClientTimeouts clientTimeouts() { return clientTimeouts; }
    /** Largest proxied request body in bytes; 0 means no limit (Pushpin has none). */
    public long maxRequestBodySize() { return maxRequestBodySize; }
    public int publishMaxHeadersSize() { return publishMaxHeadersSize; }
    public int publishMaxBodySize() { return publishMaxBodySize; }
    /** Key the publish API requires ({@code Bearer} JWT or Basic password); null when open. */
    public String publishKey() { return publishKey; }
    public int connectionSubscriptionMax() { return connectionSubscriptionMax; }
    public Duration originConnectTimeout() { return originConnectTimeout; }
    /** How long the origin may take to start its response once the request is sent; then 504. */
    public Duration originResponseTimeout() { return originResponseTimeout; }
    /** How long a pooled origin connection may sit unused before it is closed. */
    public Duration originIdleTimeout() { return originIdleTimeout; }
    /** How long a graceful shutdown waits for in-flight requests. */
    public Duration shutdownTimeout() { return shutdownTimeout; }
    /** Event-loop threads; 0 means one per core. */
    public int ioThreads() { return ioThreads; }
    public String logLevel() { return logLevel; }
    /** Bytes a subscriber may have waiting to be written before it is cut off as too slow. */
    public int subscriberBufferSize() { return subscriberBufferSize; }
    /** The budget for all subscribers' unsent bytes ({@code unsent_bytes_max}, {@code unsent_bytes_loop_max}). */
    public UnsentBudget unsentBudget() { return unsentBudget; }
    /** Largest WebSocket message (after joining fragments) a client may send; larger closes with 1009. */
    public int webSocketMaxMessageSize() { return webSocketMaxMessageSize; }
    /** Whether clients may negotiate permessage-deflate ({@code [runner] allow_compression}). */
    public boolean allowCompression() { return allowCompression; }
    /** CORS headers on every response ({@code [proxy] auto_cross_origin}; per route: {@code aco}). */
    public boolean autoCrossOrigin() { return autoCrossOrigin; }
    /** First backoff of WebSocket-over-HTTP retries, doubled each time (Pushpin: 1 s). */
    public Duration webSocketRetryDelay() { return webSocketRetryDelay; }
    /** WebSocket-over-HTTP requests that could not reach the origin are retried this often (Pushpin: 5). */
    public int webSocketRetries() { return webSocketRetries; }
    /** Whether the ZeroMQ publish sockets run at all ({@code [holdfast] zmq}, default true as in Pushpin). */
    public boolean zmq() { return zmq; }
    /** PULL publish socket ({@code push_in_spec}); null when disabled. */
    public String pushInSpec() { return pushInSpec; }
    /** SUB publish socket endpoints ({@code push_in_sub_specs}); empty when disabled. */
    public List<String> pushInSubSpecs() { return pushInSubSpecs; }
    /** Whether the SUB socket connects to {@link #pushInSubSpecs()} instead of binding them. */
    public boolean pushInSubConnect() { return pushInSubConnect; }
    /** {@code [holdfast] zmq_allow_non_loopback}: let the unauthenticated ZeroMQ sockets bind beyond loopback (default false). */
    public boolean zmqAllowNonLoopback() { return zmqAllowNonLoopback; }
    /** REP command socket ({@code command_spec}); null when disabled. */
    public String commandSpec() { return commandSpec; }
    /** How long an out-of-order item waits for the one before it ({@code message_wait}). */
    public Duration messageWait() { return messageWait; }
    /** Items with an id already seen on the channel this recently are dropped ({@code id_cache_ttl}; 0 = off). */
    public Duration idCacheTtl() { return idCacheTtl; }
    /** Channel name patterns ({@code *} wildcards) whose recent items are kept for resume; empty = none. */
    public List<String> historyChannels() { return historyChannels; }
    public int historySize() { return historySize; }
    public Duration historyTtl() { return historyTtl; }
    /** Pushpin's {@code prometheus_port}/{@code prometheus_prefix}. */
    public MetricsConfig metrics() { return metrics; }
    /** {@code [holdfast] log_format=json}: one JSON object per log line. */
    public boolean jsonLogs() { return jsonLogs; }
    /** The {@code [cluster]} section; {@link ClusterConfig#NONE} when this node runs alone. */
    public ClusterConfig cluster() { return cluster; }
    /** The outbound network policy for untrusted targets and foreign {@code Grip-Link} URLs. */
    public OutboundPolicySettings outboundPolicy() { return outboundPolicy; }
    /** Stats socket, subscription linger and first-subscription updates ({@code [handler]}). */
    public HandlerSettings handler() { return handler; }

    /** The MQTT listener and broker ({@code [mqtt]}); off unless a port is set. */
    public MqttConfig mqtt() { return mqtt; }
    /** {@code orig_headers_need_mark}: client headers copied for {@code orig_headers} only when sent marked. */
    public List<String> origHeadersNeedMark() { return origHeadersNeedMark; }

    /**
     * Checks a ZeroMQ endpoint as Pushpin writes them ({@code tcp://host:port}, port {@code *} or 0
     * for any free one, or {@code ipc://path}); blank means the socket is off and gives null. Errors
     * start with {@code name}, unless it is empty.
     */
    static String zmqSpec(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String spec = value.strip();
        String prefix = name.isEmpty() ? "" : name + ": ";
        if (spec.startsWith("tcp://")) {
            int colon = spec.lastIndexOf(':');
            String port = colon > 5 ? spec.substring(colon + 1) : "";
            boolean ok = port.equals("*") || (!port.isEmpty() && port.length() <= 5
                    && port.chars().allMatch(Character::isDigit) && Integer.parseInt(port) <= 65535);
            if (!ok) {
                throw new IllegalArgumentException(prefix + value + " (expected: tcp://host:port)");
            }
        } else if (!spec.startsWith("ipc://") && !spec.startsWith("inproc://")) {
            throw new IllegalArgumentException(prefix + value + " (expected: tcp://host:port or ipc://path)");
        }
        return spec;
    }

    /** Builds a {@link HoldfastConfig}; every setter validates its argument. */
    public static final class Builder {
        private List<ListenAddress> httpListeners =
                new ArrayList<>(List.of(new ListenAddress(ListenAddress.ANY_HOST, DEFAULT_HTTP_PORT)));
        private ListenAddress publishListener = new ListenAddress(DEFAULT_PUBLISH_HOST, DEFAULT_PUBLISH_PORT);
        private List<ListenAddress> httpsListeners = new ArrayList<>();
        private Path tlsCertsDir;
        private Path routesFile;
        private List<String> routeSpecs = new ArrayList<>();
        private Path configDir = Path.of("").toAbsolutePath();
        private boolean debug;
        private String sigIss = DEFAULT_SIG_ISS;
        private String sigKey = DEFAULT_SIG_KEY;
        private String upstreamKey;
        private XForwardedProtocolMode setXForwardedProtocol = XForwardedProtocolMode.PROTO_ONLY;
        private boolean acceptXForwardedProtocol;
        private ForwardedForPolicy xForwardedFor = ForwardedForPolicy.UNCHANGED;
        private ForwardedForPolicy xForwardedForTrusted = ForwardedForPolicy.UNCHANGED;
        private String cdnLoop;
        private boolean acceptPushpinRoute;
        private boolean logUserAgent;
        private int clientBufferSize = DEFAULT_CLIENT_BUFFER_SIZE;
        private int clientMaxConn = DEFAULT_CLIENT_MAXCONN;
        private ClientTimeouts clientTimeouts = ClientTimeouts.DEFAULT;
        private long maxRequestBodySize;
        private int publishMaxHeadersSize = DEFAULT_PUBLISH_MAX_HEADERS_SIZE;
        private int publishMaxBodySize = DEFAULT_PUBLISH_MAX_BODY_SIZE;
        private String publishKey;
        private int connectionSubscriptionMax = DEFAULT_CONNECTION_SUBSCRIPTION_MAX;
        private Duration originConnectTimeout = DEFAULT_ORIGIN_CONNECT_TIMEOUT;
        private Duration originResponseTimeout = DEFAULT_ORIGIN_RESPONSE_TIMEOUT;
        private Duration originIdleTimeout = DEFAULT_ORIGIN_IDLE_TIMEOUT;
        private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
        private int ioThreads;
        private String logLevel = "info";
        private int subscriberBufferSize = DEFAULT_SUBSCRIBER_BUFFER_SIZE;
        private UnsentBudget unsentBudget = UnsentBudget.DEFAULT;
        private int webSocketMaxMessageSize = DEFAULT_WEBSOCKET_MAX_MESSAGE_SIZE;
        private boolean allowCompression;
        private boolean autoCrossOrigin;
        private Duration webSocketRetryDelay = DEFAULT_WEBSOCKET_RETRY_DELAY;
        private int webSocketRetries = DEFAULT_WEBSOCKET_RETRIES;
        private boolean zmq = true;
        private String pushInSpec = DEFAULT_PUSH_IN_SPEC;
        private List<String> pushInSubSpecs = List.of(DEFAULT_PUSH_IN_SUB_SPEC);
        private boolean pushInSubConnect;
        private boolean zmqAllowNonLoopback;
        private String commandSpec = DEFAULT_COMMAND_SPEC;
        private Duration messageWait = DEFAULT_MESSAGE_WAIT;
        private Duration idCacheTtl = DEFAULT_ID_CACHE_TTL;
        private List<String> historyChannels = List.of();
        private int historySize = DEFAULT_HISTORY_SIZE;
        private Duration historyTtl = DEFAULT_HISTORY_TTL;
        private MetricsConfig metrics = MetricsConfig.DEFAULT;
        private boolean jsonLogs;
        private ClusterConfig cluster = ClusterConfig.NONE;
        private OutboundPolicySettings outboundPolicy = OutboundPolicySettings.DEFAULT;
        private HandlerSettings handler = HandlerSettings.DEFAULT;
        private MqttConfig mqtt = MqttConfig.DEFAULT;
        private List<String> origHeadersNeedMark = List.of();

        private Builder() {}

        private Builder(HoldfastConfig c) {
            httpListeners = new ArrayList<>(c.httpListeners);
            publishListener = c.publishListener;
            httpsListeners = new ArrayList<>(c.httpsListeners);
            tlsCertsDir = c.tlsCertsDir;
            routesFile = c.routesFile;
            routeSpecs = new ArrayList<>(c.routeSpecs);
            configDir = c.configDir;
            debug = c.debug;
            sigIss = c.sigIss;
            sigKey = c.sigKey;
            upstreamKey = c.upstreamKey;
            setXForwardedProtocol = c.setXForwardedProtocol;
            acceptXForwardedProtocol = c.acceptXForwardedProtocol;
            xForwardedFor = c.xForwardedFor;
            xForwardedForTrusted = c.xForwardedForTrusted;
            cdnLoop = c.cdnLoop;
            acceptPushpinRoute = c.acceptPushpinRoute;
            logUserAgent = c.logUserAgent;
            clientBufferSize = c.clientBufferSize;
            clientMaxConn = c.clientMaxConn;
            clientTimeouts = c.clientTimeouts;
            maxRequestBodySize = c.maxRequestBodySize;
            publishMaxHeadersSize = c.publishMaxHeadersSize;
            publishMaxBodySize = c.publishMaxBodySize;
            publishKey = c.publishKey;
            connectionSubscriptionMax = c.connectionSubscriptionMax;
            originConnectTimeout = c.originConnectTimeout;
            originResponseTimeout = c.originResponseTimeout;
            originIdleTimeout = c.originIdleTimeout;
            shutdownTimeout = c.shutdownTimeout;
            ioThreads = c.ioThreads;
            logLevel = c.logLevel;
            subscriberBufferSize = c.subscriberBufferSize;
            unsentBudget = c.unsentBudget;
            webSocketMaxMessageSize = c.webSocketMaxMessageSize;
            allowCompression = c.allowCompression;
            autoCrossOrigin = c.autoCrossOrigin;
            webSocketRetryDelay = c.webSocketRetryDelay;
            webSocketRetries = c.webSocketRetries;
            zmq = c.zmq;
            pushInSpec = c.pushInSpec;
            pushInSubSpecs = c.pushInSubSpecs;
            pushInSubConnect = c.pushInSubConnect;
            zmqAllowNonLoopback = c.zmqAllowNonLoopback;
            commandSpec = c.commandSpec;
            messageWait = c.messageWait;
            idCacheTtl = c.idCacheTtl;
            historyChannels = c.historyChannels;
            historySize = c.historySize;
            historyTtl = c.historyTtl;
            metrics = c.metrics;
            jsonLogs = c.jsonLogs;
            cluster = c.cluster;
            outboundPolicy = c.outboundPolicy;
            handler = c.handler;
            mqtt = c.mqtt;
            origHeadersNeedMark = c.origHeadersNeedMark;
        }

        public Builder httpListeners(List<ListenAddress> value) {
            if (value.isEmpty()) {
                throw new IllegalArgumentException("httpListeners: [] (expected: at least one)");
            }
            httpListeners = new ArrayList<>(value);
            return this;
        }

        public Builder httpsListeners(List<ListenAddress> value) {
            httpsListeners = new ArrayList<>(value);
            return this;
        }

        public Builder tlsCertsDir(Path value) { tlsCertsDir = value; return this; }

        public Builder publishListener(ListenAddress value) {
            publishListener = Objects.requireNonNull(value, "publishListener");
            return this;
        }

        public Builder routesFile(Path value) { routesFile = value; return this; }

        public Builder routeSpecs(List<String> value) { routeSpecs = new ArrayList<>(value); return this; }

        public Builder configDir(Path value) { configDir = Objects.requireNonNull(value, "configDir"); return this; }

        public Builder debug(boolean value) { debug = value; return this; }

        public Builder sigIss(String value) { sigIss = Objects.requireNonNull(value, "sigIss"); return this; }

        public Builder sigKey(String value) { sigKey = Objects.requireNonNull(value, "sigKey"); return this; }

        public Builder upstreamKey(String value) { upstreamKey = emptyToNull(value); return this; }

        public Builder setXForwardedProtocol(XForwardedProtocolMode value) {
            setXForwardedProtocol = Objects.requireNonNull(value, "setXForwardedProtocol");
            return this;
        }

        public Builder acceptXForwardedProtocol(boolean value) { acceptXForwardedProtocol = value; return this; }

        public Builder xForwardedFor(ForwardedForPolicy value) {
            xForwardedFor = Objects.requireNonNull(value, "xForwardedFor");
            return this;
        }

        public Builder xForwardedForTrusted(ForwardedForPolicy value) {
            xForwardedForTrusted = Objects.requireNonNull(value, "xForwardedForTrusted");
            return this;
        }

        public Builder cdnLoop(String value) { cdnLoop = emptyToNull(value); return this; }

        public Builder acceptPushpinRoute(boolean value) { acceptPushpinRoute = value; return this; }

        public Builder logUserAgent(boolean value) { logUserAgent = value; return this; }

        public Builder clientBufferSize(int value) {
            clientBufferSize = positive("clientBufferSize", value);
            return this;
        }

        public Builder clientMaxConn(int value) { clientMaxConn = positive("clientMaxConn", value); return this; }

        public Builder clientTimeouts(ClientTimeouts value) {
            clientTimeouts = java.util.Objects.requireNonNull(value, "clientTimeouts");
            return this;
        }

        public ClientTimeouts clientTimeouts() { return clientTimeouts; }

        public Builder maxRequestBodySize(long value) {
            if (value < 0) {
                throw new IllegalArgumentException("maxRequestBodySize: " + value + " (expected: >= 0)");
            }
            maxRequestBodySize = value;
            return this;
        }

        public Builder publishMaxHeadersSize(int value) {
            publishMaxHeadersSize = positive("publishMaxHeadersSize", value);
            return this;
        }

        public Builder publishMaxBodySize(int value) {
            publishMaxBodySize = positive("publishMaxBodySize", value);
            return this;
        }

        public Builder publishKey(String value) { publishKey = emptyToNull(value); return this; }

        public Builder connectionSubscriptionMax(int value) {
            connectionSubscriptionMax = positive("connectionSubscriptionMax", value);
            return this;
        }

        public Builder originConnectTimeout(Duration value) {
            originConnectTimeout = positive("originConnectTimeout", value);
            return this;
        }

        public Builder originResponseTimeout(Duration value) {
            originResponseTimeout = positive("originResponseTimeout", value);
            return this;
        }

        public Builder originIdleTimeout(Duration value) {
            originIdleTimeout = positive("originIdleTimeout", value);
            return this;
        }

        public Builder shutdownTimeout(Duration value) {
            if (value.isNegative()) {
                throw new IllegalArgumentException("shutdownTimeout: " + value + " (expected: >= 0)");
            }
            shutdownTimeout = value;
            return this;
        }

        public Builder ioThreads(int value) {
            if (value < 0) {
                throw new IllegalArgumentException("ioThreads: " + value + " (expected: >= 0)");
            }
            ioThreads = value;
            return this;
        }

        public Builder logLevel(String value) { logLevel = Objects.requireNonNull(value, "logLevel"); return this; }

        public Builder subscriberBufferSize(int value) {
            subscriberBufferSize = positive("subscriberBufferSize", value);
            return this;
        }

        public Builder unsentBudget(UnsentBudget value) {
            unsentBudget = Objects.requireNonNull(value, "unsentBudget");
            return this;
        }

        public UnsentBudget unsentBudget() { return unsentBudget; }

        public Builder webSocketMaxMessageSize(int value) {
            webSocketMaxMessageSize = positive("webSocketMaxMessageSize", value);
            return this;
        }

        public Builder allowCompression(boolean value) { allowCompression = value; return this; }

        public Builder autoCrossOrigin(boolean value) { autoCrossOrigin = value; return this; }

        public Builder webSocketRetryDelay(Duration value) {
            webSocketRetryDelay = positive("webSocketRetryDelay", value);
            return this;
        }

        public Builder webSocketRetries(int value) {
            if (value < 0) {
                throw new IllegalArgumentException("webSocketRetries: " + value + " (expected: >= 0)");
            }
            webSocketRetries = value;
            return this;
        }

        public Builder messageWait(Duration value) {
            messageWait = positive("messageWait", value);
            return this;
        }

        public Builder idCacheTtl(Duration value) {
            if (value.isNegative()) {
                throw new IllegalArgumentException("idCacheTtl: " + value + " (expected: >= 0)");
            }
            idCacheTtl = value;
            return this;
        }

        public Builder historyChannels(List<String> patterns) {
            historyChannels = List.copyOf(patterns);
            return this;
        }

        public Builder historySize(int value) {
            historySize = positive("historySize", value);
            return this;
        }

        public Builder historyTtl(Duration value) {
            historyTtl = positive("historyTtl", value);
            return this;
        }

        public Builder metrics(MetricsConfig value) { metrics = Objects.requireNonNull(value, "metrics"); return this; }
        public MetricsConfig metrics() { return metrics; }

        /** {@code text} (default) or {@code json}. */
        public Builder logFormat(String value) {
            jsonLogs = switch (value.strip().toLowerCase(java.util.Locale.ROOT)) {
                case "json" -> true;
                case "text", "" -> false;
                default -> throw new IllegalArgumentException("log_format: " + value + " (expected: text or json)");
            };
            return this;
        }

        public Builder cluster(ClusterConfig value) {
            cluster = java.util.Objects.requireNonNull(value, "cluster");
            return this;
        }

        /** The cluster section built so far, to change one setting of it. */
        public ClusterConfig cluster() { return cluster; }

        public Builder zmq(boolean value) { zmq = value; return this; }

        /** The PULL socket's endpoint, e.g. {@code tcp://127.0.0.1:5560} (port {@code *} or 0: any); null or empty disables it. */
        public Builder pushInSpec(String value) { pushInSpec = zmqSpec("pushInSpec", value); return this; }

        /** The SUB socket's endpoints; an empty list disables it. */
        public Builder pushInSubSpecs(List<String> value) {
            List<String> specs = new ArrayList<>();
            for (String v : value) {
                String spec = zmqSpec("pushInSubSpecs", v);
                if (spec != null) {
                    specs.add(spec);
                }
            }
            pushInSubSpecs = List.copyOf(specs);
            return this;
        }

        public Builder pushInSubConnect(boolean value) { pushInSubConnect = value; return this; }
        public Builder zmqAllowNonLoopback(boolean value) { zmqAllowNonLoopback = value; return this; }

        /** The REP command socket's endpoint; null or empty disables it. */
        public Builder commandSpec(String value) { commandSpec = zmqSpec("commandSpec", value); return this; }

        public Builder outboundPolicy(OutboundPolicySettings value) {
            outboundPolicy = java.util.Objects.requireNonNull(value, "outboundPolicy");
            return this;
        }

        public OutboundPolicySettings outboundPolicy() { return outboundPolicy; }

        public Builder handler(HandlerSettings value) {
            handler = java.util.Objects.requireNonNull(value, "handler");
            return this;
        }

        public HandlerSettings handler() { return handler; }

        public Builder mqtt(MqttConfig value) {
            mqtt = java.util.Objects.requireNonNull(value, "mqtt");
            return this;
        }

        public MqttConfig mqtt() { return mqtt; }

        public Builder origHeadersNeedMark(List<String> value) {
            origHeadersNeedMark = List.copyOf(value);
            return this;
        }

        public HoldfastConfig build() {
            return new HoldfastConfig(this);
        }

        private static int positive(String name, int value) {
            if (value <= 0) {
                throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
            }
            return value;
        }

        private static Duration positive(String name, Duration value) {
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
            }
            return value;
        }

        private static String emptyToNull(String value) {
            return value == null || value.isEmpty() ? null : value;
        }
    }
}
