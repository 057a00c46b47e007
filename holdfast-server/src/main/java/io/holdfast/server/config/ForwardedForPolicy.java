package io.holdfast.server.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Pushpin's {@code x_forwarded_for} setting: a comma list of {@code truncate:N} (keep only the last
 * N existing values) and {@code append} (add the client address). Empty means "leave the header as
 * the client sent it".
 */
public record ForwardedForPolicy(int truncate, boolean append) {

    public static final ForwardedForPolicy UNCHANGED = new ForwardedForPolicy(-1, false);

    public static ForwardedForPolicy parse(String value) {
        int truncate = -1;
        boolean append = false;
        for (String part : value.split(",")) {
            String p = part.strip();
            if (p.isEmpty()) {
                continue;
            }
            if (p.equals("append")) {
                append = true;
            } else if (p.startsWith("truncate:")) {
                try {
                    truncate = Integer.parseInt(p.substring("truncate:".length()));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("bad truncate count: " + p);
                }
                if (truncate < 0) {
                    throw new IllegalArgumentException("truncate: " + truncate + " (expected: >= 0)");
                }
            } else {
                throw new IllegalArgumentException("unknown x_forwarded_for item: " + p
                        + " (expected: truncate:N, append)");
            }
        }
        return new ForwardedForPolicy(truncate, append);
    }

    /** Applies the policy to the existing header values (already split on commas). */
    public List<String> apply(List<String> existing, String clientAddress) {
        List<String> out = new ArrayList<>(existing);
        if (truncate >= 0 && out.size() > truncate) {
            out = new ArrayList<>(out.subList(out.size() - truncate, out.size()));
        }
        if (append) {
            out.add(clientAddress);
        }
        return out;
    }

    public boolean isUnchanged() {
        return truncate < 0 && !append;
    }
}
