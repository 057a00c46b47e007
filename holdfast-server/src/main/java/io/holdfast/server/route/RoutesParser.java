package io.holdfast.server.route;

import io.holdfast.server.route.RouteLineTokenizer.Prop;
import io.holdfast.server.route.RouteLineTokenizer.Section;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads Pushpin's routes syntax (spec 5.3) into {@link Route}s, so that users can bring their
 * existing {@code routes} file and {@code --route} lines unchanged. One route per line; blank lines
 * and {@code #} comments are skipped. The first section is the condition (domain, then props),
 * every further section a target with its props.
 *
 * <p>Anything that would make the route behave differently from what the user wrote is an error
 * naming source and line ({@link RouteSyntaxException}); props Holdfast does not know are kept in
 * {@code options()} and reported as warnings, so a file written for a newer Pushpin still loads.
 */
public final class RoutesParser {

    private static final Logger log = LoggerFactory.getLogger(RoutesParser.class);

    private final String sourceName;
    private final int lineNumber;
    private final String text;
    private final List<String> warnings;

    private RoutesParser(String text, int lineNumber, String sourceName, List<String> warnings) {
        this.text = text;
        this.lineNumber = lineNumber;
        this.sourceName = sourceName;
        this.warnings = warnings;
    }

    /**
     * Parses a whole routes file; warnings are logged once here.
     *
     * @param sourceName how errors name the file, e.g. {@code routes}
     */
    public static List<Route> parse(String text, String sourceName) throws RouteSyntaxException {
        ParsedRoutes parsed = parseWithWarnings(text, sourceName);
        parsed.warnings().forEach(log::warn);
        return parsed.routes();
    }

    /** Parses a whole routes file and hands back the warnings instead of logging them. */
    public static ParsedRoutes parseWithWarnings(String text, String sourceName)
            throws RouteSyntaxException {
        List<Route> routes = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        String body = text.startsWith("\uFEFF") ? text.substring(1) : text; // editors' UTF-8 BOM
        String[] lines = body.split("\r\n|\r|\n", -1);
        for (int i = 0; i < lines.length; i++) {
            Route route = new RoutesParser(lines[i], i + 1, sourceName, warnings).route();
            if (route != null) {
                routes.add(route);
            }
        }
        return new ParsedRoutes(routes, warnings);
    }

    /**
     * Parses one route line, e.g. a {@code --route} spec (line number 0). Warnings are logged.
     *
     * @throws RouteSyntaxException also when the line is blank or only a comment
     */
    public static Route parseLine(String line, int lineNumber, String sourceName)
            throws RouteSyntaxException {
        List<String> warnings = new ArrayList<>();
        RoutesParser parser = new RoutesParser(line, lineNumber, sourceName, warnings);
        Route route = parser.route();
        if (route == null) {
            throw parser.error("empty route (expected: <condition> <target>...)");
        }
        warnings.forEach(log::warn);
        return route;
    }

    /** The route on this line, or null for a blank or comment line. */
    private Route route() throws RouteSyntaxException {
        List<Section> sections = RouteLineTokenizer.tokenize(text, sourceName, lineNumber);
        if (sections.isEmpty()) {
            return null;
        }
        if (sections.size() < 2) {
            throw error("route has no target (expected: <condition> <target>...)");
        }
        Route.Builder route = Route.builder().source(text, sourceName, lineNumber);
        condition(sections.get(0), route);
        for (Section section : sections.subList(1, sections.size())) {
            route.addTarget(target(section));
        }
        return route.build();
    }

    // ---- condition ------------------------------------------------------------------------

    private void condition(Section section, Route.Builder route) throws RouteSyntaxException {
        String domain = section.value();
        boolean hasId = false;
        for (Prop prop : section.props()) {
            route.option(prop.name(), prop.value());
            hasId |= prop.name().equals("id");
            conditionProp(prop, route);
        }
        if (domain.isEmpty()) {
            // Spec 5.3: the domain may be omitted (line starts with prop=), but then an id is needed.
            if (!hasId) {
                throw error("route has no domain and no id (expected: * or a host, or id=<name>)");
            }
            route.idOnly(true);
        } else if (!domain.equals("*")) {
            checkDomain(domain);
            route.domain(domain);
        }
    }

    private void checkDomain(String domain) throws RouteSyntaxException {
        if (domain.indexOf('*') >= 0) {
            // Spec 5.3: only "*" alone is a wildcard; Pushpin has no partial wildcards.
            throw error("domain \"" + domain + "\" has a partial wildcard (expected: * or an exact host)");
        }
        if (domain.indexOf('/') >= 0) {
            throw error("domain \"" + domain + "\" has a path (expected: a host; match paths with path_beg)");
        }
        int colon = domain.indexOf(':');
        if (colon >= 0 && domain.indexOf(':', colon + 1) < 0) {
            // Pushpin matches the Host without its port, so such a route can never be selected.
            warn("domain \"" + domain + "\" has a port, but ports are not matched; this route never matches");
        }
    }

    private void conditionProp(Prop prop, Route.Builder route) throws RouteSyntaxException {
        String v = prop.value();
        switch (prop.name()) {
            case "id" -> route.id(nonEmpty(prop));
            case "proto" -> route.proto(switch (v) {
                case "http" -> Route.Proto.HTTP;
                case "ws" -> Route.Proto.WS;
                default -> throw badValue(prop, "http or ws");
            });
            case "ssl" -> route.ssl(switch (v) {
                case "yes" -> Boolean.TRUE;
                case "no" -> Boolean.FALSE;
                default -> throw badValue(prop, "yes or no");
            });
            case "path_beg" -> route.pathBeg(nonEmpty(prop)); // spec 5.3: "not empty"
            case "prefix" -> route.prefix(v);
            case "path_rem" -> route.pathRem(nonNegativeInt(prop));
            case "replace_beg" -> route.replaceBeg(v);
            case "as_host" -> route.asHost(nonEmpty(prop));
            case "header" -> route.addHeader(header(prop));
            case "sig_iss" -> route.sigIss(v);
            case "sig_key" -> route.sigKey(v);
            case "orig_headers" -> route.origHeaders(flag(prop));
            case "debug" -> route.debug(flag(prop));
            case "aco" -> route.autoCrossOrigin(flag(prop));
            case "session" -> route.session(flag(prop) && notImplemented(prop, "route"));
            case "no_grip" -> route.noGrip(flag(prop));
            case "jsonp_mode" -> {
                if (!v.equals("basic") && !v.equals("extended")) {
                    throw badValue(prop, "basic or extended");
                }
                route.jsonpMode(v);
            }
            case "jsonp_cb" -> route.jsonpCallback(nonEmpty(prop));
            case "jsonp_body" -> route.jsonpBody(nonEmpty(prop));
            case "jsonp_defcb" -> route.jsonpDefaultCallback(nonEmpty(prop));
            case "jsonp_defmethod" -> route.jsonpDefaultMethod(nonEmpty(prop));
            case "log_level" -> {
                route.logLevel(nonNegativeInt(prop));
                notImplemented(prop, "route");
            }
            case "sockjs" -> {
                route.sockjs(nonEmpty(prop));
                notImplemented(prop, "route");
            }
            case "sockjs_as_path" -> {
                route.sockjsAsPath(nonEmpty(prop));
                notImplemented(prop, "route");
            }
            case "collapse_next" -> flag(prop); // Holdfast: share next-link fetches (kept in options)
            default -> warn("unknown route prop \"" + prop.name() + "\" (kept in options, not used)");
        }
    }

    private Route.HeaderRule header(Prop prop) throws RouteSyntaxException {
        String v = prop.value();
        int colon = v.indexOf(':');
        if (colon < 1) {
            throw badValue(prop, "Name:Value");
        }
        // Pushpin drops the spaces after the colon, so "X-A: b" and "X-A:b" mean the same.
        int start = colon + 1;
        while (start < v.length() && v.charAt(start) == ' ') {
            start++;
        }
        return new Route.HeaderRule(v.substring(0, colon), v.substring(start));
    }

    // ---- targets --------------------------------------------------------------------------

    private Target target(Section section) throws RouteSyntaxException {
        Target.Builder target = targetKind(section.value());
        for (Prop prop : section.props()) {
            target.option(prop.name(), prop.value());
            targetProp(prop, target);
        }
        return target.build();
    }

    private Target.Builder targetKind(String spec) throws RouteSyntaxException {
        if (spec.isEmpty()) {
            throw error("target has props but no host:port (expected: host:port or test)");
        }
        if (spec.equals("test")) {
            return Target.builder(Target.Kind.TEST, spec);
        }
        if (spec.startsWith("zhttp/") || spec.startsWith("zhttpreq/")) {
            // Refused at load rather than answering 502 on every request: Holdfast has no ZHTTP
            // (ZeroMQ) client, so a route to such a peer could never be served.
            throw error("target \"" + spec + "\" is a ZHTTP peer over ZeroMQ, which Holdfast does not "
                        + "support (Holdfast talks HTTP to origins; expected: host:port or test)");
        }
        return origin(spec);
    }

    /** {@code host:port} or {@code [v6]:port} (spec 5.3, v1.41+). */
    private Target.Builder origin(String spec) throws RouteSyntaxException {
        String host;
        String port;
        if (spec.startsWith("[")) {
            int close = spec.indexOf(']');
            if (close < 0) {
                throw error("target \"" + spec + "\" has no closing ']'");
            }
            host = spec.substring(1, close);
            if (close + 1 >= spec.length() || spec.charAt(close + 1) != ':') {
                throw error("target \"" + spec + "\" has no port");
            }
            port = spec.substring(close + 2);
        } else {
            int colon = spec.indexOf(':');
            if (colon < 0) {
                throw error("target \"" + spec + "\" has no port");
            }
            if (spec.indexOf(':', colon + 1) >= 0) {
                throw error("target \"" + spec + "\" is ambiguous (expected: IPv6 in brackets, e.g. [::1]:8080)");
            }
            host = spec.substring(0, colon);
            port = spec.substring(colon + 1);
        }
        if (host.isEmpty()) {
            throw error("target \"" + spec + "\" has no host");
        }
        return Target.builder(Target.Kind.ORIGIN, spec).origin(host, port(spec, port));
    }

    private int port(String spec, String port) throws RouteSyntaxException {
        int value = parseDigits(port);
        if (value < 1 || value > 65535) {
            throw error("target \"" + spec + "\" has a bad port \"" + port + "\" (expected: 1-65535)");
        }
        return value;
    }

    private void targetProp(Prop prop, Target.Builder target) throws RouteSyntaxException {
        switch (prop.name()) {
            case "ssl" -> target.ssl(flag(prop));
            case "insecure" -> target.insecure(flag(prop));
            case "trust_connect_host" -> target.trustConnectHost(flag(prop) && notImplemented(prop, "target"));
            case "host" -> target.hostHeader(nonEmpty(prop));
            case "over_http" -> target.overHttp(flag(prop));
            case "one_event" -> target.oneEvent(flag(prop));
            case "sub" -> {
                // Pushpin ignores an empty sub= rather than subscribing to "".
                if (!prop.value().isEmpty()) {
                    target.addSubscription(prop.value());
                }
            }
            case "untrusted" -> target.untrusted(flag(prop));
            case "client_cert" -> {
                target.clientCert(nonEmpty(prop));
                notImplemented(prop, "target");
            }
            case "client_key" -> {
                target.clientKey(nonEmpty(prop));
                notImplemented(prop, "target");
            }
            case "ipc_file_mode" -> {
                // Only meaningful for zhttp targets over ipc://, which are refused (see targetKind).
                target.ipcFileMode(octal(prop));
                notImplemented(prop, "target");
            }
            default -> warn("unknown target prop \"" + prop.name() + "\" (kept in options, not used)");
        }
    }

    // ---- values ---------------------------------------------------------------------------

    /**
     * Warns that a Pushpin prop was read (and its value checked) but Holdfast does not act on it,
     * so a routes file written for Pushpin still loads and the operator knows what is missing.
     * Always true, so flags can chain it.
     */
    private boolean notImplemented(Prop prop, String where) {
        warn(where + " prop \"" + prop.name() + "\" is accepted for Pushpin compatibility but not "
             + "implemented by Holdfast; it has no effect");
        return true;
    }

    /**
     * A flag is on when present. Pushpin ignores a value given to a flag (even {@code ssl=no} on a
     * target turns TLS on), so we do the same for compatibility, but say so.
     */
    private boolean flag(Prop prop) {
        if (prop.hasValue()) {
            warn("flag \"" + prop.name() + "\" takes no value; \"" + prop.value()
                 + "\" is ignored and the flag is on");
        }
        return true;
    }

    private String nonEmpty(Prop prop) throws RouteSyntaxException {
        if (prop.value().isEmpty()) {
            throw error(prop.name() + " is empty (expected: " + prop.name() + "=<value>)");
        }
        return prop.value();
    }

    private int nonNegativeInt(Prop prop) throws RouteSyntaxException {
        int value = parseDigits(prop.value());
        if (value < 0) {
            throw badValue(prop, "a number >= 0");
        }
        return value;
    }

    private int octal(Prop prop) throws RouteSyntaxException {
        try {
            int value = Integer.parseInt(prop.value(), 8);
            if (value >= 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw badValue(prop, "an octal file mode, e.g. 660");
    }

    /** The value of a string of ASCII digits, or -1 (also on overflow). */
    private static int parseDigits(String s) {
        if (s.isEmpty() || s.length() > 9) {
            return -1;
        }
        int value = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private RouteSyntaxException badValue(Prop prop, String expected) {
        return error(prop.name() + ": \"" + prop.value() + "\" (expected: " + expected + ")");
    }

    private RouteSyntaxException error(String reason) {
        return new RouteSyntaxException(sourceName, lineNumber, reason);
    }

    private void warn(String message) {
        warnings.add(lineNumber > 0 ? sourceName + ':' + lineNumber + ": " + message
                                    : sourceName + ": " + message);
    }
}
