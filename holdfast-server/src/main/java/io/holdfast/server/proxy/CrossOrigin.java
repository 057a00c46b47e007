package io.holdfast.server.proxy;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Auto cross-origin (spec 5.4, {@code auto_cross_origin} or the route flag {@code aco}): adds the CORS
 * headers a browser needs to every proxied and held response, unless the origin set them itself.
 * Preflight {@code OPTIONS} requests still go to the origin; only headers are added.
 */
public final class CrossOrigin {
    /** Response headers a browser exposes without being told (the CORS "safelisted" set). */
    private static final Set<String> SIMPLE = Set.of("cache-control", "content-language", "content-length",
            "content-type", "expires", "last-modified", "pragma");

    private CrossOrigin() {}

    public static void apply(HttpRequest request, HttpHeaders response) {
        HttpHeaders req = request.headers();
        setIfAbsent(response, "Access-Control-Allow-Methods",
                req.get("Access-Control-Request-Method", "OPTIONS, HEAD, GET, POST, PUT, DELETE"));
        String requested = req.get("Access-Control-Request-Headers");
        if (requested != null) {
            setIfAbsent(response, "Access-Control-Allow-Headers", requested);
        }
        List<String> expose = new ArrayList<>();
        for (String name : response.names()) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (!SIMPLE.contains(lower) && !lower.startsWith("access-control-") && !lower.startsWith("grip-")
                    && !lower.equals("connection") && !lower.equals("transfer-encoding")) {
                expose.add(name);
            }
        }
        if (!expose.isEmpty()) {
            setIfAbsent(response, "Access-Control-Expose-Headers", String.join(", ", expose));
        }
        setIfAbsent(response, "Access-Control-Allow-Credentials", "true");
        setIfAbsent(response, "Access-Control-Allow-Origin", req.get("Origin", "*"));
        setIfAbsent(response, "Access-Control-Max-Age", "3600");
    }

    private static void setIfAbsent(HttpHeaders headers, String name, String value) {
        if (!headers.contains(name)) {
            headers.set(name, value);
        }
    }
}
