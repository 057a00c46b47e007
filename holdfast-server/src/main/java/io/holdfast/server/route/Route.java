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
 * One line of the routes file: a condition (domain, {@code path_beg}, {@code proto}, {@code ssl})
 * that selects requests, the per-route settings the proxy applies to them (channel prefix, path
 * rewrite, headers, signing, CORS/JSON-P, ...), and the targets to try in order (spec 5.3). The
 * proxy holds on to the {@code Route} it matched for the life of a request or WebSocket session,
 * so a reload never changes a request already in flight. Immutable.
 *
 * <p>Values are kept as written in the file; defaults that belong to a feature (e.g. JSON-P's
 * {@code callback} parameter, spec 5.4) are applied by that feature, so an empty {@code Optional}
 * here means "not set on this route".
 */
public final class Route {

    /** {@code proto=http|ws}: which kind of request the route accepts. */
    public enum Proto {
        /** Plain HTTP requests (not WebSocket upgrades). */
        HTTP,
        /** WebSocket upgrade requests. */
        WS
    }

    /**
     * {@code header=Name:Value}: set a request header to the origin, replacing the client's; an
     * empty value removes the header (spec 1.1).
     */
    public record HeaderRule(String name, String value) {
        public HeaderRule {
            requireNonNull(name, "name");
            requireNonNull(value, "value");
        }

        /** True when the rule deletes the header rather than setting it. */
        public boolean removes() {
            return value.isEmpty();
        }
    }

    private final boolean idOnly;
    private final String id;
    private final String domain;
    private final String pathBeg;
    private final Boolean ssl;
    private final Proto proto;
    private final String prefix;
    private final int pathRem;
    private final String replaceBeg;
    private final String asHost;
    private final List<HeaderRule> headers;
    private final String sigIss;
    private final String sigKey;
    private final boolean origHeaders;
    private final boolean debug;
    private final boolean autoCrossOrigin;
    private final boolean session;
    private final boolean noGrip;
    private final String jsonpMode;
    private final String jsonpCallback;
    private final String jsonpBody;
    private final String jsonpDefaultCallback;
    private final String jsonpDefaultMethod;
    private final int logLevel;
    private final boolean hasLogLevel;
    private final String sockjs;
    private final String sockjsAsPath;
    private final Map<String, String> options;
    private final List<Target> targets;
    private final String source;
    private final String sourceName;
    private final int line;

    // Precomputed so rewritePath() is cheap on the request path.
    private final int removeChars;
    private final String prependPath;
    private final String describe;

    private Route(Builder b) {
        idOnly = b.idOnly;
        id = b.id;
        domain = b.domain;
        pathBeg = b.pathBeg;
        ssl = b.ssl;
        proto = b.proto;
        prefix = b.prefix;
        pathRem = b.pathRem;
        replaceBeg = b.replaceBeg;
        asHost = b.asHost;
        headers = List.copyOf(b.headers);
        sigIss = b.sigIss;
        sigKey = b.sigKey;
        origHeaders = b.origHeaders;
        debug = b.debug;
        autoCrossOrigin = b.autoCrossOrigin;
        session = b.session;
        noGrip = b.noGrip;
        jsonpMode = b.jsonpMode;
        jsonpCallback = b.jsonpCallback;
        jsonpBody = b.jsonpBody;
        jsonpDefaultCallback = b.jsonpDefaultCallback;
        jsonpDefaultMethod = b.jsonpDefaultMethod;
        logLevel = b.logLevel;
        hasLogLevel = b.hasLogLevel;
        sockjs = b.sockjs;
        sockjsAsPath = b.sockjsAsPath;
        options = Collections.unmodifiableMap(new LinkedHashMap<>(b.options));
        targets = List.copyOf(b.targets);
        source = requireNonNull(b.source, "source");
        sourceName = requireNonNull(b.sourceName, "sourceName");
        line = b.line;
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("targets: [] (expected: at least one)");
        }
        if (idOnly && id == null) {
            throw new IllegalArgumentException("id: null (expected: set when the route has no domain)");
        }

        // Pushpin: replace_beg removes the path_beg part (overriding path_rem), then prepends.
        if (replaceBeg != null) {
            removeChars = pathBeg == null ? 0 : pathBeg.length();
            prependPath = replaceBeg;
        } else {
            removeChars = Math.max(pathRem, 0);
            prependPath = "";
        }
        describe = buildDescription();
    }

    static Builder builder() {
        return new Builder();
    }

    /** {@code id=}: the route id (for {@code Pushpin-Route}, stats and logs). */
    public Optional<String> id() {
        return Optional.ofNullable(id);
    }

    /**
     * The exact Host this route is for, as written; empty means {@code *} (any host), and also for
     * an {@linkplain #idOnly() id-only} route.
     */
    public Optional<String> domain() {
        return Optional.ofNullable(domain);
    }

    /**
     * True when the line had no domain at all (it started with {@code prop=}); such a route never
     * matches by Host and is reachable only {@linkplain RouteTable#byId(String) by id}.
     */
    public boolean idOnly() {
        return idOnly;
    }

    /** {@code path_beg=}: the path prefix the request must start with. */
    public Optional<String> pathBeg() {
        return Optional.ofNullable(pathBeg);
    }

    /** {@code ssl=yes|no}: whether the client must (or must not) have used TLS. */
    public Optional<Boolean> ssl() {
        return Optional.ofNullable(ssl);
    }

    /** {@code proto=http|ws}. */
    public Optional<Proto> proto() {
        return Optional.ofNullable(proto);
    }

    /** {@code prefix=}: prepended to every channel this route's origin subscribes to. */
    public Optional<String> prefix() {
        return Optional.ofNullable(prefix);
    }

    /** {@code path_rem=n}: remove the first n characters of the path before proxying. */
    public OptionalInt pathRem() {
        return pathRem < 0 ? OptionalInt.empty() : OptionalInt.of(pathRem);
    }

    /** {@code replace_beg=}: replaces the {@code path_beg} part of the path. */
    public Optional<String> replaceBeg() {
        return Optional.ofNullable(replaceBeg);
    }

    /** {@code as_host=}: the Host (and URI host) sent to the origin. */
    public Optional<String> asHost() {
        return Optional.ofNullable(asHost);
    }

    /** {@code header=Name:Value} rules, in file order. */
    public List<HeaderRule> headers() {
        return headers;
    }

    /** {@code sig_iss=}: overrides the Grip-Sig issuer. */
    public Optional<String> sigIss() {
        return Optional.ofNullable(sigIss);
    }

    /** {@code sig_key=}: overrides the Grip-Sig key, as written (may be {@code base64:...}). */
    public Optional<String> sigKey() {
        return Optional.ofNullable(sigKey);
    }

    /** {@code orig_headers}: add prefixed copies of the client's headers. */
    public boolean origHeaders() {
        return origHeaders;
    }

    /** {@code debug}: detailed error responses for this route. */
    public boolean debug() {
        return debug;
    }

    /** {@code aco}: auto cross-origin (CORS and JSON-P, spec 5.4) for this route. */
    public boolean autoCrossOrigin() {
        return autoCrossOrigin;
    }

    /** {@code session}: enable the session feature (spec 1.8). */
    public boolean session() {
        return session;
    }

    /** {@code no_grip}: plain pass-through; don't sign or act on GRIP responses. */
    public boolean noGrip() {
        return noGrip;
    }

    /** {@code jsonp_mode=basic|extended}; the feature's default is {@code extended}. */
    public Optional<String> jsonpMode() {
        return Optional.ofNullable(jsonpMode);
    }

    /** {@code jsonp_cb=}: the callback query parameter; the feature's default is {@code callback}. */
    public Optional<String> jsonpCallback() {
        return Optional.ofNullable(jsonpCallback);
    }

    /** {@code jsonp_body=}: the query parameter carrying the request body. */
    public Optional<String> jsonpBody() {
        return Optional.ofNullable(jsonpBody);
    }

    /** {@code jsonp_defcb=}: the default callback name. */
    public Optional<String> jsonpDefaultCallback() {
        return Optional.ofNullable(jsonpDefaultCallback);
    }

    /** {@code jsonp_defmethod=}: the default method (else GET in extended, POST in basic mode). */
    public Optional<String> jsonpDefaultMethod() {
        return Optional.ofNullable(jsonpDefaultMethod);
    }

    /** {@code log_level=n}: per-route log level. */
    public OptionalInt logLevel() {
        return hasLogLevel ? OptionalInt.of(logLevel) : OptionalInt.empty();
    }

    /** {@code sockjs=}: the path where SockJS is terminated (spec 5.5). */
    public Optional<String> sockjs() {
        return Optional.ofNullable(sockjs);
    }

    /** {@code sockjs_as_path=}: the WebSocket path SockJS sessions are presented at. */
    public Optional<String> sockjsAsPath() {
        return Optional.ofNullable(sockjsAsPath);
    }

    /**
     * Every condition prop as written, in file order, including ones Holdfast does not know yet.
     * A flag has an empty value; a repeated prop keeps its last value, as in Pushpin (the
     * repeatable {@code header=} is also in {@link #headers()}).
     */
    public Map<String, String> options() {
        return options;
    }

    /** The targets, in failover order; never empty. */
    public List<Target> targets() {
        return targets;
    }

    /** The line as written in the file (or on the command line). */
    public String source() {
        return source;
    }

    /** Where the line came from, as given to the parser: e.g. {@code routes} or {@code --route}. */
    public String sourceName() {
        return sourceName;
    }

    /** The 1-based line number in the routes file; 0 for a {@code --route} spec. */
    public int line() {
        return line;
    }

    /** {@code routes:3} (or just the source name for line 0): where to look, for log messages. */
    public String location() {
        return line > 0 ? sourceName + ':' + line : sourceName;
    }

    /**
     * Applies this route's path rewrite to a request target ({@code /path?query}): {@code
     * path_rem=n} removes the first n characters of the path; {@code replace_beg=str} replaces the
     * {@code path_beg} prefix with {@code str} (as in Pushpin, it removes {@code path_beg}'s length,
     * so it assumes the path matched this route). The query string is kept. A rewrite that leaves
     * no leading {@code /} gets one, so the origin always sees a valid origin-form target.
     * Returns the argument itself when the route has no rewrite.
     */
    public String rewritePath(String pathAndQuery) {
        if (removeChars == 0 && prependPath.isEmpty()) {
            return pathAndQuery;
        }
        int q = pathAndQuery.indexOf('?');
        int pathEnd = q < 0 ? pathAndQuery.length() : q;
        int cut = Math.min(removeChars, pathEnd);
        StringBuilder out = new StringBuilder(prependPath.length() + pathAndQuery.length() - cut + 1);
        out.append(prependPath).append(pathAndQuery, cut, pathEnd);
        if (out.length() == 0 || out.charAt(0) != '/') {
            out.insert(0, '/');
        }
        out.append(pathAndQuery, pathEnd, pathAndQuery.length());
        return out.toString();
    }

    /**
     * Short text for logs, e.g. {@code id=api *,path_beg=/api/ -> app1:8080, app2:8080}.
     */
    public String describe() {
        return describe;
    }

    private String buildDescription() {
        StringBuilder sb = new StringBuilder();
        if (id != null) {
            sb.append("id=").append(id).append(' ');
        }
        if (!idOnly) {
            sb.append(domain == null ? "*" : domain);
        }
        int conditionStart = sb.length();
        if (proto != null) {
            sb.append(",proto=").append(proto == Proto.WS ? "ws" : "http");
        }
        if (ssl != null) {
            sb.append(",ssl=").append(ssl ? "yes" : "no");
        }
        if (pathBeg != null) {
            sb.append(",path_beg=").append(pathBeg);
        }
        if (idOnly && sb.length() > conditionStart) {
            sb.deleteCharAt(conditionStart); // no domain before the first comma
        }
        sb.setLength(trimEnd(sb));
        sb.append(" -> ");
        for (int i = 0; i < targets.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(targets.get(i).describe());
        }
        return sb.toString();
    }

    private static int trimEnd(StringBuilder sb) {
        int n = sb.length();
        while (n > 0 && sb.charAt(n - 1) == ' ') {
            n--;
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Route)) {
            return false;
        }
        Route r = (Route) o;
        // options holds every condition prop as written, so it covers the parsed settings too.
        return idOnly == r.idOnly && Objects.equals(domain, r.domain) && options.equals(r.options)
               && targets.equals(r.targets) && source.equals(r.source)
               && sourceName.equals(r.sourceName) && line == r.line;
    }

    @Override
    public int hashCode() {
        return Objects.hash(domain, options, targets, line);
    }

    @Override
    public String toString() {
        return describe;
    }

    /** Filled in by {@link RoutesParser}; package-private so a Route is only ever made from text. */
    static final class Builder {
        private boolean idOnly;
        private String id;
        private String domain;
        private String pathBeg;
        private Boolean ssl;
        private Proto proto;
        private String prefix;
        private int pathRem = -1;
        private String replaceBeg;
        private String asHost;
        private final List<HeaderRule> headers = new ArrayList<>();
        private String sigIss;
        private String sigKey;
        private boolean origHeaders;
        private boolean debug;
        private boolean autoCrossOrigin;
        private boolean session;
        private boolean noGrip;
        private String jsonpMode;
        private String jsonpCallback;
        private String jsonpBody;
        private String jsonpDefaultCallback;
        private String jsonpDefaultMethod;
        private int logLevel;
        private boolean hasLogLevel;
        private String sockjs;
        private String sockjsAsPath;
        private final Map<String, String> options = new LinkedHashMap<>();
        private final List<Target> targets = new ArrayList<>();
        private String source;
        private String sourceName;
        private int line;

        private Builder() {
        }

        Builder idOnly(boolean v) {
            idOnly = v;
            return this;
        }

        Builder id(String v) {
            id = v;
            return this;
        }

        Builder domain(String v) {
            domain = v;
            return this;
        }

        Builder pathBeg(String v) {
            pathBeg = v;
            return this;
        }

        Builder ssl(Boolean v) {
            ssl = v;
            return this;
        }

        Builder proto(Proto v) {
            proto = v;
            return this;
        }

        Builder prefix(String v) {
            prefix = v;
            return this;
        }

        Builder pathRem(int v) {
            pathRem = v;
            return this;
        }

        Builder replaceBeg(String v) {
            replaceBeg = v;
            return this;
        }

        Builder asHost(String v) {
            asHost = v;
            return this;
        }

        Builder addHeader(HeaderRule v) {
            headers.add(v);
            return this;
        }

        Builder sigIss(String v) {
            sigIss = v;
            return this;
        }

        Builder sigKey(String v) {
            sigKey = v;
            return this;
        }

        Builder origHeaders(boolean v) {
            origHeaders = v;
            return this;
        }

        Builder debug(boolean v) {
            debug = v;
            return this;
        }

        Builder autoCrossOrigin(boolean v) {
            autoCrossOrigin = v;
            return this;
        }

        Builder session(boolean v) {
            session = v;
            return this;
        }

        Builder noGrip(boolean v) {
            noGrip = v;
            return this;
        }

        Builder jsonpMode(String v) {
            jsonpMode = v;
            return this;
        }

        Builder jsonpCallback(String v) {
            jsonpCallback = v;
            return this;
        }

        Builder jsonpBody(String v) {
            jsonpBody = v;
            return this;
        }

        Builder jsonpDefaultCallback(String v) {
            jsonpDefaultCallback = v;
            return this;
        }

        Builder jsonpDefaultMethod(String v) {
            jsonpDefaultMethod = v;
            return this;
        }

        Builder logLevel(int v) {
            logLevel = v;
            hasLogLevel = true;
            return this;
        }

        Builder sockjs(String v) {
            sockjs = v;
            return this;
        }

        Builder sockjsAsPath(String v) {
            sockjsAsPath = v;
            return this;
        }

        Builder option(String name, String value) {
            options.put(name, value);
            return this;
        }

        Builder addTarget(Target v) {
            targets.add(v);
            return this;
        }

        Builder source(String text, String name, int lineNumber) {
            source = text;
            sourceName = name;
            line = lineNumber;
            return this;
        }

        Route build() {
            return new Route(this);
        }
    }
}
