package io.holdfast.server.proxy;

import io.holdfast.grip.GripFeatures;
import io.holdfast.server.config.ForwardedForPolicy;
import io.holdfast.server.config.HoldfastConfig;
import io.holdfast.server.config.XForwardedProtocolMode;
import io.holdfast.server.route.Route;
import io.holdfast.server.route.Target;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Builds the request head sent to the origin from the client's, following spec 1.1: hop-by-hop and
 * encoding headers removed, client {@code Grip-*} headers removed unless the client is a trusted
 * upstream proxy, {@code X-Forwarded-*}, {@code CDN-Loop}, {@code Host} and route {@code header=}
 * rules applied, and {@code Grip-Sig}/{@code Grip-Feature} added when the route has GRIP.
 */
public final class OriginRequestFactory {
    /** Header prefixes only Holdfast may send to an origin. */
    private static final List<String> RESERVED_PREFIXES = List.of("grip-", "meta-", "content-bytes-");
    private static final String CONNECTION_ID = "connection-id";
    /** Pushpin's prefix for the {@code orig_headers} copies. */
    static final String ORIG_HEADER_MARK = "eb9bf0f5-";
    /** Request header naming the client connection; its implicit channel is {@code conn:<value>}. */
    public static final String CONNECTION_ID_HEADER = "Grip-Connection-Id";

    private final HoldfastConfig config;
    private final GripSigner signer;

    public OriginRequestFactory(HoldfastConfig config, GripSigner signer) {
        this.config = config;
        this.signer = signer;
    }

    public HttpRequest build(HttpRequest client, String uri, Route route, Target target, ClientInfo info) {
        HttpHeaders headers = client.headers().copy();
        if (route.origHeaders() && !info.trustedUpstream()) {
            // Spec 1.1: a second, untouched copy of every client header, so the origin sees what was sent.
            OrigHeaders.mark(client.headers(), headers, config.origHeadersNeedMark());
        } else if (!route.origHeaders()) {
            OrigHeaders.removeMarked(headers);
        }
        boolean chunked = HttpUtil.isTransferEncodingChunked(client);
        HopByHop.strip(headers);
        headers.remove(HttpHeaderNames.ACCEPT_ENCODING);
        headers.remove(HttpHeaderNames.EXPECT);
        if (config.acceptPushpinRoute()) {
            headers.remove("Pushpin-Route");
        }
        if (!info.trustedUpstream()) {
            removeReservedHeaders(headers);
        }
        applyForwardedProtocol(headers, info);
        applyForwardedFor(headers, info);
        if (config.cdnLoop() != null) {
            headers.add("CDN-Loop", config.cdnLoop());
        }
        String host = target.hostHeader().or(route::asHost).orElse(null);
        if (host != null) {
            headers.set(HttpHeaderNames.HOST, host);
        } else if (!headers.contains(HttpHeaderNames.HOST)) {
            headers.set(HttpHeaderNames.HOST, target.describe());
        }
        for (var rule : route.headers()) {
            headers.remove(rule.name());
            if (!rule.value().isEmpty()) {
                headers.set(rule.name(), rule.value());
            }
        }
        if (!route.noGrip() && !info.trustedUpstream()) {
            headers.set("Grip-Sig", signer.sign(route));
            headers.set("Grip-Feature", GripFeatures.CURRENT);
            // Beyond Pushpin: lets the origin reach this one connection by publishing to conn:<id>.
            headers.set(CONNECTION_ID_HEADER, info.connectionKey());
        }
        if (chunked) {
            headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            headers.remove(HttpHeaderNames.CONTENT_LENGTH);
        }
        return new DefaultHttpRequest(HttpVersion.HTTP_1_1, client.method(), uri, headers);
    }

    /**
     * Removes the headers only Holdfast may set towards an origin: {@code Grip-*} (spec 1.1), and the
     * WebSocket-over-HTTP ones, {@code Connection-Id}, {@code Meta-*}, {@code Content-Bytes-*}
     * (spec 2.2), which an origin trusts when {@code Grip-Sig} is valid. Pushpin strips only
     * {@code Grip-*} from plain requests. Called for untrusted clients only, after trust was decided
     * from the client's own {@code Grip-Sig}.
     */
    static void removeReservedHeaders(HttpHeaders headers) {
        Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence();
        List<CharSequence> doomed = null;
        while (it.hasNext()) {
            CharSequence name = it.next().getKey();
            if (isReserved(name)) {
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

    private static boolean isReserved(CharSequence name) {
        for (String prefix : RESERVED_PREFIXES) {
            if (name.length() >= prefix.length() && AsciiString.regionMatches(name, true, 0, prefix, 0, prefix.length())) {
                return true;
            }
        }
        return AsciiString.contentEqualsIgnoreCase(name, CONNECTION_ID);
    }

    // Spec 1.1: incoming copies are always removed; ours is added only for TLS clients.
    private void applyForwardedProtocol(HttpHeaders headers, ClientInfo info) {
        headers.remove("X-Forwarded-Proto");
        headers.remove("X-Forwarded-Protocol");
        if (!info.secure()) {
            return;
        }
        XForwardedProtocolMode mode = config.setXForwardedProtocol();
        if (mode != XForwardedProtocolMode.NONE) {
            headers.set("X-Forwarded-Proto", "https");
        }
        if (mode == XForwardedProtocolMode.BOTH) {
            headers.set("X-Forwarded-Protocol", "https");
        }
    }

    private void applyForwardedFor(HttpHeaders headers, ClientInfo info) {
        ForwardedForPolicy policy = info.trustedUpstream() ? config.xForwardedForTrusted() : config.xForwardedFor();
        if (policy.isUnchanged()) {
            return;
        }
        List<String> existing = new ArrayList<>();
        for (String value : headers.getAll("X-Forwarded-For")) {
            for (String part : value.split(",")) {
                if (!part.isBlank()) {
                    existing.add(part.strip());
                }
            }
        }
        List<String> result = policy.apply(existing, info.remoteAddress());
        headers.remove("X-Forwarded-For");
        if (!result.isEmpty()) {
            headers.set("X-Forwarded-For", String.join(", ", result));
        }
    }
}
