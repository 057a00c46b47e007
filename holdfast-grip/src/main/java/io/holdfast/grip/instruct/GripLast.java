package io.holdfast.grip.instruct;

import io.holdfast.grip.GripHeaders;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code Grip-Last: <channel>; last-id=<id>} request header: the last item ID the proxy knows
 * for a channel, sent when it retries a long-poll or follows a {@code Grip-Link} (spec 1.1, 4).
 *
 * <p>The proxy writes one header per channel with {@link #format}; origins read them all with
 * {@link #parse} to resume from the right place.
 */
public final class GripLast {

    private GripLast() {
    }

    /**
     * One header value, e.g. {@code fruit; last-id=3}.
     *
     * @param channel the channel as the origin named it (without the route prefix)
     * @throws IllegalArgumentException if the channel cannot appear in a header value
     */
    public static String format(String channel, String lastId) {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(lastId, "lastId");
        if (channel.isEmpty() || !channel.equals(channel.strip()) || channel.indexOf(',') >= 0
                || channel.indexOf(';') >= 0 || HeaderValues.hasControl(channel) || HeaderValues.hasControl(lastId)) {
            throw new IllegalArgumentException("channel \"" + channel + "\" / last-id \"" + lastId
                    + "\" cannot be written as a " + GripHeaders.LAST + " header");
        }
        return channel + "; last-id=" + HeaderValues.quoteIfNeeded(lastId);
    }

    /**
     * Every channel's last ID from the {@code Grip-Last} headers (repeated and/or comma-separated), in
     * order; entries without {@code last-id} are skipped.
     *
     * @throws GripInstructException naming {@code Grip-Last} if a value is malformed
     */
    public static Map<String, String> parse(Iterable<Map.Entry<String, String>> headers) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> h : headers) {
            if (!GripHeaders.LAST.equalsIgnoreCase(h.getKey()) || h.getValue() == null) {
                continue;
            }
            for (String element : HeaderValues.split(GripHeaders.LAST, h.getValue())) {
                HeaderValues.Element e = HeaderValues.parse(GripHeaders.LAST, element, false);
                String id = e.param("last-id");
                if (!e.value().isEmpty() && id != null) {
                    out.put(e.value(), id);
                }
            }
        }
        return out;
    }
}
