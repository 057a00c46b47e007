package io.holdfast.server.route;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The routes of a file together with the things worth a warning that did not stop parsing (props
 * Holdfast does not know, flags given a value). Returned by {@link RoutesParser#parseWithWarnings}
 * so the caller decides when and how to log them, and tests can assert them.
 *
 * @param routes   the routes in file order
 * @param warnings messages that name source and line, e.g. {@code routes:4: unknown route prop "foo"}
 */
public record ParsedRoutes(List<Route> routes, List<String> warnings) {
    public ParsedRoutes {
        routes = List.copyOf(requireNonNull(routes, "routes"));
        warnings = List.copyOf(requireNonNull(warnings, "warnings"));
    }
}
