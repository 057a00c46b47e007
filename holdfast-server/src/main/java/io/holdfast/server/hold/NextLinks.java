package io.holdfast.server.hold;

import io.holdfast.grip.GripProtocolException;
import io.holdfast.grip.instruct.GripInstruct;
import io.holdfast.grip.instruct.GripInstructParser;
import io.holdfast.grip.instruct.GripLink;
import io.holdfast.grip.instruct.HoldMode;
import io.holdfast.server.proxy.OriginFetch;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows a stream's {@code Grip-Link rel=next} ("GRIP Next", spec 1.5.3): fetches it at once when
 * the first response held nothing, on a {@code hint}, on a prev-id gap, and on its timeout unless
 * every channel got a message meanwhile. Each answer's body is appended to the stream and its
 * headers become the stream's new instructions. Failures are retried 5 times with Pushpin's backoff
 * (1, 2, 4, 8, 16 s plus up to 1 s), then the stream ends. Runs on the stream's loop.
 */
final class NextLinks {
    private static final Logger LOG = LoggerFactory.getLogger(NextLinks.class);
    /** Spec 1.5.3: next responses are limited like WebSocket-over-HTTP ones. */
    static final int MAX_BODY = 1_000_000;
    static final int MAX_FAILURES = 5;

    private final StreamHold stream;
    private GripLink link;
    private ScheduledFuture<?> timer;
    private boolean fetching;
    private int failures;
    private final Set<String> heardFrom = new HashSet<>();

    NextLinks(StreamHold stream, GripLink link) {
        this.stream = stream;
        this.link = link;
    }

    boolean present() {
        return link != null;
    }

    boolean fetching() {
        return fetching;
    }

    void heardFrom(String channel) {
        heardFrom.add(channel);
    }

    void schedule() {
        cancel();
        if (link == null || stream.ended()) {
            return;
        }
        timer = stream.loop().schedule(this::onTimeout, link.timeoutSeconds(), TimeUnit.SECONDS);
    }

    private void onTimeout() {
        timer = null;
        if (!heardFrom.isEmpty() && heardFrom.containsAll(stream.subscriptions.names())) {
            heardFrom.clear();
            schedule();
        } else {
            fetch("next link timeout");
        }
    }

    void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    /** Fetches the next link now, unless a fetch is under way. */
    void fetch(String why) {
        if (link == null || fetching || stream.ended()) {
            return;
        }
        cancel();
        fetching = true;
        heardFrom.clear();
        Recovery.Link uri;
        try {
            uri = Recovery.resolve(stream.request, link.uri());
        } catch (IllegalArgumentException e) {
            LOG.warn("conn={} next link {} not usable: {}", stream.request.connectionId(), link.uri(), e.getMessage());
            stream.closeStream("unusable next link");
            return;
        }
        LOG.debug("conn={} fetching next link {} ({})", stream.request.connectionId(), uri, why);
        var gripLast = Recovery.gripLastHeaders(stream.subscriptions);
        OriginFetch.Callback callback = new OriginFetch.Callback() {
            @Override
            public void onResponse(HttpResponse response, ByteBuf body) {
                fetching = false;
                if (stream.ended()) {
                    body.release();
                } else if (response.status().code() / 100 != 2) {
                    body.release();
                    onFailure("status " + response.status().code());
                } else {
                    failures = 0;
                    apply(response, body);
                }
            }

            @Override
            public void onFailure(String reason) {
                fetching = false;
                retryLater(reason);
            }
        };
        if (stream.request.route().options().containsKey(SharedFetches.ROUTE_OPTION)) {
            callback = SharedFetches.join(stream.request.route().id().orElse("") + " " + uri + " " + gripLast, callback);
            if (callback == null) {
                return; // an identical request is under way; its answer comes to us too
            }
        }
        OriginFetch.send(stream.connection.services(), stream.loop(), stream.request, uri.foreign(), HttpMethod.GET,
                uri.uri(), gripLast, null, MAX_BODY, callback);
    }

    private void retryLater(String reason) {
        if (stream.ended()) {
            return;
        }
        if (++failures > MAX_FAILURES) {
            LOG.warn("conn={} next link failed {} times ({}); ending the stream", stream.request.connectionId(),
                    MAX_FAILURES, reason);
            stream.closeStream("next link failed: " + reason);
            return;
        }
        long delay = (1000L << (failures - 1)) + ThreadLocalRandom.current().nextInt(1000);
        LOG.info("conn={} next link failed ({}); retry {} in {} ms", stream.request.connectionId(), reason, failures, delay);
        timer = stream.loop().schedule(() -> {
            timer = null;
            fetch("retry");
        }, delay, TimeUnit.MILLISECONDS);
    }

    /** The next response: its body joins the stream, its headers are the new instructions. */
    private void apply(HttpResponse response, ByteBuf body) {
        stream.appendBody(body);
        GripInstruct next;
        try {
            next = GripInstructParser.fromHeaders(GripHoldHandoff.utf8Headers(response));
        } catch (GripProtocolException e) {
            LOG.warn("conn={} next link answered with invalid GRIP instructions: {}", stream.request.connectionId(),
                    e.getMessage());
            stream.closeStream("invalid next instructions");
            return;
        }
        if (next.hold().orElse(null) == HoldMode.RESPONSE) {
            LOG.warn("conn={} next link answered with a response hold, which a stream cannot take",
                    stream.request.connectionId());
            stream.closeStream("response hold in next link");
            return;
        }
        link = next.nextLink().orElse(null);
        if (next.hold().isPresent()) {
            stream.reinstruct(next);
            schedule();
            stream.checkPrevIds(() -> fetch("stale prev-id"));
        } else if (link != null) {
            fetch("next link without hold");
        } else {
            stream.closeStream("next link ended the stream");
        }
    }
}
