package io.holdfast.server.config;

import java.util.Locale;

/**
 * Translates log levels between Pushpin's numbers (0 error .. 4 trace, optionally per service as
 * {@code proxy:3,handler:2}) and Logback's names. One process has one level, so a per-service
 * list resolves to its most verbose entry.
 */
public final class LogLevels {
    private static final String[] NAMES = {"error", "warn", "info", "debug", "trace"};

    private LogLevels() {}

    /** Accepts a Pushpin number, a per-service list, or a level name; returns a Logback level name. */
    public static String fromPushpin(String value) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        if (v.isEmpty()) {
            throw new IllegalArgumentException("empty log level");
        }
        int best = -1;
        for (String part : v.split(",")) {
            String level = part.contains(":") ? part.substring(part.indexOf(':') + 1).strip() : part.strip();
            best = Math.max(best, index(level));
        }
        if (best < 0) { // only separators, e.g. "," (found by PushpinConfFuzzTest)
            throw new IllegalArgumentException("log level \"" + value + "\" (expected: 0-4 or error, warn, info, debug, trace)");
        }
        return NAMES[best];
    }

    private static int index(String level) {
        for (int i = 0; i < NAMES.length; i++) {
            if (NAMES[i].equals(level) || (level.equals("warning") && i == 1)) {
                return i;
            }
        }
        try {
            int n = Integer.parseInt(level);
            return Math.max(0, Math.min(NAMES.length - 1, n));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("log level \"" + level + "\" (expected: 0-4 or error, warn, info, debug, trace)");
        }
    }
}
