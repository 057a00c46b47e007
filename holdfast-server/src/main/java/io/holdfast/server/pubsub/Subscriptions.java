package io.holdfast.server.pubsub;

import io.netty.channel.EventLoop;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * One subscriber's channels and what filters read about it: the channels it asked for (with the
 * route {@code prefix} applied and their filters), its subscription meta, the last item id seen per
 * channel, and the implicit channels every connection has beyond Pushpin: {@code conn:<id>} always,
 * and {@code user:<id>} while its meta {@code user} is set, so one connection or one user can be
 * reached without a channel of its own. Used on the subscriber's event loop only.
 */
public final class Subscriptions implements Filters.Context {
    public static final String CONNECTION_CHANNEL_PREFIX = "conn:";
    public static final String USER_CHANNEL_PREFIX = "user:";

    private final PubSub pubsub;
    private final Subscriber owner;
    private final String prefix;
    private final int max;
    private final Map<String, List<String>> channels = new LinkedHashMap<>();
    private final Map<String, String> meta = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    private final Map<String, String> lastIds = new HashMap<>();
    private Set<String> resuming;
    /** Full names of the route's implicit {@code sub=} channels: the route's, not the origin's, to drop. */
    private Set<String> routeChannels;
    private String connectionChannel;
    private String userChannel;
    private final long createdMillis = System.currentTimeMillis();
    private io.holdfast.server.stats.SessionKind countedKind;

    /**
     * @param routePrefix the route's channel {@code prefix} ("" if none)
     * @param max         explicit channels allowed ({@code connection_subscription_max})
     */
    public Subscriptions(PubSub pubsub, Subscriber owner, String routePrefix, int max) {
        this.pubsub = pubsub;
        this.owner = owner;
        this.prefix = routePrefix;
        this.max = max;
    }

    /** Subscribes the implicit {@code conn:<key>} channel. */
    public void subscribeConnection(String connectionKey) {
        connectionChannel = CONNECTION_CHANNEL_PREFIX + connectionKey;
        pubsub.subscribe(connectionChannel, owner);
        if (countedKind == null) {
            countedKind = owner.kind();
            pubsub.counters().sessionChanged(countedKind, 1);
        }
    }

    /** When this subscriber began (wall clock), for the admin API. */
    public long createdMillis() {
        return createdMillis;
    }

    /** The connection's public key ({@code conn:<key>}), or null before it is subscribed. */
    public String connectionKey() {
        return connectionChannel == null ? null : connectionChannel.substring(CONNECTION_CHANNEL_PREFIX.length());
    }

    /**
     * Subscribes to a channel as named by the origin (the route prefix is added here). Returns false
     * when the per-connection limit is reached (Pushpin ignores extra channels silently).
     */
    public boolean add(String channel, List<String> filters, String prevId) {
        String name = prefix + channel;
        if (channels.containsKey(name)) {
            channels.put(name, List.copyOf(filters));
            return true;
        }
        if (channels.size() >= max) {
            return false;
        }
        channels.put(name, List.copyOf(filters));
        if (prevId != null) {
            lastIds.put(name, prevId);
        }
        pubsub.subscribe(name, owner);
        return true;
    }

    /**
     * Subscribes a route target's implicit {@code sub=} channel. It belongs to the route, not to the
     * origin: an origin's {@code unsubscribe} or a next-link response's channel list leaves it alone.
     */
    public boolean addRouteChannel(String channel) {
        boolean added = add(channel, List.of(), null);
        if (added) {
            if (routeChannels == null) {
                routeChannels = new HashSet<>(2);
            }
            routeChannels.add(prefix + channel);
        }
        return added;
    }

    private boolean isRouteChannel(String fullName) {
        return routeChannels != null && routeChannels.contains(fullName);
    }

    /**
     * Replaces the explicit channels with {@code specs} (a next-link response, spec 1.5.3): channels no
     * longer named are unsubscribed, new ones subscribed, prev-ids taken as the current ids.
     */
    public void replace(List<io.holdfast.grip.instruct.ChannelSpec> specs) {
        Set<String> wanted = new HashSet<>();
        for (var spec : specs) {
            wanted.add(prefix + spec.name());
        }
        for (String name : List.copyOf(channels.keySet())) {
            if (!wanted.contains(name) && !isRouteChannel(name)) {
                channels.remove(name);
                lastIds.remove(name);
                pubsub.unsubscribe(name, owner);
            }
        }
        for (var spec : specs) {
            add(spec.name(), spec.filters(), null);
            if (spec.prevId() != null) {
                lastIds.put(prefix + spec.name(), spec.prevId());
            }
        }
    }

    /** {@code Grip-Last} values for a recovery request: channel (unprefixed) → last id known. */
    public Map<String, String> lastIdsByChannel() {
        Map<String, String> out = new LinkedHashMap<>();
        for (String name : channels.keySet()) {
            String id = lastIds.get(name);
            if (id != null) {
                out.put(unprefixed(name), id);
            }
        }
        return out;
    }

    /** Unsubscribes a channel the origin named; the route's own {@code sub=} channels stay. */
    public void remove(String channel) {
        String name = prefix + channel;
        if (isRouteChannel(name)) {
            return;
        }
        if (channels.remove(name) != null) {
            lastIds.remove(name);
            pubsub.unsubscribe(name, owner);
        }
    }

    /** Sets (or, with a null or empty value, removes) a meta field; {@code user} moves the user channel. */
    public void setMeta(String name, String value) {
        if (value == null || value.isEmpty()) {
            meta.remove(name);
        } else {
            meta.put(name, value);
        }
        if (name.equalsIgnoreCase("user")) {
            String wanted = value == null || value.isEmpty() ? null : USER_CHANNEL_PREFIX + value;
            if (wanted != null && wanted.equals(userChannel)) {
                return;
            }
            if (userChannel != null) {
                pubsub.unsubscribe(userChannel, owner);
            }
            userChannel = wanted;
            if (userChannel != null) {
                pubsub.subscribe(userChannel, owner);
            }
        }
    }

    public void setAllMeta(Map<String, String> values) {
        values.forEach(this::setMeta);
    }

    /** Channels the subscriber asked for, prefix included. */
    public Set<String> names() {
        return channels.keySet();
    }

    public int size() {
        return channels.size();
    }

    /**
     * Filters a delivery on {@code message}'s channel; {@code content} may be null for actions without
     * content. Records the item's id as the channel's last id.
     */
    public Filters.Outcome filter(Message message, List<String> formatContentFilters, byte[] content) {
        List<String> filters = channels.getOrDefault(message.channel(), List.of());
        String id = message.item().id();
        // The item's id is the channel's current id from now on, delivered or filtered out (a filtered
        // item is not a gap), and already while filters run (build-id stamps it).
        if (id != null) {
            lastIds.put(message.channel(), id);
        }
        Filters.Outcome outcome = filters.isEmpty() && formatContentFilters == null ? Filters.PASS
                : Filters.apply(filters, formatContentFilters, this, message.item(), content);
        return outcome;
    }

    /**
     * Replays a channel's history after {@code lastId} (beyond Pushpin). Call after subscribing: live
     * items on the channel are skipped ({@link #isResuming}) until {@code onReplay} runs on
     * {@code loop}, because the replay covers them. Returns false when the channel keeps no history.
     */
    public boolean resume(String fullName, String lastId, EventLoop loop, Consumer<ChannelHistory.Replay> onReplay) {
        PublishSequencer sequencer = pubsub.sequencer();
        if (sequencer == null || lastId == null || !sequencer.historyEnabled(fullName)) {
            return false;
        }
        if (resuming == null) {
            resuming = new HashSet<>(2);
        }
        resuming.add(fullName);
        sequencer.replay(fullName, lastId, loop, replay -> {
            resuming.remove(fullName);
            onReplay.accept(replay);
        });
        return true;
    }

    /** True while a channel's history replay is on its way; live items on it are covered by it. */
    public boolean isResuming(String fullName) {
        return resuming != null && resuming.contains(fullName);
    }

    /** The channel name as the origin and publishers name it (route prefix removed). */
    public String unprefixed(String fullName) {
        return fullName.startsWith(prefix) ? fullName.substring(prefix.length()) : fullName;
    }

    /** The full (prefixed) name of a channel the origin names. */
    public String prefixed(String channel) {
        return prefix + channel;
    }

    /** Unsubscribes from everything, implicit channels included. */
    public void clear() {
        for (String name : channels.keySet()) {
            pubsub.unsubscribe(name, owner);
        }
        channels.clear();
        routeChannels = null;
        if (connectionChannel != null) {
            pubsub.unsubscribe(connectionChannel, owner);
            connectionChannel = null;
        }
        if (userChannel != null) {
            pubsub.unsubscribe(userChannel, owner);
            userChannel = null;
        }
        if (countedKind != null) {
            pubsub.counters().sessionChanged(countedKind, -1);
            countedKind = null;
        }
    }

    @Override
    public Map<String, String> meta() {
        return meta;
    }

    @Override
    public boolean isSubscribed(String channel) {
        return channels.containsKey(prefix + channel);
    }

    @Override
    public String lastId(String channel) {
        return lastIds.get(prefix + channel);
    }

    /** The last id seen on a channel by its full (prefixed) name. */
    public String lastIdOf(String fullName) {
        return lastIds.get(fullName);
    }
}
