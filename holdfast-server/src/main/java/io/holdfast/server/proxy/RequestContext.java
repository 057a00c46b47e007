package io.holdfast.server.proxy;

import io.holdfast.server.route.Route;
import io.netty.handler.codec.http.HttpRequest;

/**
 * One client request as the proxy understood it: the parsed head, the host and origin-form path it
 * was routed by, the chosen route, and facts about the client. Read-only after routing.
 *
 * @param pathAndQuery the request target in origin form ({@code /a/b?c}), even if the client sent an
 *                     absolute URI
 */
public record RequestContext(
        long connectionId,
        HttpRequest request,
        String host,
        String pathAndQuery,
        Route route,
        ClientInfo client,
        boolean keepAlive,
        long startNanos) {

    public String routeId() {
        return route == null ? "-" : route.id().orElse("-");
    }
}
