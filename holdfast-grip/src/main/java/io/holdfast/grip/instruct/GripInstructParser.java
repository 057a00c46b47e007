package io.holdfast.grip.instruct;

import io.holdfast.grip.GripHeaders;
import io.holdfast.grip.GripLimits;
import io.holdfast.grip.json.GripJson;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads an origin's GRIP instructions from its response headers and, for
 * {@code Content-Type: application/grip-instruct}, its JSON body.
 *
 * <p>This is the proxy's side of spec 1.2-1.4. Header names are matched case-insensitively; header
 * values are the decoded text of the header. {@code Grip-Channel}, {@code Grip-Set-Meta},
 * {@code Grip-Link} and {@code Grip-Expose-Headers} may be repeated and/or comma-separated;
 * {@code Grip-Hold}, {@code Grip-Timeout}, {@code Grip-Keep-Alive} and {@code Grip-Status} are
 * single-valued and, as in Pushpin, only their first occurrence counts (a keep-alive's data may thus
 * contain commas). Every error is a {@link GripInstructException} naming the header or JSON field;
 * the server answers those with 502.
 *
 * <p>Pushpin reads header bytes as UTF-8. A server whose HTTP codec decodes header bytes as
 * ISO-8859-1 should re-decode non-ASCII values before calling in, or channel names will differ.
 */
public final class GripInstructParser {

    private static final Pattern INTEGER = Pattern.compile("[+-]?[0-9]+");

    private GripInstructParser() {
    }

    /**
     * Whether a response is GRIP-instructed: any header name starts with {@code Grip-}
     * (case-insensitive), or the Content-Type, ignoring parameters, is {@code application/grip-instruct}
     * (spec 1.2).
     */
    public static boolean isGripResponse(Iterable<Map.Entry<String, String>> headers) {
        for (Map.Entry<String, String> h : headers) {
            if (GripHeaders.isGripHeader(h.getKey()) || isInstructType(h)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the (first) Content-Type is {@code application/grip-instruct}, ignoring parameters. */
    public static boolean isInstructContentType(Iterable<Map.Entry<String, String>> headers) {
        for (Map.Entry<String, String> h : headers) {
            if (GripHeaders.CONTENT_TYPE.equalsIgnoreCase(h.getKey())) {
                return isInstructType(h);
            }
        }
        return false;
    }

    private static boolean isInstructType(Map.Entry<String, String> h) {
        if (!GripHeaders.CONTENT_TYPE.equalsIgnoreCase(h.getKey()) || h.getValue() == null) {
            return false;
        }
        String v = h.getValue();
        int semi = v.indexOf(';');
        String type = (semi < 0 ? v : v.substring(0, semi)).strip();
        return type.equalsIgnoreCase(GripHeaders.INSTRUCT_MEDIA_TYPE);
    }

    /**
     * Parses a whole origin response: the headers, then (if the Content-Type says so) the JSON body
     * merged over them.
     *
     * @param statusCode the origin's status; a JSON instruct requires 200 (spec 1.4)
     * @param body       the buffered body; may be null when not a JSON instruct
     */
    public static GripInstruct fromResponse(int statusCode, Iterable<Map.Entry<String, String>> headers,
                                            byte[] body) throws GripInstructException {
        GripInstruct fromHeaders = fromHeaders(headers);
        if (!isInstructContentType(headers)) {
            return fromHeaders;
        }
        if (statusCode != 200) {
            throw new GripInstructException(GripHeaders.CONTENT_TYPE,
                    "response code for application/grip-instruct content must be 200, not " + statusCode);
        }
        return fromJson(body, fromHeaders);
    }

    /**
     * Parses the {@code Grip-*} headers of spec 1.3. Other headers are ignored.
     *
     * @throws GripInstructException naming the header at fault
     */
    public static GripInstruct fromHeaders(Iterable<Map.Entry<String, String>> headers)
            throws GripInstructException {
        String hold = null;
        String timeout = null;
        String keepAlive = null;
        String status = null;
        List<String> channels = new ArrayList<>();
        List<String> setMeta = new ArrayList<>();
        List<String> links = new ArrayList<>();
        List<String> expose = new ArrayList<>();
        boolean sawExpose = false;
        for (Map.Entry<String, String> h : headers) {
            String name = h.getKey();
            if (!GripHeaders.isGripHeader(name)) {
                continue;
            }
            String value = h.getValue() == null ? "" : h.getValue();
            if (name.equalsIgnoreCase(GripHeaders.HOLD)) {
                hold = hold == null ? value : hold;
            } else if (name.equalsIgnoreCase(GripHeaders.TIMEOUT)) {
                timeout = timeout == null ? value : timeout;
            } else if (name.equalsIgnoreCase(GripHeaders.KEEP_ALIVE)) {
                keepAlive = keepAlive == null ? value : keepAlive;
            } else if (name.equalsIgnoreCase(GripHeaders.STATUS)) {
                status = status == null ? value : status;
            } else if (name.equalsIgnoreCase(GripHeaders.CHANNEL)) {
                channels.add(value);
            } else if (name.equalsIgnoreCase(GripHeaders.SET_META)) {
                setMeta.add(value);
            } else if (name.equalsIgnoreCase(GripHeaders.LINK)) {
                links.add(value);
            } else if (name.equalsIgnoreCase(GripHeaders.EXPOSE_HEADERS)) {
                expose.add(value);
                sawExpose = true;
            }
        }

        GripInstruct.Builder b = GripInstruct.builder();
        if (hold != null) {
            String mode = hold.strip();
            b.hold(HoldMode.fromWireName(mode).orElseThrow(() -> new GripInstructException(GripHeaders.HOLD,
                    "\"" + mode + "\" is not response or stream")));
        }
        for (String value : channels) {
            for (String element : HeaderValues.split(GripHeaders.CHANNEL, value)) {
                b.channel(channel(element));
            }
        }
        if (timeout != null) {
            b.timeoutSeconds(nonNegativeInt(GripHeaders.TIMEOUT, timeout.strip()));
        }
        if (keepAlive != null) {
            b.keepAlive(keepAlive(keepAlive));
        }
        for (String value : setMeta) {
            for (String element : HeaderValues.split(GripHeaders.SET_META, value)) {
                HeaderValues.Element e = HeaderValues.parse(GripHeaders.SET_META, element, true);
                if (e.params().isEmpty() || e.params().get(0).name().isEmpty()) {
                    throw new GripInstructException(GripHeaders.SET_META,
                            "\"" + element + "\" is not of the form key=\"value\"");
                }
                HeaderValues.Param p = e.params().get(0);
                String metaValue = p.value() == null ? "" : p.value();
                checkMeta(GripHeaders.SET_META, p.name(), metaValue);
                b.meta(p.name(), metaValue); // later keys overwrite earlier ones
            }
        }
        if (status != null && !status.isBlank()) {
            status(b, status.strip());
        }
        if (sawExpose) {
            List<String> names = new ArrayList<>();
            for (String value : expose) {
                for (String n : value.split(",")) {
                    if (!n.isBlank()) {
                        names.add(n.strip());
                    }
                }
            }
            // An empty list would mean "expose nothing"; Pushpin treats it as no whitelist at all.
            if (!names.isEmpty()) {
                b.exposeHeaders(names);
            }
        }
        for (String value : links) {
            for (String element : HeaderValues.split(GripHeaders.LINK, value)) {
                link(b, element);
            }
        }
        return b.build();
    }

    /**
     * Parses an {@code application/grip-instruct} body (spec 1.4) and merges it over the instruct
     * parsed from the same response's headers: {@code hold.mode} replaces the header hold (default
     * {@code response} when {@code hold} is present), JSON channels are added after header channels,
     * {@code timeout} and {@code keep-alive} replace, {@code meta} keys overwrite, and
     * {@code response.code} overrides {@code Grip-Status}. Links and expose-headers come from the
     * headers only. The result always has a {@link GripInstruct#response()}.
     *
     * @param headerInstruct the result of {@link #fromHeaders}, or null for none
     * @throws GripInstructException naming the JSON field at fault
     */
    public static GripInstruct fromJson(byte[] body, GripInstruct headerInstruct) throws GripInstructException {
        return InstructJsonReader.read(body, headerInstruct == null ? GripInstruct.EMPTY : headerInstruct);
    }

    private static ChannelSpec channel(String element) {
        HeaderValues.Element e = HeaderValues.parse(GripHeaders.CHANNEL, element, false);
        if (e.value().isEmpty()) {
            throw new GripInstructException(GripHeaders.CHANNEL, "empty channel name in \"" + element + "\"");
        }
        String problem = GripLimits.channelProblem(e.value());
        if (problem != null) {
            throw new GripInstructException(GripHeaders.CHANNEL, problem);
        }
        List<String> filters = e.paramValues("filter");
        if (filters.size() > ChannelSpec.MAX_FILTERS) {
            throw new GripInstructException(GripHeaders.CHANNEL, "channel \"" + e.value() + "\" has "
                    + filters.size() + " filters (max " + ChannelSpec.MAX_FILTERS + ")");
        }
        return new ChannelSpec(e.value(), e.param("prev-id"), filters);
    }

    private static KeepAlive keepAlive(String value) {
        String header = GripHeaders.KEEP_ALIVE;
        HeaderValues.Element e = HeaderValues.parse(header, value, false);
        if (e.value().isEmpty()) {
            throw new GripInstructException(header, "empty value (expected: <data>[; format=...])");
        }
        String format = e.param("format");
        byte[] data;
        if (format == null || format.isEmpty() || format.equals("raw")) {
            data = e.value().getBytes(StandardCharsets.UTF_8);
        } else if (format.equals("cstring")) {
            data = CStrings.unescape(e.value());
        } else if (format.equals("base64")) {
            data = GripJson.decodeBase64(e.value());
            if (data == null) {
                throw new GripInstructException(header, "\"" + e.value() + "\" is not valid base64");
            }
        } else {
            throw new GripInstructException(header, "unknown format \"" + format
                    + "\" (expected raw, cstring or base64)");
        }
        String mode = e.param("mode");
        KeepAliveMode m = KeepAliveMode.IDLE;
        if (mode != null && !mode.isEmpty()) {
            m = KeepAliveMode.fromWireName(mode).orElseThrow(() -> new GripInstructException(header,
                    "unknown mode \"" + mode + "\" (expected idle or interval)"));
        }
        String t = e.param("timeout");
        int timeout = t == null ? KeepAlive.DEFAULT_TIMEOUT_SECONDS : nonNegativeInt(header + " timeout", t);
        return new KeepAlive(data, timeout, m);
    }

    private static void status(GripInstruct.Builder b, String value) {
        int space = value.indexOf(' ');
        String codeText = space < 0 ? value : value.substring(0, space);
        String reason = space < 0 ? null : value.substring(space + 1).strip();
        int code;
        if (!INTEGER.matcher(codeText).matches() || codeText.length() > 4) {
            throw new GripInstructException(GripHeaders.STATUS, "\"" + codeText + "\" is not a valid status code "
                    + "(expected: 0-999)");
        }
        code = Integer.parseInt(codeText);
        if (code < 0 || code > 999) {
            throw new GripInstructException(GripHeaders.STATUS, "\"" + codeText + "\" is not a valid status code "
                    + "(expected: 0-999)");
        }
        String problem = GripLimits.reasonPhraseProblem(reason);
        if (problem != null) {
            throw new GripInstructException(GripHeaders.STATUS, problem);
        }
        b.status(code, reason);
    }

    /** Meta travels to the origin as {@code Meta-<name>} headers (WebSocket-over-HTTP): the rules of any header. */
    private static void checkMeta(String header, String name, String value) {
        String problem = GripLimits.headerNameProblem(name);
        if (problem == null) {
            problem = GripLimits.headerValueProblem(value);
        }
        if (problem != null) {
            throw new GripInstructException(header, "meta " + problem);
        }
    }

    private static void link(GripInstruct.Builder b, String element) {
        String header = GripHeaders.LINK;
        HeaderValues.Element e = HeaderValues.parse(header, element, false);
        if (e.params().isEmpty()) {
            return; // no rel: nothing to act on (Pushpin skips these too)
        }
        String target = e.value();
        if (target.length() <= 2 || target.charAt(0) != '<' || target.charAt(target.length() - 1) != '>') {
            throw new GripInstructException(header, "\"" + target + "\" is not of the form <uri>");
        }
        String uri = target.substring(1, target.length() - 1).strip();
        if (uri.isEmpty() || uri.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
            throw new GripInstructException(header, "invalid URI \"" + uri + "\"");
        }
        String rel = e.param("rel");
        if ("next".equals(rel)) {
            String t = e.param("timeout");
            int timeout = t == null ? GripLink.DEFAULT_TIMEOUT_SECONDS : nonNegativeInt(header + " timeout", t);
            b.nextLink(new GripLink(uri, timeout)); // a later next link replaces an earlier one
        } else if ("gone".equals(rel)) {
            b.goneLink(uri);
        }
        // Any other rel is ignored (spec 1.3).
    }

    private static int nonNegativeInt(String field, String text) {
        if (!INTEGER.matcher(text).matches()) {
            throw new GripInstructException(field, "\"" + text + "\" is not a number");
        }
        int value;
        try {
            value = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new GripInstructException(field, "\"" + text + "\" is out of range");
        }
        if (value < 0) {
            throw new GripInstructException(field, "\"" + text + "\" is negative");
        }
        return value;
    }
}
