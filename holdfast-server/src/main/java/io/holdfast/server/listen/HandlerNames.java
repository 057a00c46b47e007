package io.holdfast.server.listen;

/** Names of client pipeline handlers, so protocol switches can find and replace them. */
public final class HandlerNames {
    public static final String TLS = "tls";
    public static final String HTTP_CODEC = "http";
    /** Client timeouts, in front of the HTTP codec (it stays when a WebSocket replaces the codec). */
    public static final String TIMEOUTS = "client-timeouts";
    public static final String CLIENT = "client";

    private HandlerNames() {}
}
