package io.holdfast.server.hold;

import io.holdfast.server.proxy.OriginFetch;
import io.holdfast.server.proxy.RequestContext;
import io.holdfast.server.pubsub.PublishSequencer;
import io.holdfast.server.pubsub.Subscriptions;
import io.holdfast.server.route.Target;
import io.netty.channel.EventLoop;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The pieces of GRIP reliability (spec 1.5, section 4) that holds share: {@code Grip-Last} headers
 * for recovery requests, resolving {@code Grip-Link} URIs against the request, the check of a hold's
 * prev-ids against the ids the broker has already delivered, and the best-effort gone callback.
 */
final class Recovery {
    private Recovery() {}

    /** {@code Grip-Last: <channel>; last-id=<id>}, one per channel with a known id. */
    static List<Map.Entry<String, String>> gripLastHeaders(Subscriptions subscriptions) {
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        subscriptions.lastIdsByChannel().forEach((channel, id) ->
                headers.add(Map.entry("Grip-Last", channel + "; last-id=" + id)));
        return headers;
    }

    /**
     * Where a {@code Grip-Link} goes (spec 1.5.3): its path and query, and the foreign target when
     * it is an absolute URL for another scheme, host or port than the client's request (null: through
     * the route, like the request itself).
     */
    record Link(String uri, Target foreign) {
        @Override
        public String toString() {
            return foreign == null ? uri : foreign.describe() + uri;
        }
    }

    /** Stands for "the route's origin" while resolving (RFC 2606 reserves {@code .invalid}). */
    private static final String BASE_HOST = "origin.invalid";

    /** A link resolved against the request as the origin saw it. */
    static Link resolve(RequestContext request, String link) {
        URI base = URI.create("http://" + BASE_HOST + request.route().rewritePath(request.pathAndQuery()));
        URI resolved = base.resolve(link.trim());
        String path = resolved.getRawPath() == null || resolved.getRawPath().isEmpty() ? "/" : resolved.getRawPath();
        String uri = resolved.getRawQuery() == null ? path : path + "?" + resolved.getRawQuery();
        if (resolved.getRawAuthority() == null || BASE_HOST.equals(resolved.getRawAuthority())) {
            return new Link(uri, null); // relative
        }
        String clientScheme = request.client().secure() ? "https" : "http";
        boolean sameScheme = clientScheme.equalsIgnoreCase(resolved.getScheme());
        if (sameScheme && sameAuthority(resolved, request.host(), request.client().secure())) {
            return new Link(uri, null);
        }
        return new Link(uri, Target.forUrl(resolved));
    }

    private static boolean sameAuthority(URI link, String requestHost, boolean secure) {
        if (requestHost == null || requestHost.isEmpty()) {
            return false;
        }
        URI client = URI.create((secure ? "https://" : "http://") + requestHost);
        int defaultPort = secure ? 443 : 80;
        int a = link.getPort() > 0 ? link.getPort() : defaultPort;
        int b = client.getPort() > 0 ? client.getPort() : defaultPort;
        return a == b && link.getHost() != null && link.getHost().equalsIgnoreCase(client.getHost());
    }

    /**
     * Checks each channel's prev-id against the last id the broker delivered on it (spec 4.3): calls
     * {@code onStale} on {@code loop} once if any differs, meaning the origin's answer is out of date.
     */
    static void checkPrevIds(PublishSequencer sequencer, Subscriptions subscriptions, EventLoop loop, Runnable onStale) {
        if (sequencer == null) {
            return;
        }
        boolean[] fired = {false};
        for (String channel : List.copyOf(subscriptions.names())) {
            String expected = subscriptions.lastIdOf(channel);
            if (expected == null) {
                continue;
            }
            sequencer.lastId(channel, loop, actual -> {
                if (!fired[0] && actual != null && !actual.equals(subscriptions.lastIdOf(channel))) {
                    fired[0] = true;
                    onStale.run();
                }
            });
        }
    }

    /** Spec 1.5.3 gone link: POST with an empty body when the client disconnects; no retry. */
    static void sendGone(Hold hold, String goneLink) {
        Link uri;
        try {
            uri = resolve(hold.request, goneLink);
        } catch (IllegalArgumentException e) {
            org.slf4j.LoggerFactory.getLogger(Recovery.class).info("conn={} gone link {} not usable: {}",
                    hold.connection.id(), goneLink, e.getMessage());
            return;
        }
        OriginFetch.send(hold.connection.services(), hold.loop(), hold.request, uri.foreign(),
                io.netty.handler.codec.http.HttpMethod.POST, uri.uri(), List.of(), new byte[0], 100_000,
                new OriginFetch.Callback() {
                    @Override
                    public void onResponse(io.netty.handler.codec.http.HttpResponse response, io.netty.buffer.ByteBuf body) {
                        body.release();
                    }

                    @Override
                    public void onFailure(String reason) {
                        org.slf4j.LoggerFactory.getLogger(Recovery.class).info("conn={} gone link {} not delivered: {}",
                                hold.connection.id(), uri, reason);
                    }
                });
    }
}
