package io.holdfast.server.proxy;

import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per finished request on the {@code holdfast.access} logger: client, method, host, path,
 * status, response body bytes, duration and route, so operators can grep a single stream.
 *
 * <p>This runs on the event loop for every request, so it stays cheap: the line is built in one
 * {@link StringBuilder} reused per thread (the only allocation left is the finished {@code String}, which
 * the asynchronous {@link AccessLogAppender} configured in {@code logback.xml} hands to its writer thread),
 * and the write itself happens off the loop.
 */
final class AccessLog {
    private static final Logger LOG = LoggerFactory.getLogger("holdfast.access");

    private static final int BUILDER_CAPACITY = 256;
    /** Builders grown beyond this by a huge URL are replaced so one request cannot pin memory. */
    private static final int BUILDER_MAX_KEPT = 4096;
    private static final ThreadLocal<StringBuilder> BUILDER =
            ThreadLocal.withInitial(() -> new StringBuilder(BUILDER_CAPACITY));

    private AccessLog() {}

    static void log(RequestContext req, int status, long bytes, String note, boolean userAgent) {
        if (!LOG.isInfoEnabled()) {
            return;
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - req.startNanos());
        StringBuilder sb = BUILDER.get();
        sb.setLength(0);
        sb.append("conn=").append(req.connectionId())
                .append(' ').append(req.client().remoteAddress())
                .append(' ').append(req.request().method().name())
                .append(' ').append(req.host().isEmpty() ? "-" : req.host())
                .append(' ').append(req.pathAndQuery())
                .append(" -> ").append(status)
                .append(' ').append(bytes).append('B')
                .append(' ').append(millis).append("ms")
                .append(" route=").append(req.routeId());
        if (note != null) {
            sb.append(' ').append(note);
        }
        if (userAgent) {
            String ua = req.request().headers().get("User-Agent");
            sb.append(" ua=\"").append(ua == null ? "-" : ua).append('"');
        }
        LOG.info(sb.toString());
        if (sb.capacity() > BUILDER_MAX_KEPT) {
            BUILDER.set(new StringBuilder(BUILDER_CAPACITY));
        }
    }
}
