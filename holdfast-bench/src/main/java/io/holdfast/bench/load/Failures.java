package io.holdfast.bench.load;

import io.netty.channel.ConnectTimeoutException;
import java.net.ConnectException;
import java.util.Locale;

/**
 * Short, countable names for connection failures, so a report says "too many open files x 312"
 * instead of 312 stack traces, and so the limit a run met is named.
 */
public final class Failures {

    public static final String FILE_LIMIT = "too many open files (EMFILE: the open-file limit)";
    public static final String NO_PORTS = "cannot assign requested address (EADDRNOTAVAIL: out of local ports)";

    private Failures() {
    }

    public static String describe(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String msg = String.valueOf(root.getMessage()).toLowerCase(Locale.ROOT);
        if (msg.contains("too many open files")) {
            return FILE_LIMIT;
        }
        if (msg.contains("cannot assign requested address")) {
            return NO_PORTS;
        }
        if (root instanceof ConnectTimeoutException || msg.contains("connection timed out")) {
            return "connect timeout";
        }
        if (msg.contains("connection refused")) {
            return "connection refused";
        }
        if (msg.contains("connection reset")) {
            return "connection reset by peer";
        }
        if (msg.contains("broken pipe")) {
            return "broken pipe";
        }
        if (root instanceof ConnectException) {
            return "connect failed: " + root.getMessage();
        }
        String name = root.getClass().getSimpleName();
        return name + (root.getMessage() == null ? "" : ": " + abbreviate(root.getMessage()));
    }

    private static String abbreviate(String s) {
        return s.length() <= 160 ? s : s.substring(0, 160) + "...";
    }
}
