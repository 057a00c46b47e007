package io.holdfast.server.proxy;

import io.netty.handler.codec.http.HttpHeaders;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The route flag {@code orig_headers} (spec 1.1): the origin gets a second copy of every client
 * header under {@code eb9bf0f5-<name>}, so it can see what the client sent before Holdfast rewrote
 * anything. As in Pushpin, a header the client already sent marked is taken as it is (a proxy in
 * front marked it), and a name listed in {@code orig_headers_need_mark} is copied only in that
 * already-marked form, so such a header's original value can only come from a marking proxy, never
 * from Holdfast's copy of whatever the client says. On routes without the flag, marked headers from
 * clients are dropped, so no origin mistakes them for Holdfast's.
 */
final class OrigHeaders {
    /** Pushpin's prefix for the copies. */
    static final String MARK = "eb9bf0f5-";

    private OrigHeaders() {}

    /** Adds the marked copies of {@code client}'s headers to {@code out} (a copy of them). */
    static void mark(HttpHeaders client, HttpHeaders out, List<String> needMark) {
        List<Map.Entry<String, String>> copies = new ArrayList<>();
        for (Map.Entry<String, String> h : client) {
            String name = h.getKey();
            if (isMarked(name)) {
                out.remove(name); // moved after the others, as Pushpin orders them
                copies.add(h);
            } else if (needMark.stream().noneMatch(name::equalsIgnoreCase)) {
                copies.add(Map.entry(MARK + name, h.getValue()));
            }
        }
        for (Map.Entry<String, String> c : copies) {
            out.add(c.getKey(), c.getValue());
        }
    }

    /** Drops client headers that carry the mark, on routes without {@code orig_headers}. */
    static void removeMarked(HttpHeaders headers) {
        List<String> doomed = null;
        for (String name : headers.names()) {
            if (isMarked(name)) {
                if (doomed == null) {
                    doomed = new ArrayList<>(2);
                }
                doomed.add(name);
            }
        }
        if (doomed != null) {
            doomed.forEach(headers::remove);
        }
    }

    private static boolean isMarked(String name) {
        return name.regionMatches(true, 0, MARK, 0, MARK.length());
    }
}
