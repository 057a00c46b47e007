package io.holdfast.grip.instruct;

import io.holdfast.grip.GripLimits;
import java.util.List;
import java.util.Objects;

/**
 * One channel an instruct subscribes the request to, with its optional prev-id and filters.
 *
 * <p>From {@code Grip-Channel: name; prev-id=<id>; filter=<f>} or a {@code hold.channels[]} entry
 * (spec 1.3, 1.4). The name is as the origin wrote it; the route {@code prefix} is the server's
 * business. {@code prevId} is the ID of the last item the origin already included (spec 4); it is
 * null when not given. Filters run in order (spec 1.6); at most {@link #MAX_FILTERS}.
 *
 * @param name    channel name, non-empty, at most {@link GripLimits#MAX_CHANNEL_BYTES}
 * @param prevId  the origin's last-seen item ID, or null
 * @param filters filter names in order (unknown names are kept; the server ignores them)
 */
public record ChannelSpec(String name, String prevId, List<String> filters) {

    /** Pushpin's limit on filters per channel (MESSAGEFILTERSTACK_SIZE_MAX). */
    public static final int MAX_FILTERS = 5;

    public ChannelSpec {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("name: empty (expected: a channel name)");
        }
        String problem = GripLimits.channelProblem(name);
        if (problem != null) {
            throw new IllegalArgumentException("name: " + problem);
        }
        filters = filters == null ? List.of() : List.copyOf(filters);
        if (filters.size() > MAX_FILTERS) {
            throw new IllegalArgumentException("filters: " + filters.size() + " (expected: <= " + MAX_FILTERS + ")");
        }
    }

    /** A channel with no prev-id and no filters. */
    public static ChannelSpec of(String name) {
        return new ChannelSpec(name, null, List.of());
    }
}
