package io.holdfast.server.hold;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;

/**
 * The response an origin gave for a held request, with GRIP headers already removed: for a long-poll
 * it is the timeout response, for a stream its head and initial body. Published
 * {@code http-response} items start from its headers. Owns {@code body}.
 *
 * @param exposeHeaders the {@code Grip-Expose-Headers} whitelist, or null to keep every header
 */
record HeldResponse(HttpResponseStatus status, HttpHeaders headers, ByteBuf body, List<String> exposeHeaders) {

    /** A complete response carrying a retained duplicate of the body. */
    FullHttpResponse toFullResponse() {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body.retainedDuplicate(),
                headers.copy(), io.netty.handler.codec.http.EmptyHttpHeaders.INSTANCE);
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        return r;
    }

    /** The head of a stream response: no Content-Length, since published content follows. */
    HttpResponse toStreamHead() {
        HttpHeaders h = headers.copy();
        h.remove(HttpHeaderNames.CONTENT_LENGTH);
        return new DefaultHttpResponse(HttpVersion.HTTP_1_1, status, h);
    }

    /** Keeps only the whitelisted headers, if the origin gave a whitelist (spec 1.3). */
    static void applyWhitelist(HttpHeaders headers, List<String> expose) {
        if (expose == null) {
            return;
        }
        for (String name : headers.names().toArray(new String[0])) {
            if (expose.stream().noneMatch(name::equalsIgnoreCase)) {
                headers.remove(name);
            }
        }
    }

    void release() {
        body.release();
    }
}
