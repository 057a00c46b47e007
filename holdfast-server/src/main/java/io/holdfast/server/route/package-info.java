/**
 * Routing: which origin a request goes to. The Pushpin {@code routes} file syntax
 * ({@link io.holdfast.server.route.RoutesParser}), the immutable {@link io.holdfast.server.route.Route}
 * and {@link io.holdfast.server.route.Target} values, the allocation-free lookup
 * ({@link io.holdfast.server.route.RouteTable}), the table in force
 * ({@link io.holdfast.server.route.LiveRoutes}) and hot reload
 * ({@link io.holdfast.server.route.RoutesFileWatcher}). Plain Java: no Netty here, so the proxy,
 * the CLI and tests can all use it.
 */
package io.holdfast.server.route;
