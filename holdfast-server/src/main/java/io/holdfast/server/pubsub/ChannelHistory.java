package io.holdfast.server.pubsub;

import io.holdfast.grip.publish.PublishItem;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Recent items of the channels that have history enabled (beyond Pushpin, which keeps none): bounded
 * by count and age per channel, so a client that reconnects with the id of the last item it saw
 * (SSE {@code Last-Event-ID}, the WebSocket {@code resume} control message) gets exactly what it
 * missed. Used on the publish sequencer's thread only.
 */
public final class ChannelHistory {
    /** What a resume gets: the items after the given id, or {@code gone} when that id has aged out. */
    public record Replay(List<PublishItem> items, boolean gone) {
        public static final Replay NONE = new Replay(List.of(), false);
    }

    private record Entry(PublishItem item, long atNanos) {}

    private final List<Pattern> patterns;
    private final int maxItems;
    private final long ttlNanos;
    private final Map<String, ArrayDeque<Entry>> channels = new HashMap<>();

    public ChannelHistory(List<String> channelPatterns, int maxItems, long ttlNanos) {
        this.patterns = channelPatterns.stream().map(ChannelHistory::glob).toList();
        this.maxItems = maxItems;
        this.ttlNanos = ttlNanos;
    }

    /** {@code *} matches any run of characters; everything else is literal. */
    private static Pattern glob(String pattern) {
        String[] parts = pattern.split("\\*", -1);
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                re.append(".*");
            }
            re.append(Pattern.quote(parts[i]));
        }
        return Pattern.compile(re.toString());
    }

    /** Whether {@code history_channels} names this channel. Any thread (read-only after construction). */
    public boolean enabledFor(String channel) {
        for (Pattern p : patterns) {
            if (p.matcher(channel).matches()) {
                return true;
            }
        }
        return false;
    }

    /** Records a delivered item with an id, on channels with history. */
    void add(PublishItem item, long nowNanos) {
        if (item.id() == null || !enabledFor(item.channel())) {
            return;
        }
        ArrayDeque<Entry> entries = channels.computeIfAbsent(item.channel(), c -> new ArrayDeque<>());
        entries.addLast(new Entry(item, nowNanos));
        while (entries.size() > maxItems) {
            entries.removeFirst();
        }
        expire(entries, nowNanos);
    }

    /** The items published after {@code lastId}, in order; {@code gone} if it is no longer held. */
    Replay after(String channel, String lastId, long nowNanos) {
        ArrayDeque<Entry> entries = channels.get(channel);
        if (entries == null || lastId == null) {
            return entries == null && lastId != null ? new Replay(List.of(), true) : Replay.NONE;
        }
        expire(entries, nowNanos);
        List<PublishItem> out = new ArrayList<>();
        boolean found = false;
        for (Entry e : entries) {
            if (found) {
                out.add(e.item());
            } else if (lastId.equals(e.item().id())) {
                found = true;
            }
        }
        return found ? new Replay(out, false) : new Replay(List.of(), true);
    }

    /** Every item the channel still holds, oldest first (admin API). */
    List<PublishItem> all(String channel, long nowNanos) {
        ArrayDeque<Entry> entries = channels.get(channel);
        if (entries == null) {
            return List.of();
        }
        expire(entries, nowNanos);
        return entries.stream().map(Entry::item).toList();
    }

    private void expire(ArrayDeque<Entry> entries, long nowNanos) {
        Iterator<Entry> it = entries.iterator();
        while (it.hasNext() && nowNanos - it.next().atNanos() > ttlNanos) {
            it.remove();
        }
    }

    /** Drops channels whose every item has aged out (called from the sequencer's sweep). */
    void sweep(long nowNanos) {
        channels.values().removeIf(entries -> {
            expire(entries, nowNanos);
            return entries.isEmpty();
        });
    }
}
