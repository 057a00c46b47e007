package io.holdfast.server.proxy;

import io.holdfast.server.route.Target;

/**
 * A route target served inside Holdfast instead of by a remote origin (the built-in {@code test}
 * target). It answers like an origin would, GRIP instructions included.
 */
public interface LocalTarget {

    /** Starts answering the request; returns the exchange that now owns the client side. */
    Exchange handle(ClientConnection connection, RequestContext request, Target target);
}
