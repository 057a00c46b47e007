package io.holdfast.server.proxy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.holdfast.server.route.Route;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.QueryStringEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * JSON-P (spec 5.4), for browsers that can only load scripts: a GET carrying a callback parameter is
 * turned into the request it describes ({@code _method}, {@code _headers}, {@code _body} or the
 * route's {@code jsonp_body} parameter), and its answer, held or not, comes back as
 * {@code 200 application/javascript} calling the callback: with code, reason, headers and body
 * (extended mode, the default) or with the body alone (basic mode). Active where auto cross-origin is.
 */
public final class Jsonp {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> CONSUMED = Set.of("_method", "_headers", "_body");

    private final String callback;
    private final boolean extended;
    private final byte[] body;

    private Jsonp(String callback, boolean extended, byte[] body) {
        this.callback = callback;
        this.extended = extended;
        this.body = body;
    }

    /** The request's JSON-P parameters, or null when it is not a JSON-P request. */
    public static Jsonp detect(HttpRequest request, String pathAndQuery, Route route) {
        if (!request.method().equals(HttpMethod.GET)) {
            return null;
        }
        Map<String, List<String>> params = new QueryStringDecoder(pathAndQuery).parameters();
        String callback = first(params, route.jsonpCallback().orElse("callback"));
        String bodyParam = route.jsonpBody().orElse(null);
        if (callback == null && route.jsonpDefaultCallback().isPresent() && bodyParam != null
                && params.containsKey(bodyParam)) {
            callback = route.jsonpDefaultCallback().get();
        }
        if (callback != null && callback.isEmpty()) {
            // Pushpin refuses an empty callback rather than proxying the request as a plain GET.
            return new Jsonp(null, true, null);
        }
        if (callback == null || !callback.matches("[A-Za-z_$][A-Za-z0-9_$.]*")) {
            return null;
        }
        boolean extended = !"basic".equalsIgnoreCase(route.jsonpMode().orElse("extended"));
        String body = bodyParam != null && params.containsKey(bodyParam) ? first(params, bodyParam) : first(params, "_body");
        return new Jsonp(callback, extended, body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The request the JSON-P parameters describe, with those parameters removed from its URI.
     *
     * @throws BadRequest when the parameters cannot describe a request (an empty callback, malformed
     *                    {@code _headers}): the client gets {@code 400} and the origin sees nothing
     */
    public HttpRequest originRequest(HttpRequest request, String pathAndQuery, Route route) throws BadRequest {
        if (callback == null) {
            throw new BadRequest("Invalid callback parameter.");
        }
        try {
            return describedRequest(request, pathAndQuery, route);
        } catch (JsonProcessingException e) {
            throw new BadRequest("Malformed _headers JSON in JSON-P request.");
        }
    }

    /** A JSON-P request that cannot be served; the message is the {@code 400} body. */
    public static final class BadRequest extends Exception {
        private static final long serialVersionUID = 1L;

        BadRequest(String message) {
            super(message, null, false, false);
        }
    }

    private HttpRequest describedRequest(HttpRequest request, String pathAndQuery, Route route)
            throws JsonProcessingException {
        QueryStringDecoder query = new QueryStringDecoder(pathAndQuery);
        Map<String, List<String>> params = query.parameters();
        String callbackParam = route.jsonpCallback().orElse("callback");
        String bodyParam = route.jsonpBody().orElse(null);
        QueryStringEncoder uri = new QueryStringEncoder(query.rawPath());
        for (Map.Entry<String, List<String>> p : params.entrySet()) {
            String name = p.getKey();
            if (!name.equals(callbackParam) && !name.equals(bodyParam) && !CONSUMED.contains(name)) {
                p.getValue().forEach(v -> uri.addParam(name, v));
            }
        }
        String method = first(params, "_method");
        if (method == null) {
            method = route.jsonpDefaultMethod().orElse(extended ? "GET" : "POST");
        }
        HttpHeaders headers = request.headers().copy();
        String extraHeaders = first(params, "_headers");
        if (extraHeaders != null) {
            JsonNode node = JSON.readTree(extraHeaders);
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> h = it.next();
                headers.set(h.getKey(), h.getValue().asText());
            }
        }
        if (body != null) {
            headers.setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
            if (bodyParam != null && params.containsKey(bodyParam)) {
                headers.set(HttpHeaderNames.CONTENT_TYPE, "application/json");
            }
        }
        return new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(method.toUpperCase(java.util.Locale.ROOT)),
                uri.toString(), headers);
    }

    /** The body the request carries to the origin (from {@code _body} or {@code jsonp_body}), or null. */
    public byte[] body() {
        return body;
    }

    /** Wraps a complete response as a script calling the callback. Takes ownership of {@code response}. */
    public FullHttpResponse wrap(FullHttpResponse response) {
        String bodyText = response.content().toString(StandardCharsets.UTF_8);
        String argument;
        if (extended) {
            ObjectNode o = JSON.createObjectNode();
            o.put("code", response.status().code());
            o.put("reason", response.status().reasonPhrase());
            ObjectNode headers = o.putObject("headers");
            for (Map.Entry<String, String> h : response.headers()) {
                String lower = h.getKey().toLowerCase(java.util.Locale.ROOT);
                if (!lower.equals("content-length") && !lower.equals("transfer-encoding") && !lower.equals("connection")) {
                    headers.put(h.getKey(), h.getValue());
                }
            }
            o.put("body", bodyText);
            argument = o.toString();
        } else {
            argument = bodyText.endsWith("\n") ? bodyText.substring(0, bodyText.length() - 1) : bodyText;
        }
        response.release();
        byte[] script = ("/**/" + callback + "(" + argument + ");\n").getBytes(StandardCharsets.UTF_8);
        FullHttpResponse out = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.wrappedBuffer(script));
        out.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/javascript");
        out.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, script.length);
        return out;
    }

    private static String first(Map<String, List<String>> params, String name) {
        List<String> values = params.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
