package io.holdfast.server.hold;

import io.holdfast.grip.HttpReasons;
import io.holdfast.grip.instruct.GripInstruct;
import io.holdfast.grip.publish.Action;
import io.holdfast.grip.publish.HttpResponseFormat;
import io.holdfast.server.proxy.ClientConnection;
import io.holdfast.server.proxy.Exchange;
import io.holdfast.server.proxy.OriginFetch;
import io.holdfast.server.proxy.RequestBodyCopy;
import io.holdfast.server.proxy.RequestContext;
import io.holdfast.server.pubsub.Filters;
import io.holdfast.server.pubsub.Message;
import io.holdfast.server.pubsub.PubSub;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A long-poll ({@code Grip-Hold: response}, spec 1.5.1): the client waits, subscribed, until either
 * an {@code http-response} item is published to one of its channels, which becomes its response, or
 * the timeout passes and it gets the origin's own response. Exactly one response is sent.
 */
final class ResponseHold extends Hold {
    private static final Logger LOG = LoggerFactory.getLogger(ResponseHold.class);

    @Override
    public io.holdfast.server.stats.SessionKind kind() {
        return io.holdfast.server.stats.SessionKind.LONG_POLL;
    }

    private final int timeoutSeconds;
    /** The request body (at most 100,000 bytes, spec 1.1), sent again on every retry. */
    private final byte[] requestBody;
    private ScheduledFuture<?> timeout;

    ResponseHold(ClientConnection connection, RequestContext request, PubSub pubsub, GripInstruct instruct,
                 HeldResponse held, int timeoutSeconds, byte[] requestBody) {
        super(connection, request, pubsub, instruct, held);
        this.timeoutSeconds = timeoutSeconds;
        this.requestBody = requestBody;
    }

    void start() {
        pubsub.counters().holdsStarted.increment();
        subscribeAll();
        timeout = loop().schedule(this::onTimeout, timeoutSeconds, TimeUnit.SECONDS);
        checkPrevIds(() -> retry("an item was published after the origin's prev-id"));
    }

    private void onTimeout() {
        timeout = null;
        if (ended()) {
            return;
        }
        pubsub.counters().holdsTimedOut.increment();
        respond(held.toFullResponse(), "timeout");
        connection.flush();
    }

    @Override
    public void deliver(Message message) {
        if (ended()) {
            return;
        }
        HttpResponseFormat format = message.item().httpResponse().orElse(null);
        if (format == null) {
            return;
        }
        if (format.action() == Action.HINT) {
            retry("hint on channel " + message.channel());
            return;
        }
        String gap = gapIn(message);
        if (gap != null) {
            retry(gap);
            return;
        }
        Filters.Outcome outcome = subscriptions.filter(message, format.contentFilters(), format.body());
        if (!outcome.deliver()) {
            return;
        }
        if (format.action() == Action.SEND) {
            respond(published(format, outcome.content()), "published channel=" + message.channel());
        } else {
            LOG.debug("conn={} ignoring {} action on a response hold", request.connectionId(), format.action());
        }
    }

    /**
     * Spec 1.5.1 step 7: asks the origin again with the original method, URI, headers and body plus
     * {@code Grip-Last} (and a fresh {@code Grip-Sig}), and treats its answer like the first one (it
     * may hold again).
     */
    private void retry(String why) {
        if (ended()) {
            return;
        }
        if (request.route().targets().stream().noneMatch(t -> t.kind() == io.holdfast.server.route.Target.Kind.ORIGIN)) {
            return; // the built-in test target: no origin to ask again
        }
        HttpRequest original = request.request();
        LOG.debug("conn={} retrying long-poll: {}", request.connectionId(), why);
        var gripLast = Recovery.gripLastHeaders(subscriptions);
        end();
        OriginFetch.send(connection.services(), loop(), request, original.method(),
                request.route().rewritePath(request.pathAndQuery()), gripLast, requestBody, MAX_RETRY_BODY,
                new OriginFetch.Callback() {
                    @Override
                    public void onResponse(HttpResponse response, ByteBuf body) {
                        if (!connection.channel().isActive() || connection.currentRequest() != request) {
                            body.release();
                            return;
                        }
                        Exchange next = connection.services().gripHandoff().accept(connection, request, response, body,
                                RequestBodyCopy.of(requestBody));
                        connection.replaceExchange(ResponseHold.this, next);
                    }

                    @Override
                    public void onFailure(String reason) {
                        if (connection.channel().isActive() && connection.currentRequest() == request) {
                            connection.respondText(HttpResponseStatus.BAD_GATEWAY,
                                    "Error while proxying to origin: " + reason + ".", request.keepAlive());
                        }
                    }
                });
    }

    @Override
    public void recover() {
        retry("recover");
    }

    @Override
    public String statsMode() {
        return "response";
    }

    /** Spec 1.1: GRIP responses are buffered up to 100,000 bytes. */
    private static final int MAX_RETRY_BODY = 100_000;

    /**
     * Spec 1.5.1 step 3: the held response's headers, overridden by the published ones. A
     * {@code Grip-Expose-Headers} whitelist (the origin's, or one inside the published headers) filters
     * only the origin's headers; the headers the publisher sent are always part of the answer, as in
     * Pushpin.
     */
    private FullHttpResponse published(HttpResponseFormat format, byte[] filteredBody) {
        HttpHeaders headers = held.headers().copy();
        if (format.exposeHeaders() != null) {
            HeldResponse.applyWhitelist(headers, format.exposeHeaders());
        }
        for (Map.Entry<String, String> h : format.headers()) {
            headers.remove(h.getKey());
        }
        for (Map.Entry<String, String> h : format.headers()) {
            headers.add(h.getKey(), h.getValue());
        }
        byte[] body = filteredBody != null ? filteredBody : format.body() != null ? format.body()
                : format.bodyPatch() != null ? patchedBody(format) : new byte[0];
        String reason = format.reason() != null ? format.reason() : HttpReasons.phrase(format.code());
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                new HttpResponseStatus(format.code(), reason), Unpooled.wrappedBuffer(body));
        r.headers().set(headers);
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        return r;
    }

    /** Spec 3.3 {@code body-patch}: JSON Patch on the timeout response's JSON body. */
    private byte[] patchedBody(HttpResponseFormat format) {
        try {
            com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
            var document = json.readTree(io.netty.buffer.ByteBufUtil.getBytes(held.body()));
            return json.writeValueAsBytes(JsonPatch.apply(document, format.bodyPatch()));
        } catch (java.io.IOException | JsonPatch.PatchException e) {
            LOG.warn("conn={} body-patch not applied ({}); sending the timeout body", request.connectionId(),
                    e.getMessage());
            return io.netty.buffer.ByteBufUtil.getBytes(held.body());
        }
    }

    private void respond(FullHttpResponse original, String note) {
        FullHttpResponse response = request.jsonp() == null ? original : request.jsonp().wrap(original);
        int code = response.status().code();
        int bytes = response.content().readableBytes();
        end();
        connection.prepareResponseHead(response, request.keepAlive());
        boolean keepAlive = !ClientConnection.closesAfter(response);
        connection.write(response);
        connection.completeExchange(code, bytes, keepAlive, note);
    }

    @Override
    void cancelTimers() {
        if (timeout != null) {
            timeout.cancel(false);
            timeout = null;
        }
    }

    @Override
    public void onDrain() {
        // Shutting down: answer now with the origin's timeout response rather than cutting the client off.
        onTimeout();
        connection.flush();
    }
}
