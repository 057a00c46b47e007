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
     */
    Exchange accept(ClientConnection connection, RequestContext request, HttpResponse response, ByteBuf body);
}
