package io.holdfast.server.route;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loaded routes, arranged for the question the proxy asks on every request: which route does
 * this Host, path, TLS flag and WebSocket flag go to? Built once per (re)load and then only read,
 * from any event loop, so it is immutable and {@link #match} allocates nothing: each domain's
 * candidates are sorted by specificity up front and the first one that matches wins.
 *
 * <p>Selection follows Pushpin (spec 5.3): if any route names the request's host, only that
 * domain's routes are candidates, otherwise the {@code *} routes; among the candidates a route
 * with {@code proto} beats one without, then a longer {@code path_beg} beats a shorter one, then a
 * route with {@code ssl} beats one without. (Two routes that both match and tie on all three
 * would need identical conditions, and {@link #of} keeps only the first of those.)
 */
public final class RouteTable {

    private static final Logger log = LoggerFactory.getLogger(RouteTable.class);

    /** Most specific first (spec 5.3). */
    private static final Comparator<Route> SPECIFICITY =
            Comparator.<Route>comparingInt(r -> r.proto().isPresent() ? 0 : 1)
                      .thenComparingInt(r -> -r.pathBeg().map(String::length).orElse(0))
                      .thenComparingInt(r -> r.ssl().isPresent() ? 0 : 1);

    // After SPECIFICITY: the constructor sorts with it.
    private static final RouteTable EMPTY = new RouteTable(List.of(), List.of());

    private final List<Route> routes;
    private final List<String> warnings;
    private final HostIndex<Candidate[]> byDomain;
    private final Candidate[] wildcard;
    private final Map<String, Route> byId;

    private RouteTable(List<Route> routes, List<String> warnings) {
        this.routes = List.copyOf(routes);
        this.warnings = List.copyOf(warnings);
        Map<String, List<Route>> domains = new LinkedHashMap<>();
        List<Route> any = new ArrayList<>();
        Map<String, Route> ids = new HashMap<>();
        for (Route r : this.routes) {
            r.id().ifPresent(id -> ids.putIfAbsent(id, r));
            if (r.idOnly()) {
                continue; // reachable by id only, never by Host
            }
            if (r.domain().isPresent()) {
                domains.computeIfAbsent(HostIndex.normalize(r.domain().get()), k -> new ArrayList<>())
                       .add(r);
            } else {
                any.add(r);
            }
        }
        Map<String, Candidate[]> sorted = new HashMap<>();
        domains.forEach((domain, list) -> sorted.put(domain, candidates(list)));
        byDomain = new HostIndex<>(sorted);
        wildcard = candidates(any);
        byId = Collections.unmodifiableMap(ids);
    }

    /** A table with no routes: every request gets "Route not found" (spec 1.7). */
    public static RouteTable empty() {
        return EMPTY;
    }

    /**
     * Builds a table from parsed routes. Of two routes with identical conditions (same domain,
     * {@code proto}, {@code ssl} and {@code path_beg}; for id-only routes, the same id) the first
     * is kept and the second skipped with a warning, as Pushpin does (spec 5.3).
     */
    public static RouteTable of(List<Route> routes) {
        List<Route> kept = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        Map<ConditionKey, Route> seen = new HashMap<>();
        Map<String, Route> ids = new HashMap<>();
        for (Route r : routes) {
            Route earlier = seen.putIfAbsent(ConditionKey.of(r), r);
            if (earlier != null) {
                warnings.add(r.location() + ": skipping duplicate condition (same as " + lineOf(earlier)
                             + "): " + r.describe());
                continue;
            }
            kept.add(r);
            if (r.id().isPresent()) {
                Route sameId = ids.putIfAbsent(r.id().get(), r);
                if (sameId != null) {
                    warnings.add(r.location() + ": id \"" + r.id().get() + "\" is also used by "
                                 + lineOf(sameId) + "; selecting by id picks the first");
                }
            }
        }
        warnings.forEach(log::warn);
        return kept.isEmpty() && warnings.isEmpty() ? EMPTY : new RouteTable(kept, warnings);
    }

    private static String lineOf(Route r) {
        return r.line() > 0 ? "line " + r.line() : r.sourceName();
    }

    private static Candidate[] candidates(List<Route> list) {
        List<Route> ordered = new ArrayList<>(list);
        ordered.sort(SPECIFICITY);
        Candidate[] out = new Candidate[ordered.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = new Candidate(ordered.get(i));
        }
        return out;
    }

    /**
     * The route for a request, if any.
     *
     * @param host      the Host header (or :authority) as received: a port and IPv6 brackets are
     *                  ignored and case does not matter; null or empty matches only {@code *}
     * @param path      the request path (a query after it does no harm)
     * @param ssl       whether the client connection uses TLS
     * @param webSocket whether this is a WebSocket upgrade ({@code proto=ws}) or not ({@code proto=http})
     */
    public Optional<Route> match(String host, String path, boolean ssl, boolean webSocket) {
        Candidate[] candidates = byDomain.get(host);
        if (candidates == null) {
            candidates = wildcard;
        }
        for (Candidate c : candidates) {
            if (c.matches(path, ssl, webSocket)) {
                return c.result;
            }
        }
        return Optional.empty();
    }

    /** The route with this {@code id} (the first, if several share it), for {@code Pushpin-Route}. */
    public Optional<Route> byId(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** The routes in file order, without the skipped duplicates. */
    public List<Route> routes() {
        return routes;
    }

    /** The number of routes. */
    public int size() {
        return routes.size();
    }

    public boolean isEmpty() {
        return routes.isEmpty();
    }

    /** What {@link #of} skipped or found doubtful (already logged), e.g. duplicate conditions. */
    public List<String> warnings() {
        return warnings;
    }

    @Override
    public String toString() {
        return "RouteTable[" + routes.size() + " routes]";
    }

    /** What makes two routes "identical conditions" (spec 5.3). */
    private record ConditionKey(String domain, boolean idOnly, String id, Route.Proto proto,
                                Boolean ssl, String pathBeg) {
        static ConditionKey of(Route r) {
            if (r.idOnly()) {
                return new ConditionKey(null, true, r.id().orElseThrow(), null, null, null);
            }
            return new ConditionKey(r.domain().map(HostIndex::normalize).orElse(null), false, null,
                                    r.proto().orElse(null), r.ssl().orElse(null),
                                    r.pathBeg().orElse(null));
        }
    }

    /** A route's condition unpacked into fields, with its match result made once. */
    private static final class Candidate {
        private final String pathBeg;
        private final Route.Proto proto;
        private final Boolean ssl;
        private final Optional<Route> result;

        Candidate(Route route) {
            pathBeg = route.pathBeg().orElse(null);
            proto = route.proto().orElse(null);
            ssl = route.ssl().orElse(null);
            result = Optional.of(route);
        }

        boolean matches(String path, boolean reqSsl, boolean webSocket) {
            if (proto != null && (proto == Route.Proto.WS) != webSocket) {
                return false;
            }
            if (ssl != null && ssl != reqSsl) {
                return false;
            }
            return pathBeg == null || (path != null && path.startsWith(pathBeg));
        }
    }
}
