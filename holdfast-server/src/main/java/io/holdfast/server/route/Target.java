package io.holdfast.server.route;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One place a route can send a request: an origin server ({@code host:port}), the built-in test
 * handler ({@code test}), or a ZHTTP peer ({@code zhttp/<spec>}, {@code zhttpreq/<spec>}). A route
 * lists one or more of these and the proxy tries them in order on connect errors (spec 1.7,
 * failover), so everything the proxy needs to open the origin connection lives here, already
 * parsed: the TLS switches, the {@code host=} override, WebSocket-over-HTTP and the implicit
 * {@code sub=} channels (spec 5.3, target props). Immutable.
 */
public final class Target {

    /** What the target talks to. */
    public enum Kind {
        /** An origin server reached over HTTP(S)/WebSocket at {@link #host()}:{@link #port()}. */
        ORIGIN,
        /** Pushpin's built-in test handler (spec 5.6). */
        TEST,
        /** A ZHTTP peer over ZeroMQ (advanced; {@code zhttp/} or {@code zhttpreq/}). */
        ZHTTP
    }

    private final Kind kind;
    private final String spec;
    private final String host;
    private final int port;
    private final String zhttpBaseSpec;
    private final boolean zhttpReq;
    private final boolean ssl;
    private final boolean insecure;
    private final boolean trustConnectHost;
    private final String hostHeader;
    private final boolean overHttp;
    private final boolean oneEvent;
    private final List<String> subscriptions;
    private final boolean untrusted;
    private final String clientCert;
    private final String clientKey;
    private final int ipcFileMode;
    private final Map<String, String> options;
    private final String describe;

    private Target(Builder b) {
        kind = requireNonNull(b.kind, "kind");
        spec = requireNonNull(b.spec, "spec");
        host = b.host;
        port = b.port;
        zhttpBaseSpec = b.zhttpBaseSpec;
        zhttpReq = b.zhttpReq;
        ssl = b.ssl;
        insecure = b.insecure;
        trustConnectHost = b.trustConnectHost;
        hostHeader = b.hostHeader;
        overHttp = b.overHttp;
        oneEvent = b.oneEvent;
        subscriptions = List.copyOf(b.subscriptions);
        untrusted = b.untrusted;
        clientCert = b.clientCert;
        clientKey = b.clientKey;
        ipcFileMode = b.ipcFileMode;
        options = Collections.unmodifiableMap(new LinkedHashMap<>(b.options));
        describe = buildDescription();
    }

    static Builder builder(Kind kind, String spec) {
        return new Builder(kind, spec);
    }

    /**
     * An untrusted origin target for an absolute URL an origin handed over ({@code Grip-Link} next or
     * gone pointing at another host): the outbound network policy applies to it, and the host it
     * names is sent as {@code Host}.
     *
     * @throws IllegalArgumentException when the URL is not {@code http} or {@code https} with a host
     */
    public static Target forUrl(java.net.URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || url.getHost() == null) {
            throw new IllegalArgumentException("not an http(s) URL with a host: " + url);
        }
        boolean ssl = scheme.equals("https");
        String host = url.getHost().startsWith("[") ? url.getHost().substring(1, url.getHost().length() - 1)
                : url.getHost();
        int port = url.getPort() > 0 ? url.getPort() : ssl ? 443 : 80;
        return builder(Kind.ORIGIN, url.getRawAuthority()).origin(host, port).ssl(ssl).untrusted(true)
                .hostHeader(url.getRawAuthority()).build();
    }

    public Kind kind() {
        return kind;
    }

    /** The target text as written in the routes file, e.g. {@code app1:8080} or {@code test}. */
    public String spec() {
        return spec;
    }

    /**
     * The host to connect to, for {@link Kind#ORIGIN}; an IPv6 address is given without its
     * brackets ({@code [::1]:8080} gives {@code ::1}). Empty for the other kinds.
     */
    public String host() {
        return host;
    }

    /** The port to connect to, for {@link Kind#ORIGIN}; 0 for the other kinds. */
    public int port() {
        return port;
    }

    /** For {@link Kind#ZHTTP}: the base spec after {@code zhttp/} or {@code zhttpreq/}. */
    public Optional<String> zhttpBaseSpec() {
        return Optional.ofNullable(zhttpBaseSpec);
    }

    /** For {@link Kind#ZHTTP}: true for {@code zhttpreq/} (request mode), false for {@code zhttp/}. */
    public boolean zhttpReq() {
        return zhttpReq;
    }

    /** {@code ssl}: talk TLS to the origin ({@code https}/{@code wss}). */
    public boolean ssl() {
        return ssl;
    }

    /** {@code insecure}: do not verify the origin's certificate. */
    public boolean insecure() {
        return insecure;
    }

    /** {@code trust_connect_host}: verify the certificate against the connect host. */
    public boolean trustConnectHost() {
        return trustConnectHost;
    }

    /** {@code host=}: the Host header / URL host to use for the origin request. */
    public Optional<String> hostHeader() {
        return Optional.ofNullable(hostHeader);
    }

    /** {@code over_http}: WebSockets reach this origin as WebSocket-over-HTTP (spec 2.2). */
    public boolean overHttp() {
        return overHttp;
    }

    /** {@code one_event}: one event per WebSocket-over-HTTP request. */
    public boolean oneEvent() {
        return oneEvent;
    }

    /** {@code sub=}, repeatable: channels every connection on the route is subscribed to. */
    public List<String> subscriptions() {
        return subscriptions;
    }

    /** {@code untrusted}: apply outbound network policies (targets are trusted by default). */
    public boolean untrusted() {
        return untrusted;
    }

    /** {@code client_cert=}: certificate file for mutual TLS. */
    public Optional<String> clientCert() {
        return Optional.ofNullable(clientCert);
    }

    /** {@code client_key=}: key file for mutual TLS. */
    public Optional<String> clientKey() {
        return Optional.ofNullable(clientKey);
    }

    /** {@code ipc_file_mode=} (octal in the file), for ZHTTP targets over ipc sockets. */
    public OptionalInt ipcFileMode() {
        return ipcFileMode < 0 ? OptionalInt.empty() : OptionalInt.of(ipcFileMode);
    }

    /**
     * Every prop of this target as written, in file order, including ones Holdfast does not know
     * yet (so later features can read them). A flag has an empty value; a repeated prop keeps its
     * last value, as in Pushpin (the repeatable {@code sub=} is also in {@link #subscriptions()}).
     */
    public Map<String, String> options() {
        return options;
    }

    /** Short text for logs: {@code 127.0.0.1:8080}, {@code [::1]:8080}, {@code test}, {@code zhttp/...}. */
    public String describe() {
        return describe;
    }

    private String buildDescription() {
        if (kind != Kind.ORIGIN) {
            return spec;
        }
        return host.indexOf(':') >= 0 ? '[' + host + "]:" + port : host + ':' + port;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Target)) {
            return false;
        }
        Target t = (Target) o;
        return kind == t.kind && spec.equals(t.spec) && host.equals(t.host) && port == t.port
               && Objects.equals(zhttpBaseSpec, t.zhttpBaseSpec) && zhttpReq == t.zhttpReq
               && ssl == t.ssl && insecure == t.insecure && trustConnectHost == t.trustConnectHost
               && Objects.equals(hostHeader, t.hostHeader) && overHttp == t.overHttp
               && oneEvent == t.oneEvent && subscriptions.equals(t.subscriptions)
               && untrusted == t.untrusted && Objects.equals(clientCert, t.clientCert)
               && Objects.equals(clientKey, t.clientKey) && ipcFileMode == t.ipcFileMode
               && options.equals(t.options);
    }

    @Override
    public int hashCode() {
        // options holds every prop as written, so it covers all the parsed switches too.
        return Objects.hash(kind, spec, options);
    }

    @Override
    public String toString() {
        return options.isEmpty() ? describe : describe + options;
    }

    /** Filled in by {@link RoutesParser}; package-private so a Target is only ever made from text. */
    static final class Builder {
        private final Kind kind;
        private final String spec;
        private String host = "";
        private int port;
        private String zhttpBaseSpec;
        private boolean zhttpReq;
        private boolean ssl;
        private boolean insecure;
        private boolean trustConnectHost;
        private String hostHeader;
        private boolean overHttp;
        private boolean oneEvent;
        private final List<String> subscriptions = new ArrayList<>();
        private boolean untrusted;
        private String clientCert;
        private String clientKey;
        private int ipcFileMode = -1;
        private final Map<String, String> options = new LinkedHashMap<>();

        private Builder(Kind kind, String spec) {
            this.kind = kind;
            this.spec = spec;
        }

        Builder origin(String host, int port) {
            this.host = host;
            this.port = port;
            return this;
        }

        Builder zhttp(String baseSpec, boolean req) {
            this.zhttpBaseSpec = baseSpec;
            this.zhttpReq = req;
            return this;
        }

        Builder ssl(boolean v) {
            ssl = v;
            return this;
        }

        Builder insecure(boolean v) {
            insecure = v;
            return this;
        }

        Builder trustConnectHost(boolean v) {
            trustConnectHost = v;
            return this;
        }

        Builder hostHeader(String v) {
            hostHeader = v;
            return this;
        }

        Builder overHttp(boolean v) {
            overHttp = v;
            return this;
        }

        Builder oneEvent(boolean v) {
            oneEvent = v;
            return this;
        }

        Builder addSubscription(String channel) {
            subscriptions.add(channel);
            return this;
        }

        Builder untrusted(boolean v) {
            untrusted = v;
            return this;
        }

        Builder clientCert(String v) {
            clientCert = v;
            return this;
        }

        Builder clientKey(String v) {
            clientKey = v;
            return this;
        }

        Builder ipcFileMode(int v) {
            ipcFileMode = v;
            return this;
        }

        Builder option(String name, String value) {
            options.put(name, value);
            return this;
        }

        Target build() {
            return new Target(this);
        }
    }
}
