package io.holdfast.server.hold;

import io.holdfast.server.proxy.OriginFetch;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Request collapsing for next links (Pushpin's "auto-share", spec 1.5.3): streams on one event loop
 * that would fetch the same next URL with the same {@code Grip-Last} values share one origin request
 * and its answer. Off unless the route asks for it with {@code collapse_next}: Pushpin always does it,
 * and users were surprised when one user's answer reached another's stream (pushpin#47692).
 */
final class SharedFetches {
    /** The route option that turns collapsing on. */
    static final String ROUTE_OPTION = "collapse_next";

    private static final FastThreadLocal<Map<String, List<OriginFetch.Callback>>> IN_FLIGHT = new FastThreadLocal<>() {
        @Override
        protected Map<String, List<OriginFetch.Callback>> initialValue() {
            return new HashMap<>();
        }
    };

    private SharedFetches() {}

    /**
     * Joins an identical fetch already under way on this loop and returns null, or registers a new
     * one and returns the callback to give the real request, which answers every waiter.
     */
    static OriginFetch.Callback join(String key, OriginFetch.Callback callback) {
        Map<String, List<OriginFetch.Callback>> inFlight = IN_FLIGHT.get();
        List<OriginFetch.Callback> waiters = inFlight.get(key);
        if (waiters != null) {
            waiters.add(callback);
            return null;
        }
        List<OriginFetch.Callback> mine = new ArrayList<>(2);
        mine.add(callback);
        inFlight.put(key, mine);
        return new OriginFetch.Callback() {
            @Override
            public void onResponse(HttpResponse response, ByteBuf body) {
                inFlight.remove(key);
                for (OriginFetch.Callback c : mine) {
                    c.onResponse(response, body.retainedDuplicate());
                }
                body.release();
            }

            @Override
            public void onFailure(String reason) {
                inFlight.remove(key);
                mine.forEach(c -> c.onFailure(reason));
            }
        };
    }
}
