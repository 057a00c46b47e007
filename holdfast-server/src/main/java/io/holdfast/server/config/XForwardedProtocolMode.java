package io.holdfast.server.config;

/** Pushpin's {@code set_x_forwarded_protocol}: which of the two forwarded-protocol headers to set. */
public enum XForwardedProtocolMode {
    /** Set both {@code X-Forwarded-Proto} and {@code X-Forwarded-Protocol}. */
    BOTH,
    /** Set {@code X-Forwarded-Proto} only (Pushpin's default). */
    PROTO_ONLY,
    /** Set neither. */
    NONE;

    public static XForwardedProtocolMode parse(String value) {
        return switch (value.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> BOTH;
            case "proto-only" -> PROTO_ONLY;
            case "false", "" -> NONE;
            default -> throw new IllegalArgumentException(
                    "set_x_forwarded_protocol: " + value + " (expected: true, proto-only, false)");
        };
    }
}
