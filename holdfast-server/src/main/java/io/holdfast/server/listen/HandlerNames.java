package io.holdfast.server.listen;

/** Names of client pipeline handlers, so protocol switches can find and replace them. */
public final class HandlerNames {
    public static final String TLS = "tls";
    public static final String HTTP_CODEC = "http";
    public static final String CLIENT = "client";

    private HandlerNames() {}
}
