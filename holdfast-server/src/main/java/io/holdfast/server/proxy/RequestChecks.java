package io.holdfast.server.proxy;

import io.holdfast.server.route.Route;
import io.holdfast.server.route.Target;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;

/**
 * Rules a client request must pass before it is routed or forwarded, beyond what the HTTP codec
 * checks: exactly one valid {@code Host} (RFC 9112 §3.2), and no WebSocket-over-HTTP events sent
 * by a client as a plain request to an {@code over_http} route, where only Holdfast may speak that
 * protocol to the origin. Each check returns the 400 body naming the problem, or null.
 */
final class RequestChecks {
    /** The media type of WebSocket-over-HTTP bodies (spec 2.2). */
    static final String WEBSOCKET_EVENTS = "application/websocket-events";

    private RequestChecks() {}

    /**
     * RFC 9112 §3.2: a server must answer 400 to an HTTP/1.1 request without {@code Host}, and to any
     * request with more than one {@code Host} line or an invalid value. Two hosts would let the route
     * and the origin disagree on which site was asked for.
     */
    static String hostProblem(HttpRequest req) {
        List<String> hosts = req.headers().getAll(HttpHeaderNames.HOST);
        if (hosts.size() > 1) {
            return "Request has " + hosts.size() + " Host headers (RFC 9112 section 3.2 allows one).";
        }
        if (hosts.isEmpty()) {
            return req.protocolVersion().equals(HttpVersion.HTTP_1_0) ? null
                    : "Request has no Host header (required in HTTP/1.1, RFC 9112 section 3.2).";
        }
        return isValidHost(hosts.get(0)) ? null : "Request has an invalid Host header.";
    }

    /** {@code uri-host [":" port]} (RFC 3986 §3.2.2): no spaces, slashes, '@', '?', '#' or controls. */
    static boolean isValidHost(String host) {
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "-._~%!$&'()*+,;=:[]".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /**
     * A plain request whose body claims to be WebSocket-over-HTTP events, sent to a route whose
     * origin receives such events from Holdfast: forged ({@code OPEN}, {@code TEXT} on behalf of
     * another connection), since a real client WebSocket comes as an upgrade and is converted here.
     */
    static String forgedEventsProblem(HttpRequest req, Route route, ClientInfo info) {
        if (info.trustedUpstream() || !isWebSocketEvents(req)) {
            return null;
        }
        for (Target target : route.targets()) {
            if (target.overHttp()) {
                return "Requests carrying " + WEBSOCKET_EVENTS + " are not accepted on this route: its origin "
                        + "receives WebSocket-over-HTTP from Holdfast only. Connect with a WebSocket instead.";
            }
        }
        return null;
    }

    private static boolean isWebSocketEvents(HttpRequest req) {
        for (String type : req.headers().getAll(HttpHeaderNames.CONTENT_TYPE)) {
            int semi = type.indexOf(';');
            if ((semi < 0 ? type : type.substring(0, semi)).strip().equalsIgnoreCase(WEBSOCKET_EVENTS)) {
                return true;
            }
        }
        return false;
    }
}
