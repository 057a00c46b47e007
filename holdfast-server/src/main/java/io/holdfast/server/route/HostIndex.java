package io.holdfast.server.route;

import java.util.Map;

/**
 * A read-only map from route domain to a value that can be queried with a raw {@code Host} header
 * value ({@code Example.COM:8080}, {@code [::1]:443}) without allocating: the port and IPv6
 * brackets are skipped and letters compared case-insensitively (RFC 9110 §4.2.3: the host is
 * case-insensitive) in place, instead of building a lowered substring per request. Open
 * addressing with linear probing; the table is built once per routes load and never changes.
 */
final class HostIndex<V> {

    private final String[] keys;
    private final Object[] values;
    private final int mask;

    /** @param entries keys already passed through {@link #normalize(String)} */
    HostIndex(Map<String, V> entries) {
        int capacity = Integer.highestOneBit(Math.max(2, entries.size() * 2 - 1)) << 1;
        keys = new String[capacity];
        values = new Object[capacity];
        mask = capacity - 1;
        for (Map.Entry<String, V> e : entries.entrySet()) {
            String key = e.getKey();
            int slot = hash(key, 0, key.length()) & mask;
            while (keys[slot] != null) {
                slot = (slot + 1) & mask;
            }
            keys[slot] = key;
            values[slot] = e.getValue();
        }
    }

    /**
     * The canonical form of a route domain: letters lowered the same way {@link #get} lowers the
     * request Host, and {@code [v6]} brackets removed, so {@code [::1]} and {@code ::1} are one.
     */
    static String normalize(String domain) {
        int begin = 0;
        int end = domain.length();
        if (end >= 2 && domain.charAt(0) == '[' && domain.charAt(end - 1) == ']') {
            begin = 1;
            end--;
        }
        StringBuilder sb = new StringBuilder(end - begin);
        for (int i = begin; i < end; i++) {
            sb.append(lower(domain.charAt(i)));
        }
        return sb.toString();
    }

    /** The value for the host part of a Host header value, or null. */
    @SuppressWarnings("unchecked")
    V get(String hostHeader) {
        if (hostHeader == null || hostHeader.isEmpty()) {
            return null;
        }
        int begin = 0;
        int end = hostHeader.length();
        if (hostHeader.charAt(0) == '[') {
            // "[v6]" or "[v6]:port" (RFC 3986 §3.2.2)
            int close = hostHeader.indexOf(']');
            begin = 1;
            end = close < 0 ? end : close;
        } else {
            int colon = hostHeader.indexOf(':');
            // exactly one colon: host:port; more than one would be a bare IPv6 address
            if (colon >= 0 && hostHeader.indexOf(':', colon + 1) < 0) {
                end = colon;
            }
        }
        int slot = hash(hostHeader, begin, end) & mask;
        while (keys[slot] != null) {
            if (sameHost(keys[slot], hostHeader, begin, end)) {
                return (V) values[slot];
            }
            slot = (slot + 1) & mask;
        }
        return null;
    }

    private static boolean sameHost(String key, String host, int begin, int end) {
        if (key.length() != end - begin) {
            return false;
        }
        for (int i = 0; i < key.length(); i++) {
            if (key.charAt(i) != lower(host.charAt(begin + i))) {
                return false;
            }
        }
        return true;
    }

    private static int hash(String s, int begin, int end) {
        int h = 0;
        for (int i = begin; i < end; i++) {
            h = 31 * h + lower(s.charAt(i));
        }
        return h ^ (h >>> 16);
    }

    private static char lower(char c) {
        if (c < 0x80) {
            return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
        }
        return Character.toLowerCase(c);
    }
}
