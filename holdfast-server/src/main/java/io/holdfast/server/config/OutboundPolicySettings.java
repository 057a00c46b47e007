package io.holdfast.server.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The outbound network policy for requests Holdfast makes to places it was not told to trust: route
 * targets marked {@code untrusted}, and absolute {@code Grip-Link} URLs (next and gone) that point
 * away from the client's own host. Names follow zurl's config ({@code defpolicy}, {@code allow},
 * {@code deny}), read from the {@code [holdfast]} section; like Pushpin's connection manager
 * ({@code --deny-out-internal}) loopback, private, link-local and multicast addresses are always
 * refused for such requests unless {@code allow} names them.
 *
 * @param defaultAllow what happens to an address no list names and that is not internal
 *                     ({@code defpolicy=allow|deny}; default allow, as zurl)
 * @param allow        host patterns or CIDR ranges always allowed ({@code allow}); checked first
 * @param deny         host patterns or CIDR ranges refused ({@code deny})
 */
public record OutboundPolicySettings(boolean defaultAllow, List<String> allow, List<String> deny) {
    public static final boolean DEFAULT_ALLOW = true;
    public static final OutboundPolicySettings DEFAULT = new OutboundPolicySettings(DEFAULT_ALLOW, List.of(), List.of());

    public OutboundPolicySettings {
        allow = List.copyOf(allow);
        deny = List.copyOf(deny);
    }

    /** zurl's {@code defpolicy}: {@code allow} or {@code deny}. */
    public static boolean parseDefPolicy(String value) {
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "allow", "" -> true;
            case "deny" -> false;
            default -> throw new IllegalArgumentException(value + " (expected: allow or deny)");
        };
    }

    /** zurl's list syntax: comma-separated patterns ({@code 127.*}, {@code *.local}, {@code 10/8}, {@code ::1/128}). */
    public static List<String> parseList(String value) {
        List<String> out = new ArrayList<>();
        for (String part : value.split(",")) {
            if (!part.isBlank()) {
                out.add(part.strip());
            }
        }
        return out;
    }

    public OutboundPolicySettings withDefaultAllow(boolean v) {
        return new OutboundPolicySettings(v, allow, deny);
    }

    public OutboundPolicySettings withAllow(List<String> v) {
        return new OutboundPolicySettings(defaultAllow, v, deny);
    }

    public OutboundPolicySettings withDeny(List<String> v) {
        return new OutboundPolicySettings(defaultAllow, allow, v);
    }
}
