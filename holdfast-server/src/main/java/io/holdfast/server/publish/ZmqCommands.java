package io.holdfast.server.publish;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.holdfast.grip.GripLimits;
import io.holdfast.grip.GripProtocolException;
import io.holdfast.grip.publish.PublishFormatException;
import io.holdfast.grip.publish.PublishItem;
import io.holdfast.grip.publish.PublishRequestParser;
import io.holdfast.grip.publish.WsMessageFormat;
import io.holdfast.grip.tnetstring.TNetStringItems;
import io.holdfast.grip.tnetstring.TNetStrings;
import io.holdfast.server.pubsub.PubSub;
import io.holdfast.server.pubsub.Subscriptions;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushpin's command socket protocol (spec 3.4): a request {@code {id, method, args}} gets
 * {@code {id, success: true, value}} or {@code {id, success: false, condition[, value]}}. The
 * socket is a REP, which must answer every request before it can read the next, so every request
 * gets a reply, a malformed one included ({@code bad-request}).
 *
 * <p>Requests are tnetstrings (optionally after a {@code T}); a {@code J}-framed JSON request is
 * answered in JSON with the same marker. {@code id} is optional, as gripcontrol's URI discovery
 * sends none, and is echoed when present. A request Pushpin would not accept gets an error, never
 * success: {@code args} that is not an object, a {@code conncheck} id that is not a string, and a
 * {@code refresh} of a connection id nobody holds ({@code item-not-found}, as Pushpin's proxy answers).
 */
final class ZmqCommands {
    private static final Logger LOG = LoggerFactory.getLogger(ZmqCommands.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    static final String BAD_REQUEST = "bad-request";
    static final String METHOD_NOT_FOUND = "method-not-found";
    static final String INTERNAL_ERROR = "internal-error";
    static final String ITEM_NOT_FOUND = "item-not-found";

    private final PubSub pubsub;
    private final Runnable recover;
    private final Supplier<Map<String, Object>> uris;

    /**
     * @param recover runs on the {@code recover} command (spec 4)
     * @param uris    the {@code get-zmq-uris} answer
     */
    ZmqCommands(PubSub pubsub, Runnable recover, Supplier<Map<String, Object>> uris) {
        this.pubsub = pubsub;
        this.recover = recover;
        this.uris = uris;
    }

    /** Answers one request; never throws. */
    byte[] handle(byte[] request) {
        boolean json = request.length > 0 && request[0] == 'J';
        Object id = null;
        Map<String, Object> reply;
        try {
            JsonNode jsonRequest = null;
            Object decoded;
            if (json) {
                jsonRequest = ZmqFrames.json(request);
                decoded = TNetStrings.fromJson(jsonRequest);
            } else {
                int offset = request.length > 0 && request[0] == 'T' ? 1 : 0;
                decoded = TNetStrings.decode(request, offset, request.length - offset);
            }
            if (!(decoded instanceof Map<?, ?> map)) {
                throw new PublishFormatException("request is not an object");
            }
            id = map.get("id");
            String method = text(map.get("method"));
            if (method == null) {
                throw new PublishFormatException("request has no method");
            }
            Object args = map.get("args");
            if (map.containsKey("args") && !(args instanceof Map<?, ?>)) {
                throw new PublishFormatException("args must be an object");
            }
            reply = call(method, args, jsonRequest == null ? null : jsonRequest.get("args"));
        } catch (GripProtocolException e) {
            LOG.info("ZeroMQ command socket: bad request: {}", e.getMessage());
            reply = failure(BAD_REQUEST, e.getMessage());
        } catch (RuntimeException | StackOverflowError e) {
            LOG.warn("ZeroMQ command socket: request failed", e);
            reply = failure(INTERNAL_ERROR, e.toString());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        if (id != null) {
            out.put("id", id);
        }
        out.putAll(reply);
        return encode(out, json);
    }

    /**
     * The reply when {@link #handle} itself failed: {@code internal-error} in the request's framing,
     * without an id (the request may not even have parsed).
     */
    static byte[] internalError(byte[] request, Throwable cause) {
        return encode(failure(INTERNAL_ERROR, cause.toString()), request.length > 0 && request[0] == 'J');
    }

    private Map<String, Object> call(String method, Object args, JsonNode jsonArgs) {
        return switch (method) {
            case "publish" -> publish(args, jsonArgs);
            case "recover" -> {
                recover.run();
                yield success(null);
            }
            case "refresh" -> refresh(args);
            case "conncheck" -> conncheck(args);
            case "get-zmq-uris" -> success(uris.get());
            default -> failure(METHOD_NOT_FOUND, null);
        };
    }

    private Map<String, Object> publish(Object args, JsonNode jsonArgs) {
        List<PublishItem> items;
        if (jsonArgs != null) {
            try {
                // The HTTP API's own reader, so a JSON command is judged exactly like a POST /publish body.
                items = PublishRequestParser.parse(JSON.writeValueAsBytes(jsonArgs));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e); // a parsed tree always serialises
            }
        } else {
            items = TNetStringItems.parseItems(args instanceof Map<?, ?> m ? m.get("items") : null);
        }
        pubsub.counters().publishRequest(io.holdfast.server.stats.PublishInput.ZMQ_COMMAND);
        pubsub.publish(items);
        return success(null);
    }

    private Map<String, Object> refresh(Object args) {
        Map<?, ?> a = args instanceof Map<?, ?> m ? m : Map.of();
        String channel = text(a.get("channel"));
        if (channel != null && !channel.isEmpty()) {
            checkChannel("args.channel", channel);
            // Pushpin's refresh: WebSocket-over-HTTP subscribers of the channel call their origin.
            pubsub.publish(List.of(PublishItem.builder(channel).wsMessage(WsMessageFormat.refresh()).build()));
            return success(null);
        }
        if (a.containsKey("channel") && channel == null || a.containsKey("cid") && text(a.get("cid")) == null) {
            throw new PublishFormatException("refresh args.cid and args.channel must be strings");
        }
        String cid = text(a.get("cid"));
        if (cid != null && !cid.isEmpty()) {
            checkChannel("args.cid", Subscriptions.CONNECTION_CHANNEL_PREFIX + cid);
            if (!pubsub.hasSubscribers(Subscriptions.CONNECTION_CHANNEL_PREFIX + cid)) {
                return failure(ITEM_NOT_FOUND, null);
            }
            // Every connection is on conn:<id> (its Connection-Id), so a refresh reaches just that one.
            pubsub.publish(List.of(PublishItem.builder(Subscriptions.CONNECTION_CHANNEL_PREFIX + cid)
                    .wsMessage(WsMessageFormat.refresh()).build()));
            return success(null);
        }
        throw new PublishFormatException("refresh needs args.cid or args.channel");
    }

    /** The ids still connected: a held request or WebSocket keeps its conn:<id> channel while it lives. */
    private Map<String, Object> conncheck(Object args) {
        Object ids = args instanceof Map<?, ?> m ? m.get("ids") : null;
        if (!(ids instanceof List<?> list)) {
            throw new PublishFormatException("conncheck needs args.ids, a list");
        }
        List<String> connected = new java.util.ArrayList<>();
        for (Object id : list) {
            String cid = text(id);
            if (cid == null) {
                throw new PublishFormatException("conncheck args.ids must hold strings");
            }
            if (pubsub.hasSubscribers(Subscriptions.CONNECTION_CHANNEL_PREFIX + cid)) {
                connected.add(cid);
            }
        }
        return success(connected);
    }

    /** The channel rules of every other input ({@link GripLimits}), as a bad-request. */
    private static void checkChannel(String field, String channel) {
        String problem = GripLimits.channelProblem(channel);
        if (problem != null) {
            throw new PublishFormatException("refresh: " + field + ": " + problem);
        }
    }

    private static Map<String, Object> success(Object value) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("success", true);
        m.put("value", value);
        return m;
    }

    private static Map<String, Object> failure(String condition, String detail) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("success", false);
        m.put("condition", condition);
        if (detail != null) {
            m.put("value", detail);
        }
        return m;
    }

    /** A byte string or string as text, or null. */
    private static String text(Object value) {
        if (value instanceof byte[] b) {
            return new String(b, StandardCharsets.UTF_8);
        }
        return value instanceof String s ? s : null;
    }

    private static byte[] encode(Map<String, Object> reply, boolean json) {
        if (!json) {
            return TNetStrings.encode(reply);
        }
        try {
            byte[] body = JSON.writeValueAsBytes(TNetStrings.toJson(reply));
            byte[] out = new byte[body.length + 1];
            out[0] = 'J';
            System.arraycopy(body, 0, out, 1, body.length);
            return out;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
