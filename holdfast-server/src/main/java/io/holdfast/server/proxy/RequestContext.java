package io.holdfast.server.proxy;

import io.holdfast.server.route.Route;
import io.netty.handler.codec.http.HttpRequest;

/**
 * One client request as the proxy understood it: the parsed head, the host and origin-form path it
 * was routed by, the chosen route, and facts about the client. Read-only after routing.
 *
 * @param pathAndQuery the request target in origin form ({@code /a/b?c}), even if the client sent an
 *                     absolute URI
 * @param jsonp        the JSON-P wrapping to apply to the response, or null (then {@code request} is
 *                     already the request the JSON-P parameters describe)
 */
public record RequestContext(
        long connectionId,
        HttpRequest request,
        String host,
        String pathAndQuery,
        Route route,
        ClientInfo client,
        boolean keepAlive,
        long startNanos,
        Jsonp jsonp) {

    public String routeId() {
        return route == null ? "-" : route.id().orElse("-");
    }
}
