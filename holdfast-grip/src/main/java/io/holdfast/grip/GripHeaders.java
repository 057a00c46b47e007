package io.holdfast.grip;

/**
 * Names of the GRIP headers and media types, spelled exactly as Pushpin spells them.
 *
 * <p>The server and origins both need these strings; keeping them in one place stops a typo in one
 * of them from silently breaking compatibility. Header names are case-insensitive on the wire
 * (spec 1.3); these constants carry the canonical capitalisation used when writing.
 */
public final class GripHeaders {

    /** Prefix of every GRIP header; any response header starting with it makes a GRIP response (spec 1.2). */
    public static final String PREFIX = "Grip-";

    // Request headers added by the proxy (spec 1.1).
    public static final String SIG = "Grip-Sig";
    public static final String FEATURE = "Grip-Feature";
    public static final String LAST = "Grip-Last";
    public static final String SESSION_ID = "Grip-Session-Id";

    // Response headers from the origin (spec 1.3).
    public static final String HOLD = "Grip-Hold";
    public static final String CHANNEL = "Grip-Channel";
    public static final String TIMEOUT = "Grip-Timeout";
    public static final String KEEP_ALIVE = "Grip-Keep-Alive";
    public static final String SET_META = "Grip-Set-Meta";
    public static final String STATUS = "Grip-Status";
    public static final String LINK = "Grip-Link";
    public static final String EXPOSE_HEADERS = "Grip-Expose-Headers";
    public static final String SESSION_DETECT = "Grip-Session-Detect";

    public static final String CONTENT_TYPE = "Content-Type";

    /** Media type of a JSON instruct body (spec 1.4). */
    public static final String INSTRUCT_MEDIA_TYPE = "application/grip-instruct";

    /** Media type of WebSocket-over-HTTP bodies (spec 2.2). */
    public static final String WEBSOCKET_EVENTS_MEDIA_TYPE = "application/websocket-events";

    private GripHeaders() {
    }

    /** Whether {@code name} starts with {@code Grip-}, ignoring case. */
    public static boolean isGripHeader(String name) {
        return name != null && name.regionMatches(true, 0, PREFIX, 0, PREFIX.length());
    }
}
