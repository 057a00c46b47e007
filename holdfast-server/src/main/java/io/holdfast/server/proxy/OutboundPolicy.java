package io.holdfast.server.proxy;

import io.holdfast.server.config.OutboundPolicySettings;
import io.netty.util.NetUtil;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Holdfast's protection against server-side request forgery: decides whether a request Holdfast makes
 * on someone else's word (an {@code untrusted} target, a {@code Grip-Link} URL pointing away from the
 * client's host) may go to an address. The rules are zurl's ({@code allow} first, then {@code deny},
 * then {@code defpolicy}) with Pushpin's connection manager rule in between: loopback, private
 * (RFC 1918, RFC 6598 shared, IPv6 unique-local), link-local, multicast and unspecified addresses are
 * refused unless {@code allow} names them. The check runs on the resolved address that is then
 * connected to, so a name that resolves differently the second time (DNS rebinding) cannot slip by.
 *
 * <p>Immutable and thread-safe. Patterns: an IP or CIDR range ({@code 10.0.0.0/8}, zurl's short
 * {@code 10/8}, {@code fd00::/8}), or a host name or address glob with {@code *} ({@code *.local},
 * {@code 127.*}), compared case-insensitively with the host as written and with the address.
 */
public final class OutboundPolicy {
    /** The text a refusal's reason starts with (the debug 502 body carries it). */
    public static final String BLOCKED = "host is blocked by the outbound network policy";

    private final boolean defaultAllow;
    private final List<Rule> allow;
    private final List<Rule> deny;

    public OutboundPolicy(OutboundPolicySettings settings) {
        this.defaultAllow = settings.defaultAllow();
        this.allow = parse(settings.allow());
        this.deny = parse(settings.deny());
    }

    /** Null when {@code address} (reached as {@code host}) may be connected to, else why not. */
    public String refusal(String host, InetAddress address) {
        if (matches(allow, host, address)) {
            return null;
        }
        if (matches(deny, host, address)) {
            return BLOCKED + " (" + describe(host, address) + " is denied)";
        }
        if (isInternal(address)) {
            return BLOCKED + " (" + describe(host, address) + " is an internal address)";
        }
        return defaultAllow ? null : BLOCKED + " (" + describe(host, address) + ": defpolicy=deny)";
    }

    private static String describe(String host, InetAddress address) {
        String ip = NetUtil.toAddressString(address);
        return host.equalsIgnoreCase(ip) ? ip : host + " (" + ip + ")";
    }

    /** Loopback, private, shared, link-local, multicast or unspecified: never reached by default. */
    static boolean isInternal(InetAddress a) {
        if (a.isLoopbackAddress() || a.isAnyLocalAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress()
                || a.isMulticastAddress()) {
            return true;
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            return first == 0 || (first == 100 && second >= 64 && second < 128) || first >= 240;
        }
        if (a instanceof Inet6Address) {
            if ((b[0] & 0xfe) == 0xfc) {
                return true; // fc00::/7 unique local
            }
            boolean mapped = true; // ::ffff:a.b.c.d carries an IPv4 address
            for (int i = 0; i < 10; i++) {
                mapped &= b[i] == 0;
            }
            if (mapped && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
                try {
                    return isInternal(InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]}));
                } catch (UnknownHostException e) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean matches(List<Rule> rules, String host, InetAddress address) {
        for (Rule r : rules) {
            if (r.matches(host, address)) {
                return true;
            }
        }
        return false;
    }

    private static List<Rule> parse(List<String> patterns) {
        List<Rule> out = new ArrayList<>(patterns.size());
        for (String p : patterns) {
            out.add(Rule.parse(p));
        }
        return List.copyOf(out);
    }

    /** One allow or deny pattern. */
    private sealed interface Rule {
        boolean matches(String host, InetAddress address);

        static Rule parse(String pattern) {
            String p = pattern.strip().toLowerCase(Locale.ROOT);
            int slash = p.indexOf('/');
            if (slash > 0) {
                String ip = p.substring(0, slash);
                int bits;
                try {
                    bits = Integer.parseInt(p.substring(slash + 1));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("outbound policy: bad prefix length in " + pattern);
                }
                if (!ip.contains(":")) {
                    // zurl's short form: 10/8, 172.16/12
                    String[] parts = ip.split("\\.");
                    StringBuilder full = new StringBuilder(ip);
                    for (int i = parts.length; i < 4; i++) {
                        full.append(".0");
                    }
                    ip = full.toString();
                }
                byte[] net = NetUtil.createByteArrayFromIpAddressString(ip);
                if (net == null || bits < 0 || bits > net.length * 8) {
                    throw new IllegalArgumentException("outbound policy: bad range " + pattern);
                }
                return new Cidr(net, bits);
            }
            return new Glob(p);
        }
    }

    private record Cidr(byte[] network, int bits) implements Rule {
        @Override
        public boolean matches(String host, InetAddress address) {
            byte[] a = address.getAddress();
            if (a.length != network.length) {
                return false;
            }
            int full = bits / 8;
            for (int i = 0; i < full; i++) {
                if (a[i] != network[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (a[full] & mask) == (network[full] & mask);
        }
    }

    private record Glob(String pattern) implements Rule {
        @Override
        public boolean matches(String host, InetAddress address) {
            return glob(pattern, host.toLowerCase(Locale.ROOT)) || glob(pattern, NetUtil.toAddressString(address));
        }

        private static boolean glob(String pattern, String text) {
            if (!pattern.contains("*")) {
                return pattern.equals(text);
            }
            String[] parts = pattern.split("\\*", -1);
            if (!text.startsWith(parts[0])) {
                return false;
            }
            int at = parts[0].length();
            for (int i = 1; i < parts.length - 1; i++) {
                int found = text.indexOf(parts[i], at);
                if (found < 0) {
                    return false;
                }
                at = found + parts[i].length();
            }
            String last = parts[parts.length - 1];
            return text.length() - at >= last.length() && text.endsWith(last);
        }
    }
}
