package io.holdfast.server.proxy;

import io.holdfast.grip.sig.GripKey;
import io.holdfast.grip.sig.GripSig;
import io.holdfast.server.config.HoldfastConfig;
import io.holdfast.server.route.Route;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Signs origin requests with {@code Grip-Sig} and checks client-supplied ones against
 * {@code upstream_key}. Keys are parsed once (a route's {@code sig_key} is cached by its text), so
 * the request path only pays for the HMAC or signature itself.
 */
public final class GripSigner {
    /** Pushpin signs with a one-hour expiry (spec 1.1). */
    static final Duration SIG_TTL = Duration.ofHours(1);

    private final String defaultIssuer;
    private final GripKey defaultKey;
    private final GripKey upstreamKey;
    private final Path keyDir;
    private final Map<String, GripKey> routeKeys = new ConcurrentHashMap<>();

    public GripSigner(HoldfastConfig config) {
        this.keyDir = config.configDir();
        this.defaultIssuer = config.sigIss();
        this.defaultKey = GripKey.parse(config.sigKey(), keyDir);
        this.upstreamKey = config.upstreamKey() == null ? null : GripKey.parse(config.upstreamKey(), keyDir);
    }

    /** A fresh {@code Grip-Sig} value for a request on this route. */
    public String sign(Route route) {
        GripKey key = route.sigKey().map(spec -> routeKeys.computeIfAbsent(spec, s -> GripKey.parse(s, keyDir)))
                .orElse(defaultKey);
        String issuer = route.sigIss().orElse(defaultIssuer);
        return GripSig.sign(key, issuer, Instant.now(), SIG_TTL);
    }

    /** True when the token verifies against {@code upstream_key} (signature and expiry only, as Pushpin). */
    public boolean isTrustedUpstream(String gripSig) {
        return upstreamKey != null && gripSig != null && GripSig.verify(gripSig, upstreamKey, Instant.now());
    }
}
