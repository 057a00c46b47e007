package io.holdfast.server.hold;

import io.holdfast.grip.instruct.GripInstruct;
import io.holdfast.grip.instruct.KeepAlive;
import io.holdfast.grip.instruct.KeepAliveMode;
import io.holdfast.grip.publish.Action;
import io.holdfast.grip.publish.HttpStreamFormat;
import io.holdfast.server.proxy.ClientConnection;
import io.holdfast.server.proxy.Exchange;
import io.holdfast.server.proxy.GripHandoff;
import io.holdfast.server.proxy.RequestContext;
import io.holdfast.server.pubsub.ChannelHistory;
import io.holdfast.server.pubsub.Filters;
import io.holdfast.server.pubsub.Message;
import io.holdfast.server.pubsub.PubSub;
import io.holdfast.server.pubsub.SubscriberSession;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An open HTTP stream ({@code Grip-Hold: stream}, spec 1.5.2), which is also how SSE is served: the
 * head and initial body go out at once, then every published {@code http-stream} item is appended
 * as raw bytes, and keep-alive data fills quiet periods. Keep-alives and the slow-subscriber cut-off
 * ({@code subscriber_buffer_size}, the unsent-bytes budget) are the shared {@link SubscriberSession}
 * policy: a subscriber that falls behind is cut off, logged once and counted, never slowing the others.
 */
final class StreamHold extends Hold implements GripHandoff.StreamStart {
    private static final Logger LOG = LoggerFactory.getLogger(StreamHold.class);

    private KeepAlive keepAlive;
    /** Whether the response is chunked (HTTP/1.0 clients get a close-delimited body instead). */
    private boolean chunked;
    private final NextLinks nextLinks;
    private final SubscriberSession session;
    private long bytesOut;
    private final io.holdfast.server.stats.SessionKind kind;

    StreamHold(ClientConnection connection, RequestContext request, PubSub pubsub, GripInstruct instruct,
               HeldResponse held, KeepAlive keepAlive) {
        super(connection, request, pubsub, instruct, held);
        this.keepAlive = keepAlive;
        this.nextLinks = new NextLinks(this, instruct.nextLink().orElse(null));
        this.kind = held.headers().get(io.netty.handler.codec.http.HttpHeaderNames.CONTENT_TYPE, "").startsWith("text/event-stream")
                ? io.holdfast.server.stats.SessionKind.SSE : io.holdfast.server.stats.SessionKind.HTTP_STREAM;
        this.session = new SubscriberSession(pubsub, connection.channel(),
                connection.services().config().subscriberBufferSize(), new SubscriberSession.Owner() {
                    @Override
                    public void onKeepAlive() {
                        writeKeepAlive();
                    }

                    @Override
                    public void onCutOff(String reason) {
                        end();
                        connection.abort(reason);
                    }
                });
    }

    @Override
    public io.holdfast.server.stats.SessionKind kind() {
        return kind;
    }

    void start() {
        open();
        ByteBuf initial = held.body();
        if (initial.isReadable()) {
            onBody(initial.retainedDuplicate());
        }
        onEnd();
    }

    /** Writes the response head; the initial body follows through {@link #onBody}. */
    void open() {
        pubsub.counters().holdsStarted.increment();
        HttpResponse head = held.toStreamHead();
        connection.prepareResponseHead(head, request.keepAlive());
        chunked = io.netty.handler.codec.http.HttpUtil.isTransferEncodingChunked(head);
        connection.write(head);
    }

    @Override
    public void onBody(ByteBuf chunk) {
        if (ended() || !chunk.isReadable()) {
            chunk.release();
            return;
        }
        bytesOut += chunk.readableBytes();
        connection.write(new DefaultHttpContent(chunk));
    }

    @Override
    public Exchange onEnd() {
        session.wrote();
        flushNow();
        subscribeAll();
        resumeFromLastEventId();
        applyKeepAlive();
        if (instruct.hold().isEmpty()) {
            nextLinks.fetch("no hold"); // spec 1.5.3: the response continues at the next link
        } else if (nextLinks.present()) {
            nextLinks.schedule();
            checkPrevIds(() -> nextLinks.fetch("stale prev-id"));
        }
        return this;
    }

    /** A next-link response's body, appended to the stream. Owns {@code body}. */
    void appendBody(ByteBuf body) {
        if (body.isReadable() && !ended()) {
            bytesOut += body.readableBytes();
            connection.write(new DefaultHttpContent(body));
            session.wrote();
            flushNow();
        } else {
            body.release();
        }
    }

    /** A next-link response that holds again: its channels, meta and keep-alive replace ours. */
    void reinstruct(GripInstruct next) {
        subscriptions.setAllMeta(next.meta());
        subscriptions.replace(next.channels());
        next.keepAlive().ifPresent(k -> {
            keepAlive = k;
            applyKeepAlive();
        });
    }

    private void applyKeepAlive() {
        if (keepAlive != null) {
            session.keepAlive(keepAlive.timeoutSeconds() * 1000L, keepAlive.mode() == KeepAliveMode.IDLE);
        }
    }

    /** Flushes, and lets the policy watch what the socket did not take. */
    private void flushNow() {
        connection.flush();
        session.flushed();
    }

    @Override
    public void flush() {
        flushNow();
    }

    @Override
    public void onClientWritabilityChanged(boolean writable) {
        session.writabilityChanged();
    }

    @Override
    public void recover() {
        nextLinks.fetch("recover");
    }

    void closeStream(String note) {
        close(note);
    }

    @Override
    public void abort() {
        end();
    }

    @Override
    public void deliver(Message message) {
        if (ended() || subscriptions.isResuming(message.channel())) {
            return;
        }
        HttpStreamFormat format = message.item().httpStream().orElse(null);
        if (format == null) {
            return;
        }
        if (format.action() == Action.HINT) {
            // Spec 1.5.2 step 5: fetch the next link now; without one there is nothing to do.
            nextLinks.fetch("hint on " + message.channel());
            return;
        }
        if (nextLinks.present()) {
            String gap = gapIn(message);
            if (gap != null) {
                nextLinks.fetch(gap);
                return;
            }
            if (nextLinks.fetching()) {
                // The next response covers it; the prev-id check after it catches anything newer.
                return;
            }
            nextLinks.heardFrom(message.channel());
        }
        switch (format.action()) {
            case CLOSE -> close("closed by publish on channel " + message.channel());
            case SEND -> send(message, format);
            default -> LOG.debug("conn={} ignoring {} action on a stream", request.connectionId(), format.action());
        }
    }

    private void send(Message message, HttpStreamFormat format) {
        if (!session.admit(message.channel(), message.streamContentLength())) {
            return;
        }
        Filters.Outcome outcome = subscriptions.filter(message, format.contentFilters(), format.content());
        if (!outcome.deliver()) {
            return;
        }
        if (outcome.content() == null && chunked) {
            // The hot path: the chunk, framing included, was encoded once for every subscriber.
            ByteBuf chunk = message.streamChunk();
            if (chunk != null) {
                bytesOut += message.streamContentLength();
                connection.writeEncoded(chunk);
                session.wrote();
            }
            return;
        }
        ByteBuf content = outcome.content() != null ? Unpooled.wrappedBuffer(outcome.content()) : message.streamContent();
        if (content == null || !content.isReadable()) {
            if (content != null) {
                content.release();
            }
            return;
        }
        bytesOut += content.readableBytes();
        connection.write(new DefaultHttpContent(content));
        session.wrote();
    }

    /**
     * Beyond Pushpin: an SSE client reconnecting with {@code Last-Event-ID} gets, from the history of
     * each of its channels that keeps one, exactly the items it missed before live ones; or, when that
     * id is too old, the event named {@value #RESET_EVENT} so the application can reload.
     */
    private void resumeFromLastEventId() {
        String lastEventId = request.request().headers().get("Last-Event-ID");
        String type = held.headers().get(HttpHeaderNames.CONTENT_TYPE, "");
        if (lastEventId == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("text/event-stream")) {
            return;
        }
        for (String channel : java.util.List.copyOf(subscriptions.names())) {
            subscriptions.resume(channel, lastEventId, loop(), replay -> onReplay(channel, lastEventId, replay));
        }
    }

    /** The SSE event sent when a resume id is no longer in the channel's history. */
    static final String RESET_EVENT = SubscriberSession.RESET_TYPE;

    private void onReplay(String channel, String lastEventId, ChannelHistory.Replay replay) {
        if (ended()) {
            return;
        }
        if (replay.gone()) {
            String event = SubscriberSession.resetSseEvent(subscriptions.unprefixed(channel), lastEventId);
            connection.write(new DefaultHttpContent(Unpooled.copiedBuffer(event, java.nio.charset.StandardCharsets.UTF_8)));
            session.wrote();
        } else {
            for (var item : replay.items()) {
                HttpStreamFormat format = item.httpStream().orElse(null);
                if (format == null || format.action() != io.holdfast.grip.publish.Action.SEND || ended()) {
                    continue;
                }
                Message message = new Message(item, channel);
                try {
                    send(message, format);
                } finally {
                    message.release();
                }
            }
        }
        flushNow();
    }

    private void close(String note) {
        if (!end()) {
            return;
        }
        connection.write(LastHttpContent.EMPTY_LAST_CONTENT);
        connection.flush();
        connection.completeExchange(held.status().code(), bytesOut, request.keepAlive() && !connection.draining(), note);
    }

    private void writeKeepAlive() {
        bytesOut += keepAlive.data().length;
        connection.write(new DefaultHttpContent(Unpooled.wrappedBuffer(keepAlive.data())));
        session.wrote();
        flushNow();
    }

    @Override
    void cancelTimers() {
        session.end();
        nextLinks.cancel();
    }

    @Override
    public void onDrain() {
        close("server shutting down");
    }
}
