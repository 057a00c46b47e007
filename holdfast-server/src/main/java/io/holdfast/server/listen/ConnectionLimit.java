package io.holdfast.server.listen;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@code client_maxconn} within what the process can open. Pushpin's default of 50,000 is
 * above the open-file limit of most machines (often 1,024 or 20,000): past the limit, {@code accept}
 * fails and new clients hang in the listen backlog with no answer, and origin connections fail for
 * clients already in. So the limit is read once at start and client connections are capped at half
 * of it, less {@value #RESERVED_FILES} files for Holdfast's own (listeners, ZeroMQ and Redis
 * sockets, logs, jars): the other half is for origin sockets, one per proxied request or
 * passthrough WebSocket at most. Clients past the cap are answered 503 at once and closed.
 */
public final class ConnectionLimit {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionLimit.class);
    /** Files kept for everything that is not a client or origin socket. */
    static final int RESERVED_FILES = 256;

    private ConnectionLimit() {}

    /**
     * The client connections allowed: {@code configured}, or less when the open-file limit
     * ({@code fileLimit}, or a negative value when unknown) cannot carry that many with their origin
     * sockets. Never below 1.
     */
    public static int clamp(int configured, long fileLimit) {
        if (fileLimit < 0) {
            return configured;
        }
        long usable = Math.max(1, (fileLimit - RESERVED_FILES) / 2);
        return (int) Math.min(configured, usable);
    }

    /** This process's open-file limit ({@code ulimit -n}), or -1 where the JVM cannot tell. */
    public static long openFileLimit() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            return unix.getMaxFileDescriptorCount();
        }
        return -1;
    }

    /** {@link #clamp} with this process's limit; logs once when it lowers {@code client_maxconn}. */
    public static int effective(int configured) {
        long fileLimit = openFileLimit();
        int allowed = clamp(configured, fileLimit);
        if (allowed < configured) {
            LOG.warn("client_maxconn {} lowered to {}: this process may open {} files (ulimit -n), and each client "
                    + "may need an origin socket too; raise the limit to allow more", configured, allowed, fileLimit);
        }
        return allowed;
    }
}
