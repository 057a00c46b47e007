package io.holdfast.grip.websocket;

import io.holdfast.grip.GripHeaders;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One WebSocket-over-HTTP request as an origin sees it (spec 2.2): the events the proxy sent, and the
 * events and headers the origin answers with. It is js-grip's {@code WebSocketContext} for Java.
 *
 * <p>With WebSocket-over-HTTP the proxy keeps the client's WebSocket and POSTs its events to the
 * origin; the origin stays a stateless HTTP app. Per request, an origin:
 * <ol>
 *   <li>checks {@link #isWebSocketOverHttp} and, ideally, {@code Grip-Sig};</li>
 *   <li>builds a context with {@link #fromRequest} from the {@code Connection-Id} header, the
 *       {@code Meta-*} headers and the body;</li>
 *   <li>on the first request ({@link #isOpening()}) calls {@link #accept()}, usually followed by
 *       {@link #subscribe}; to refuse, it answers with a non-200 status instead and no context;</li>
 *   <li>reads client messages with {@link #receive()} while {@link #canReceive()}, and answers with
 *       {@link #send}, {@link #sendBinary}, control messages, {@link #close};</li>
 *   <li>replies 200 with {@link #responseHeaders()} and {@link #responseBody()}.</li>
 * </ol>
 *
 * <p>The context speaks GRIP mode: accepting sends {@code Sec-WebSocket-Extensions: grip}, messages
 * for the client carry the {@code m:} prefix and control messages the {@code c:} prefix, which the
 * proxy strips or acts on (spec 2.1, 2.3). A PING from the proxy is answered with a PONG. When the
 * request carries the client's CLOSE, the response carries a CLOSE with the same code unless the app
 * closed first, which completes the close handshake (spec 2.2). A context belongs to one request and
 * is not thread-safe.
 */
public final class WebSocketContext {

    /** The {@code Sec-WebSocket-Extensions} value that turns GRIP mode on. */
    public static final String GRIP_EXTENSION = "grip";

    /** The prefix of messages for the client in GRIP mode (Pushpin's default {@code message-prefix}). */
    public static final String MESSAGE_PREFIX = "m:";

    /** Request header naming the client connection, stable for its lifetime. */
    public static final String CONNECTION_ID_HEADER = "Connection-Id";

    /** Prefix of the request headers that carry bound metadata. */
    public static final String META_PREFIX = "Meta-";

    /** Prefix of the response headers that bind metadata for later requests. */
    public static final String SET_META_PREFIX = "Set-Meta-";

    /** Response header asking the proxy for an empty request every N seconds while idle. */
    public static final String KEEP_ALIVE_INTERVAL_HEADER = "Keep-Alive-Interval";

    /** Response header that names the extensions the origin accepted. */
    public static final String EXTENSIONS_HEADER = "Sec-WebSocket-Extensions";

    /**
     * Response header (Pushpin 1.41): how many bytes of this request's message content the origin
     * accepted; the proxy sends the rest again at the start of the next request.
     */
    public static final String CONTENT_BYTES_ACCEPTED_HEADER = "Content-Bytes-Accepted";

    /**
     * Request header (Pushpin 1.41): how many bytes at the start of this request's message content
     * were offered before and not accepted then.
     */
    public static final String CONTENT_BYTES_REPLAYED_HEADER = "Content-Bytes-Replayed";

    /** RFC 6455 §7.4.1: normal closure. */
    public static final int NORMAL_CLOSURE = 1000;

    private static final byte[] MESSAGE_PREFIX_BYTES = MESSAGE_PREFIX.getBytes(StandardCharsets.US_ASCII);

    private final String connectionId;
    private final boolean opening;
    private final Map<String, String> originalMeta;
    private final Map<String, String> meta;
    private final List<WebSocketEvent> messages = new ArrayList<>();
    private final List<WebSocketEvent> replies = new ArrayList<>();
    private final List<WebSocketEvent> out = new ArrayList<>();
    private final Map<String, String> setMeta = new LinkedHashMap<>();
    private int nextMessage;
    private WebSocketEvent peerClose;
    private boolean disconnected;
    private boolean accepted;
    private WebSocketEvent ownClose;
    private boolean ownDisconnect;
    private Integer keepAliveInterval;
    private final int contentBytes;
    private final int contentBytesReplayed;
    private Integer contentBytesAccepted;

    private WebSocketContext(String connectionId, Map<String, String> meta, List<WebSocketEvent> events,
                             int contentBytesReplayed) {
        this.connectionId = connectionId;
        this.contentBytesReplayed = contentBytesReplayed;
        int bytes = 0;
        for (WebSocketEvent e : events) {
            bytes += e.content().length;
        }
        this.contentBytes = bytes;
        this.originalMeta = Collections.unmodifiableMap(meta);
        this.meta = new LinkedHashMap<>(meta);
        this.opening = !events.isEmpty() && events.get(0).type() == WebSocketEvent.Type.OPEN;
        for (WebSocketEvent e : events) {
            onEvent(e);
        }
    }

    private void onEvent(WebSocketEvent e) {
        switch (e.type()) {
            case TEXT, BINARY -> messages.add(e);
            // RFC 6455 §5.5.3: a pong echoes the ping's payload.
            case PING -> replies.add(WebSocketEvent.pong(e.content()));
            case CLOSE -> {
                if (peerClose == null) {
                    peerClose = e;
                }
            }
            case DISCONNECT -> disconnected = true;
            case OPEN, PONG -> { }
        }
    }

    /**
     * Whether a request is WebSocket-over-HTTP, the way js-grip decides: method {@code POST},
     * {@code Content-Type} {@code application/websocket-events} (parameters ignored), and an
     * {@code Accept} that lists that type, {@code application/*} or {@code *}{@code /*}.
     *
     * @param method      the request method
     * @param contentType the {@code Content-Type} header, or null
     * @param accept      the {@code Accept} header, or null
     */
    public static boolean isWebSocketOverHttp(String method, String contentType, String accept) {
        if (!"POST".equalsIgnoreCase(method) || contentType == null || accept == null) {
            return false;
        }
        if (!GripHeaders.WEBSOCKET_EVENTS_MEDIA_TYPE.equalsIgnoreCase(mediaType(contentType))) {
            return false;
        }
        for (String range : accept.split(",")) {
            String type = mediaType(range);
            if (type.equals("*/*") || type.equalsIgnoreCase("application/*")
                    || type.equalsIgnoreCase(GripHeaders.WEBSOCKET_EVENTS_MEDIA_TYPE)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Reads a WebSocket-over-HTTP request.
     *
     * @param connectionId the {@code Connection-Id} request header
     * @param metaHeaders  request headers; those named {@code Meta-<name>} (any case) become the
     *                     connection's meta under the lower-cased {@code <name>}, and
     *                     {@code Content-Bytes-Replayed} is read for {@link #contentBytesReplayed()};
     *                     others are ignored, so passing all the request's headers is fine; null means none
     * @param body         the request body; null or empty is a keep-alive with no events
     * @throws WebSocketEventException if the body is not a valid events body (answer 400)
     * @throws IllegalArgumentException if {@code connectionId} is missing
     */
    public static WebSocketContext fromRequest(String connectionId, Map<String, String> metaHeaders, byte[] body) {
        if (connectionId == null || connectionId.isEmpty()) {
            throw new IllegalArgumentException("connectionId: " + (connectionId == null ? "null" : "empty")
                    + " (expected: the " + CONNECTION_ID_HEADER + " request header)");
        }
        Map<String, String> meta = new LinkedHashMap<>();
        int replayed = 0;
        if (metaHeaders != null) {
            for (Map.Entry<String, String> h : metaHeaders.entrySet()) {
                String name = h.getKey();
                String value = h.getValue();
                if (name == null || value == null) {
                    continue;
                }
                if (name.length() > META_PREFIX.length() && name.regionMatches(true, 0, META_PREFIX, 0, META_PREFIX.length())) {
                    meta.put(name.substring(META_PREFIX.length()).toLowerCase(Locale.ROOT), value);
                } else if (name.equalsIgnoreCase(CONTENT_BYTES_REPLAYED_HEADER)) {
                    replayed = parseReplayed(value);
                }
            }
        }
        List<WebSocketEvent> events = body == null ? List.of() : WebSocketEventCodec.decode(body);
        return new WebSocketContext(connectionId, meta, events, replayed);
    }

    private static int parseReplayed(String value) {
        try {
            return Math.max(0, Integer.parseInt(value.strip()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The {@code Connection-Id}: the same for every request of one client connection. */
    public String connectionId() {
        return connectionId;
    }

    /** Whether this is the first request of a connection: the client wants to open (spec 2.2 OPEN). */
    public boolean isOpening() {
        return opening;
    }

    /**
     * Accepts the connection: the response starts with OPEN and turns GRIP mode on. Call it on the
     * opening request; on any other request it does nothing, since the connection is open already.
     */
    public void accept() {
        if (opening) {
            accepted = true;
        }
    }

    /** Whether {@link #accept()} took effect. */
    public boolean isAccepted() {
        return accepted;
    }

    /**
     * Bytes of event content in this request: what {@link #acceptContentBytes} counts. Message
     * content (TEXT, BINARY, PING, PONG) comes first, then a CLOSE's code and reason.
     */
    public int contentBytes() {
        return contentBytes;
    }

    /**
     * How many bytes at the start of this request's message content the proxy offered before, in a
     * request whose answer did not accept them ({@code Content-Bytes-Replayed}); 0 for new content.
     * An origin that kept the unaccepted part itself must skip this much.
     */
    public int contentBytesReplayed() {
        return contentBytesReplayed;
    }

    /**
     * Accepts only the first {@code bytes} bytes of this request's content
     * ({@code Content-Bytes-Accepted}, Pushpin 1.41): the proxy sends the rest again at the start of
     * the next request, which comes when the client sends more, at the next keep-alive or on a refresh.
     * A message accepted in part comes back without its accepted front. This is backpressure for
     * origins that consume a byte stream, e.g. MQTT over WebSocket, where a packet can end in the next
     * message. Without a call everything is accepted. Messages read with {@link #receive()} are whole;
     * counting what was used is up to the app. Accepting less than all message content leaves a CLOSE
     * for the next request too; once all message content is accepted, a CLOSE must be accepted as well.
     *
     * @throws IllegalArgumentException if {@code bytes} is negative or more than {@link #contentBytes()}
     */
    public void acceptContentBytes(int bytes) {
        if (bytes < 0 || bytes > contentBytes) {
            throw new IllegalArgumentException("bytes: " + bytes + " (expected: 0-" + contentBytes + ")");
        }
        contentBytesAccepted = bytes;
    }

    /** Whether {@link #receive()} has another client message. */
    public boolean canReceive() {
        return nextMessage < messages.size();
    }

    /**
     * The next client message, a TEXT or BINARY event (read it with {@link WebSocketEvent#text()} or
     * {@link WebSocketEvent#content()}), or null when there is none. Client messages carry no prefix.
     * CLOSE and DISCONNECT are not returned: see {@link #isClosing()} and {@link #isDisconnected()}.
     */
    public WebSocketEvent receive() {
        return canReceive() ? messages.get(nextMessage++) : null;
    }

    /** Whether the client closed the WebSocket cleanly: the request carries its CLOSE. */
    public boolean isClosing() {
        return peerClose != null;
    }

    /**
     * The client's close code, or {@link WebSocketEvent#NO_STATUS_CODE} when its CLOSE had none.
     *
     * @throws IllegalStateException if the client is not closing (see {@link #isClosing()})
     */
    public int closeCode() {
        return requirePeerClose().closeCode();
    }

    /**
     * The client's close reason, "" when none.
     *
     * @throws IllegalStateException if the client is not closing (see {@link #isClosing()})
     */
    public String closeReason() {
        return requirePeerClose().closeReason();
    }

    /** Whether the client went away without a clean close (DISCONNECT); nothing more reaches it. */
    public boolean isDisconnected() {
        return disconnected;
    }

    /** Sends a text message to the client. */
    public void send(String text) {
        Objects.requireNonNull(text, "text");
        add(new WebSocketEvent(WebSocketEvent.Type.TEXT, prefixed(text.getBytes(StandardCharsets.UTF_8))));
    }

    /**
     * Sends a binary message to the client. In GRIP mode Pushpin strips the message prefix from binary
     * messages as from text ones, so the payload goes out as {@code m:} + bytes, as js-grip sends it.
     */
    public void sendBinary(byte[] data) {
        Objects.requireNonNull(data, "data");
        add(new WebSocketEvent(WebSocketEvent.Type.BINARY, prefixed(data)));
    }

    /** Sends a GRIP control message to the proxy ({@code c:} + JSON, spec 2.3). */
    public void sendControl(ControlMessage message) {
        Objects.requireNonNull(message, "message");
        add(WebSocketEvent.text(message.toFrame()));
    }

    /** Subscribes the connection to {@code channel}: publishes of {@code ws-message} items reach it. */
    public void subscribe(String channel) {
        sendControl(ControlMessage.subscribe(channel));
    }

    /** Subscribes the connection to {@code channel} with subscription filters (at most 5, spec 1.6). */
    public void subscribe(String channel, List<String> filters) {
        sendControl(ControlMessage.subscribe(channel, filters));
    }

    /** Unsubscribes the connection from {@code channel}. */
    public void unsubscribe(String channel) {
        sendControl(ControlMessage.unsubscribe(channel));
    }

    /**
     * Detaches the origin: the proxy stops calling it for this connection and drops further client
     * messages, while published messages still reach the client (one-way feeds).
     */
    public void detach() {
        sendControl(ControlMessage.detach());
    }

    /**
     * Closes the WebSocket with this code and optional (null) reason. The CLOSE goes last in the
     * response; nothing can be sent after it.
     */
    public void close(int code, String reason) {
        WebSocketEvent close = WebSocketEvent.close(code, reason);
        requireOpen();
        ownClose = close;
    }

    /** Closes the WebSocket with code 1000 (normal closure) and no reason. */
    public void close() {
        close(NORMAL_CLOSURE, null);
    }

    /**
     * Drops the connection without a close handshake (DISCONNECT): the proxy closes the client
     * abruptly. Nothing can be sent after it.
     */
    public void disconnect() {
        requireOpen();
        ownDisconnect = true;
    }

    /**
     * Binds connection metadata: the response carries {@code Set-Meta-<Name>: <value>} and the proxy
     * sends {@code Meta-<Name>: <value>} on every later request of this connection, like a cookie it
     * keeps for the origin. A null or empty value removes the field. Names are case-insensitive;
     * header names are written capitalised ({@code user} gives {@code Set-Meta-User}). This is not
     * subscription meta for filters: send {@link ControlMessage#setMeta} for that.
     *
     * @throws IllegalArgumentException if the name is not a header token or the value has a line break
     */
    public void setMeta(String name, String value) {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty() || !isToken(name)) {
            throw new IllegalArgumentException("name: \"" + name + "\" (expected: letters, digits, '-' or '_')");
        }
        String v = value == null ? "" : value;
        if (v.indexOf('\r') >= 0 || v.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("value: contains a line break");
        }
        String key = name.toLowerCase(Locale.ROOT);
        if (v.isEmpty()) {
            meta.remove(key);
        } else {
            meta.put(key, v);
        }
        // Only a change needs a header; setting a field back to what the proxy sent cancels it.
        if (v.equals(originalMeta.getOrDefault(key, ""))) {
            setMeta.remove(key);
        } else {
            setMeta.put(key, v);
        }
    }

    /** The connection's meta field {@code name} (any case), including changes made here, or null. */
    public String meta(String name) {
        return name == null ? null : meta.get(name.toLowerCase(Locale.ROOT));
    }

    /** The connection's meta, names lower-cased, including changes made here; read-only. */
    public Map<String, String> meta() {
        return Collections.unmodifiableMap(meta);
    }

    /**
     * Asks the proxy to send an empty request every {@code seconds} while the connection is idle
     * ({@code Keep-Alive-Interval}); Pushpin raises values below 20 to 20.
     */
    public void keepAliveInterval(int seconds) {
        if (seconds <= 0) {
            throw new IllegalArgumentException("seconds: " + seconds + " (expected: > 0)");
        }
        this.keepAliveInterval = seconds;
    }

    /**
     * The events to answer with, in order: OPEN if accepted, PONGs for the proxy's PINGs, what the app
     * sent, then the app's CLOSE or DISCONNECT, or a CLOSE echoing the client's code when the client is
     * closing and the app did not close.
     */
    public List<WebSocketEvent> responseEvents() {
        List<WebSocketEvent> events = new ArrayList<>(out.size() + replies.size() + 2);
        if (accepted) {
            events.add(WebSocketEvent.open());
        }
        events.addAll(replies);
        events.addAll(out);
        if (ownClose != null) {
            events.add(ownClose);
        } else if (ownDisconnect) {
            events.add(WebSocketEvent.disconnect());
        } else if (peerClose != null) {
            // RFC 6455 §5.5.1: echo the code; a CLOSE without one is answered with none.
            int code = peerClose.closeCode();
            events.add(code == WebSocketEvent.NO_STATUS_CODE ? WebSocketEvent.close() : WebSocketEvent.close(code, null));
        }
        return events;
    }

    /** The response body: {@link #responseEvents()} encoded as {@code application/websocket-events}. */
    public byte[] responseBody() {
        return WebSocketEventCodec.encode(responseEvents());
    }

    /**
     * The response headers: {@code Content-Type: application/websocket-events}; when accepted,
     * {@code Sec-WebSocket-Extensions: grip}; a {@code Set-Meta-<Name>} per changed meta field;
     * {@code Keep-Alive-Interval} if set; {@code Content-Bytes-Accepted} after
     * {@link #acceptContentBytes}. Send them with status 200.
     */
    public Map<String, String> responseHeaders() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(GripHeaders.CONTENT_TYPE, GripHeaders.WEBSOCKET_EVENTS_MEDIA_TYPE);
        if (accepted) {
            headers.put(EXTENSIONS_HEADER, GRIP_EXTENSION);
        }
        setMeta.forEach((name, value) -> headers.put(SET_META_PREFIX + capitalise(name), value));
        if (keepAliveInterval != null) {
            headers.put(KEEP_ALIVE_INTERVAL_HEADER, Integer.toString(keepAliveInterval));
        }
        if (contentBytesAccepted != null) {
            headers.put(CONTENT_BYTES_ACCEPTED_HEADER, Integer.toString(contentBytesAccepted));
        }
        return Collections.unmodifiableMap(headers);
    }

    @Override
    public String toString() {
        return "WebSocketContext[" + connectionId + ", opening=" + opening + ", accepted=" + accepted + ", messages="
                + messages.size() + ", closing=" + isClosing() + ", disconnected=" + disconnected + ", out="
                + out.size() + "]";
    }

    private void add(WebSocketEvent event) {
        requireOpen();
        out.add(event);
    }

    private void requireOpen() {
        if (ownClose != null || ownDisconnect) {
            throw new IllegalStateException("the connection was already " + (ownClose != null ? "closed" : "disconnected")
                    + " in this response");
        }
    }

    private WebSocketEvent requirePeerClose() {
        if (peerClose == null) {
            throw new IllegalStateException("the client is not closing (check isClosing() first)");
        }
        return peerClose;
    }

    private static byte[] prefixed(byte[] data) {
        byte[] b = new byte[MESSAGE_PREFIX_BYTES.length + data.length];
        System.arraycopy(MESSAGE_PREFIX_BYTES, 0, b, 0, MESSAGE_PREFIX_BYTES.length);
        System.arraycopy(data, 0, b, MESSAGE_PREFIX_BYTES.length, data.length);
        return b;
    }

    private static String mediaType(String headerValue) {
        int semi = headerValue.indexOf(';');
        return (semi >= 0 ? headerValue.substring(0, semi) : headerValue).strip();
    }

    private static boolean isToken(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    /** {@code user-id} to {@code User-Id}, the usual spelling of header names. */
    private static String capitalise(String name) {
        StringBuilder sb = new StringBuilder(name.length());
        boolean start = true;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            sb.append(start ? Character.toUpperCase(c) : c);
            start = c == '-';
        }
        return sb.toString();
    }
}
