package io.holdfast.server.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpResponse;

/**
 * Where a GRIP-instructed origin response goes: the proxy recognises it (spec 1.2) and buffers its
 * body; the hand-off parses the instructions and takes over the client connection (hold,
 * subscribe), or relays the response with the {@code Grip-*} headers removed when there is no hold.
 */
public interface GripHandoff {

    /**
     * Takes over the client for a complete GRIP response. Owns {@code body}. Returns the exchange that
     * now answers the client; it calls {@link ClientConnection#completeExchange} when done.
     *
     * @param requestBody the client's request body as copied on its way to the origin: a long-poll
     *                    sends it again when it retries, and one over the limit cannot be held
     */
    Exchange accept(ClientConnection connection, RequestContext request, HttpResponse response, ByteBuf body,
                    RequestBodyCopy requestBody);

    /** {@link #accept} for a request without a body (the built-in test target's own responses). */
    default Exchange accept(ClientConnection connection, RequestContext request, HttpResponse response, ByteBuf body) {
        return accept(connection, request, response, body, RequestBodyCopy.EMPTY);
    }

    /**
     * Starts a stream hold as soon as the response head arrives, so its initial body, which may be any
     * size (spec 1.5.2), streams through instead of being buffered. Returns null when the response is
     * anything else (JSON instruct, a long-poll, no hold, malformed headers): the proxy then buffers it
     * for {@link #accept}.
     */
    StreamStart startStream(ClientConnection connection, RequestContext request, HttpResponse response,
                            RequestBodyCopy requestBody);

    /** A stream hold whose head is written and whose initial body is arriving from the origin. */
    interface StreamStart {
        /** More initial body; owns {@code chunk}. */
        void onBody(ByteBuf chunk);

        /** The initial body is complete: the hold subscribes and becomes the client's exchange. */
        Exchange onEnd();

        /** The origin or the client failed before the end. */
        void abort();
    }
}
