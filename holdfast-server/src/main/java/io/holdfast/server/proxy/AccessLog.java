package io.holdfast.server.proxy;

import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per finished request on the {@code holdfast.access} logger: client, method, host, path,
 * status, response body bytes, duration and route, so operators can grep a single stream.
 */
final class AccessLog {
    private static final Logger LOG = LoggerFactory.getLogger("holdfast.access");

    private AccessLog() {}

    static void log(RequestContext req, int status, long bytes, String note, boolean userAgent) {
        if (!LOG.isInfoEnabled()) {
            return;
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - req.startNanos());
        StringBuilder sb = new StringBuilder(160)
                .append("conn=").append(req.connectionId())
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
    }
}
