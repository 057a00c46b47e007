package io.holdfast.server.hold;

import io.holdfast.grip.GripProtocolException;
import io.holdfast.grip.HttpReasons;
import io.holdfast.grip.instruct.GripInstruct;
import io.holdfast.grip.instruct.GripInstructParser;
import io.holdfast.grip.instruct.HoldMode;
import io.holdfast.grip.instruct.InstructResponse;
import io.holdfast.server.proxy.ClientConnection;
import io.holdfast.server.proxy.Exchange;
import io.holdfast.server.proxy.GripHandoff;
import io.holdfast.server.proxy.RequestBodyCopy;
import io.holdfast.server.proxy.RequestContext;
import io.holdfast.server.pubsub.PubSub;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Acts on a GRIP-instructed origin response (spec 1.2-1.5): parses the {@code Grip-*} headers and, for
 * {@code application/grip-instruct}, the JSON body; builds the response the client will eventually
 * see (origin headers minus GRIP ones, {@code Grip-Status} and {@code Grip-Expose-Headers} applied);
 * then holds the request as a long-poll or stream, or relays it when there is no hold. Malformed
 * instructions become a 502 that names the header or field.
 */
public final class GripHoldHandoff implements GripHandoff {
    private static final Logger LOG = LoggerFactory.getLogger(GripHoldHandoff.class);
    private static final String INSTRUCT_TYPE = "application/grip-instruct";
    /**
     * Channels one GRIP response may name before it is refused with 502: 50 times the default
     * subscription limit (or that limit, if configured higher).
     */
    static final int MAX_CHANNELS = 1000;

    private final PubSub pubsub;

    public GripHoldHandoff(PubSub pubsub) {
        this.pubsub = pubsub;
    }

    @Override
    public Exchange accept(ClientConnection connection, RequestContext request, HttpResponse response, ByteBuf body,
                           RequestBodyCopy requestBody) {
        HeldResponse held;
        GripInstruct instruct;
        try {
            instruct = GripInstructParser.fromHeaders(utf8Headers(response));
            if (isInstructJson(response)) {
                if (response.status().code() != 200) {
                    throw new BadInstruct("application/grip-instruct response must have status 200, got "
                            + response.status().code());
                }
                instruct = GripInstructParser.fromJson(ByteBufUtil.getBytes(body), instruct);
                checkChannelCount(instruct, connection);
                body.release();
                held = fromJson(instruct);
            } else {
                checkChannelCount(instruct, connection);
                held = fromHeaders(response, instruct, body);
            }
            if (instruct.hold().isPresent() && instruct.channels().isEmpty()) {
                held.release();
                throw new BadInstruct("Grip-Hold: " + instruct.hold().get().wireName() + " without any channel");
            }
        } catch (GripProtocolException | BadInstruct e) {
            rejectInstructions(connection, request, body, e.getMessage());
            return null;
        } catch (RuntimeException e) {
            // Anything else the instructions make Netty refuse (a status reason or response header
            // from the JSON that is not valid HTTP): the same 502, never a client left waiting.
            LOG.debug("conn={} invalid GRIP instructions", request.connectionId(), e);
            rejectInstructions(connection, request, body, String.valueOf(e.getMessage()));
            return null;
        }
        warnDroppedChannels(connection, request, instruct);
        if (instruct.hold().isEmpty() && instruct.nextLink().isEmpty()) {
            relay(connection, request, held);
            return null;
        }
        if (instruct.hold().isPresent() && requestBody.overLimit()) {
            // Spec 1.1: a hold must be able to send the request again, so its body is kept; Pushpin
            // keeps up to 100,000 bytes and refuses to hold a larger request.
            held.release();
            LOG.info("conn={} request body over {} bytes cannot be held ({} {})", request.connectionId(),
                    RequestBodyCopy.MAX_BYTES, request.request().method(), request.pathAndQuery());
            connection.respondText(HttpResponseStatus.BAD_REQUEST, "Request too large to accept GRIP instruct.",
                    request.keepAlive());
            return null;
        }
        if (instruct.hold().isEmpty()) {
            // "GRIP Next" without a hold (spec 1.5.3): stream this body, then continue at the next link.
            StreamHold next = new StreamHold(connection, request, pubsub, instruct, held, null);
            next.start();
            return next;
        }
        if (instruct.hold().get() == HoldMode.RESPONSE) {
            ResponseHold hold = new ResponseHold(connection, request, pubsub, instruct, held, instruct.timeoutSeconds(),
                    requestBody.bytes());
            hold.start();
            return hold;
        }
        StreamHold hold = new StreamHold(connection, request, pubsub, instruct, held, instruct.keepAlive().orElse(null));
        hold.start();
        return hold;
    }

    /** Answers 502 naming the fault, logs it once, and releases the buffered body if still held. */
    private static void rejectInstructions(ClientConnection connection, RequestContext request, ByteBuf body,
                                           String problem) {
        if (body.refCnt() > 0) {
            body.release();
        }
        String printable = printable(problem);
        LOG.warn("conn={} {} origin sent invalid GRIP instructions for {} {}: {}", request.connectionId(),
                connection.remoteAddress(), request.request().method(), request.pathAndQuery(), printable);
        connection.respondText(HttpResponseStatus.BAD_GATEWAY,
                "Invalid GRIP instructions from origin: " + printable, request.keepAlive());
    }

    /**
     * More channels than anyone subscribes on purpose is an origin bug (a loop appending headers):
     * refused outright rather than parsed into thousands of subscriptions that would be dropped anyway.
     */
    private static void checkChannelCount(GripInstruct instruct, ClientConnection connection) throws BadInstruct {
        int count = instruct.channels().size();
        int ceiling = Math.max(MAX_CHANNELS, connection.services().config().connectionSubscriptionMax());
        if (count > ceiling) {
            throw new BadInstruct("Grip-Channel: " + count + " channels named (at most " + ceiling
                    + " are accepted, and " + "connection_subscription_max of them are subscribed)");
        }
    }

    /** Pushpin drops channels beyond {@code connection_subscription_max} silently; we keep that, with a log line. */
    private static void warnDroppedChannels(ClientConnection connection, RequestContext request, GripInstruct instruct) {
        int max = connection.services().config().connectionSubscriptionMax();
        int count = instruct.channels().size();
        if (count > max) {
            LOG.warn("conn={} {} origin named {} channels for {} {}; only the first {} are subscribed "
                            + "(connection_subscription_max)", request.connectionId(), connection.remoteAddress(), count,
                    request.request().method(), request.pathAndQuery(), max);
        }
    }

    /** Control characters in a message from the origin would forge log lines or break the text body. */
    static String printable(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                if (out == null) {
                    out = new StringBuilder(text.length() + 8).append(text, 0, i);
                }
                out.append(String.format("\\x%02x", (int) c));
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? text : out.toString();
    }

    @Override
    public StreamStart startStream(ClientConnection connection, RequestContext request, HttpResponse response,
                                   RequestBodyCopy requestBody) {
        if (isInstructJson(response) || requestBody.overLimit()) {
            return null;
        }
        GripInstruct instruct;
        try {
            instruct = GripInstructParser.fromHeaders(utf8Headers(response));
            checkChannelCount(instruct, connection);
        } catch (RuntimeException | BadInstruct e) {
            return null; // buffered instead, then answered 502 naming the header by accept()
        }
        boolean stream = instruct.hold().orElse(null) == HoldMode.STREAM && !instruct.channels().isEmpty();
        boolean nextWithoutHold = instruct.hold().isEmpty() && instruct.nextLink().isPresent();
        if (!stream && !nextWithoutHold) {
            return null;
        }
        HeldResponse held;
        try {
            held = fromHeaders(response, instruct, Unpooled.EMPTY_BUFFER);
        } catch (RuntimeException e) {
            return null; // the same: accept() answers 502
        }
        warnDroppedChannels(connection, request, instruct);
        StreamHold hold = new StreamHold(connection, request, pubsub, instruct, held, instruct.keepAlive().orElse(null));
        hold.open();
        return hold;
    }

    /**
     * Netty decodes header bytes one byte per char; GRIP values are UTF-8 (a channel named in the
     * header must match the same name in a JSON publish), so non-ASCII values are re-decoded.
     */
    static List<Map.Entry<String, String>> utf8Headers(HttpResponse response) {
        List<Map.Entry<String, String>> out = new ArrayList<>(response.headers().size());
        for (Map.Entry<String, String> h : response.headers()) {
            String v = h.getValue();
            boolean ascii = v.chars().allMatch(c -> c < 0x80);
            out.add(ascii ? h : Map.entry(h.getKey(),
                    new String(v.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8)));
        }
        return out;
    }

    private static boolean isInstructJson(HttpResponse response) {
        String type = response.headers().get(HttpHeaderNames.CONTENT_TYPE);
        if (type == null) {
            return false;
        }
        int semi = type.indexOf(';');
        return (semi < 0 ? type : type.substring(0, semi)).strip().equalsIgnoreCase(INSTRUCT_TYPE);
    }

    private static HeldResponse fromHeaders(HttpResponse response, GripInstruct instruct, ByteBuf body) {
        HttpHeaders headers = new DefaultHttpHeaders();
        for (Map.Entry<String, String> h : response.headers()) {
            String lower = h.getKey().toLowerCase(Locale.ROOT);
            if (!lower.startsWith("grip-") && !HOP_BY_HOP.contains(lower)) {
                headers.add(h.getKey(), h.getValue());
            }
        }
        HttpResponseStatus status = response.status();
        if (instruct.statusCode().isPresent()) {
            int code = instruct.statusCode().getAsInt();
            status = new HttpResponseStatus(code, instruct.statusReason().orElse(HttpReasons.phrase(code)));
        }
        List<String> expose = instruct.exposeHeaders().orElse(null);
        HeldResponse.applyWhitelist(headers, expose);
        return new HeldResponse(status, headers, body, expose);
    }

    private static HeldResponse fromJson(GripInstruct instruct) {
        InstructResponse r = instruct.response().orElse(InstructResponse.EMPTY);
        int code = r.code() != null ? r.code() : instruct.statusCode().orElse(200);
        String reason = r.reason() != null ? r.reason()
                : r.code() == null && instruct.statusReason().isPresent() ? instruct.statusReason().get()
                : HttpReasons.phrase(code);
        HttpHeaders headers = new DefaultHttpHeaders();
        for (Map.Entry<String, String> h : r.headers()) {
            if (!h.getKey().toLowerCase(Locale.ROOT).startsWith("grip-")) {
                headers.add(h.getKey(), h.getValue());
            }
        }
        headers.remove(HttpHeaderNames.CONTENT_LENGTH);
        List<String> expose = instruct.exposeHeaders().orElse(null);
        HeldResponse.applyWhitelist(headers, expose);
        ByteBuf body = r.body() == null ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(r.body());
        return new HeldResponse(new HttpResponseStatus(code, reason), headers, body, expose);
    }

    /** "No hold" (spec 1.3): the response goes to the client as is, minus GRIP headers. */
    private static void relay(ClientConnection connection, RequestContext request, HeldResponse held) {
        var response = held.toFullResponse();
        held.release();
        if (request.jsonp() != null) {
            response = request.jsonp().wrap(response);
        }
        int bytes = response.content().readableBytes();
        if (HttpUtil.isContentLengthSet(response) && request.request().method().name().equals("HEAD")) {
            response.content().clear();
        }
        connection.prepareResponseHead(response, request.keepAlive());
        boolean keepAlive = !ClientConnection.closesAfter(response);
        connection.write(response);
        connection.flush();
        connection.completeExchange(response.status().code(), bytes, keepAlive, "grip no-hold");
    }

    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection", "te",
            "trailer", "transfer-encoding", "upgrade", "content-length");

    /** An instruct problem found here rather than by the parser. */
    private static final class BadInstruct extends Exception {
        private static final long serialVersionUID = 1L;

        BadInstruct(String message) {
            super(message);
        }
    }
}
