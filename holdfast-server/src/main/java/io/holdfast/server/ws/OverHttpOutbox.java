package io.holdfast.server.ws;

import io.holdfast.grip.websocket.WebSocketContext;
import io.holdfast.grip.websocket.WebSocketEvent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/**
 * What a WebSocket-over-HTTP client has sent that its origin has not accepted yet (spec 2.2), with
 * Pushpin 1.41's partial acceptance: an answer's {@code Content-Bytes-Accepted: n} takes the first
 * {@code n} bytes of message content of the request off the front of the queue (a message accepted
 * in part keeps its type and loses its accepted front); the rest is sent again at the start of the
 * next request, which says so with {@code Content-Bytes-Replayed}. Without the header everything
 * offered counts as accepted, as before. An MQTT origin, for one, accepts only whole packets and
 * leaves a partial packet for when the rest of it arrives.
 *
 * <p>As in Pushpin: events stay queued until accepted, so a request that must be retried is rebuilt
 * from the same events; accepting more than was offered is an error; a request that could not carry
 * everything queued must see some progress, or the session fails; a CLOSE counts as sent only once
 * all content before it is accepted, and then it must be accepted too; replayed content alone does not
 * cause a request (new messages, a close, a keep-alive or a refresh do). Unlike Pushpin, only events
 * that were in the request can be taken off the queue, so an empty message that arrived meanwhile is
 * never lost. Touched only on the session's event loop.
 */
final class OverHttpOutbox {
    /**
     * One request's events.
     *
     * @param events        what the request body carries, in order
     * @param fromQueue     how many of them are the queue's first events (0 for OPEN and keep-alives)
     * @param messageEvents how many of those are messages (all but a CLOSE at the end)
     * @param messageBytes  content bytes of those messages: what {@code Content-Bytes-Accepted} counts
     * @param closeBytes    content bytes of the CLOSE, if the request carries one
     * @param hasClose      whether the request carries the client's CLOSE
     * @param maxed         whether more was queued than the request could carry
     * @param replayedBytes content at the start already offered before ({@code Content-Bytes-Replayed})
     */
    record Batch(List<WebSocketEvent> events, int fromQueue, int messageEvents, int messageBytes, int closeBytes,
                 boolean hasClose, boolean maxed, int replayedBytes) {
        /** A request of events that are not client messages: OPEN, or none for a keep-alive. */
        static Batch of(List<WebSocketEvent> events) {
            return new Batch(events, 0, 0, 0, 0, false, false, 0);
        }
    }

    /** What an origin's answer did to the queue: either the close state or why the session must end. */
    record Outcome(boolean closeSent, String error) {
        static Outcome failed(String error) {
            return new Outcome(false, error);
        }

        boolean ok() {
            return error == null;
        }
    }

    private final ArrayDeque<WebSocketEvent> queue = new ArrayDeque<>();
    private final int maxBatchBytes;
    private int queuedBytes;
    /** How many queued events, and how many bytes of content, the origin has been offered and not accepted. */
    private int replayEvents;
    private int replayBytes;

    /** @param maxBatchBytes roughly how much content one request carries (spec 2.2: 200,000 bytes) */
    OverHttpOutbox(int maxBatchBytes) {
        this.maxBatchBytes = maxBatchBytes;
    }

    void add(WebSocketEvent event) {
        queue.add(event);
        queuedBytes += event.content().length;
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    /** Content bytes queued, offered or not: the client is paused while this is high. */
    int queuedBytes() {
        return queuedBytes;
    }

    /** Bytes of the front of the queue that have been offered before (0 when nothing waits for a replay). */
    int replayBytes() {
        return replayBytes;
    }

    /** Whether something waits that the origin has never been offered: only then is a request due at once. */
    boolean hasNewData() {
        return queue.size() > replayEvents;
    }

    /**
     * The next request's events: from the front of the queue, whole messages up to about
     * {@code maxBatchBytes} of content (at least one), or exactly one event with {@code oneEvent}; a
     * CLOSE goes along when it is reached. Nothing leaves the queue until {@link #onAnswer}.
     */
    Batch next(boolean oneEvent) {
        List<WebSocketEvent> events = new ArrayList<>();
        int messages = 0;
        int bytes = 0;
        int closeBytes = 0;
        boolean close = false;
        for (WebSocketEvent e : queue) {
            int size = e.content().length;
            if (!events.isEmpty() && (oneEvent || (e.type() != WebSocketEvent.Type.CLOSE && bytes + size > maxBatchBytes))) {
                break;
            }
            events.add(e);
            if (e.type() == WebSocketEvent.Type.CLOSE) {
                close = true;
                closeBytes = size;
                break;
            }
            messages++;
            bytes += size;
        }
        return new Batch(events, events.size(), messages, bytes, closeBytes, close, events.size() < queue.size(),
                replayBytes);
    }

    /**
     * Applies an origin's successful answer to the request {@code sent}.
     *
     * @param acceptedHeader the answer's {@code Content-Bytes-Accepted}, or null
     */
    Outcome onAnswer(Batch sent, String acceptedHeader) {
        int offered = sent.messageBytes();
        int total = offered + sent.closeBytes();
        int accepted = total;
        if (acceptedHeader != null) {
            int value = parse(acceptedHeader);
            if (value >= 0) {
                accepted = value;
            }
            if (accepted > total) {
                return Outcome.failed("origin accepted " + accepted + " bytes of " + total + " offered ("
                        + WebSocketContext.CONTENT_BYTES_ACCEPTED_HEADER + ")");
            }
        }
        int messageBytesAccepted = Math.min(accepted, offered);
        int left = messageBytesAccepted;
        int removedEvents = 0;
        for (int i = 0; i < sent.messageEvents(); i++) {
            WebSocketEvent head = queue.peek();
            int size = head.content().length;
            if (left < size) {
                if (left > 0) {
                    queue.poll();
                    queue.addFirst(new WebSocketEvent(head.type(), Arrays.copyOfRange(head.content(), left, size)));
                    left = 0;
                }
                break;
            }
            queue.poll();
            left -= size;
            removedEvents++;
        }
        queuedBytes -= messageBytesAccepted;
        if (sent.maxed() && removedEvents == 0 && messageBytesAccepted == 0) {
            return Outcome.failed("origin accepted nothing of a request that could not carry everything queued");
        }
        replayEvents = Math.max(sent.messageEvents() - removedEvents, 0);
        replayBytes = offered - messageBytesAccepted;
        if (!sent.hasClose()) {
            return new Outcome(false, null);
        }
        if (messageBytesAccepted < offered) {
            // A CLOSE behind content that was not all accepted was not taken either: it goes again, with
            // the replay, and like the replay it is no reason for a request of its own.
            replayEvents++;
            return new Outcome(false, null);
        }
        if (accepted < total) {
            // Partial acceptance waits for more data; after a CLOSE there is none, so all must be taken.
            return Outcome.failed("origin accepted the content but not the CLOSE after it");
        }
        clear();
        return new Outcome(true, null);
    }

    /** Drops everything (the origin detached, or the session ended). */
    void clear() {
        queue.clear();
        queuedBytes = 0;
        replayEvents = 0;
        replayBytes = 0;
    }

    /** Pushpin reads the header as a decimal integer; anything else means "everything". */
    private static int parse(String header) {
        try {
            return Integer.parseInt(header.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("OverHttpOutbox[");
        for (Iterator<WebSocketEvent> it = queue.iterator(); it.hasNext(); ) {
            sb.append(it.next());
            if (it.hasNext()) {
                sb.append(", ");
            }
        }
        return sb.append(", replay ").append(replayEvents).append('/').append(replayBytes).append(']').toString();
    }
}
