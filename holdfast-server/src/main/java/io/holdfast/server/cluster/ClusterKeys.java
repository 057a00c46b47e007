package io.holdfast.server.cluster;

/**
 * Names of everything Holdfast keeps in Redis for one channel. The channel goes in braces, the Redis
 * Cluster hash tag, so a channel's state, history, id markers and pub/sub channel share one slot: the
 * publish script may touch them all, and {@code SPUBLISH} reaches only that slot's shard. (If a
 * channel name itself holds a {@code }}, the tag ends there, the same way for every key of the
 * channel, so they still share a slot.)
 *
 * <ul>
 *   <li>{@code <prefix>{<channel>}}: the pub/sub channel its items are published on;</li>
 *   <li>{@code <prefix>{<channel>}:s}: a hash: {@code e} the epoch (when the sequence started),
 *       {@code n} the sequence number of the last item, {@code l} the last item id;</li>
 *   <li>{@code <prefix>{<channel>}:h}: the history stream, entry id {@code <n>-0};</li>
 *   <li>{@code <prefix>{<channel>}:i:<id>}: present while an item id counts as seen ({@code id_cache_ttl}).</li>
 * </ul>
 */
final class ClusterKeys {
    private final String prefix;
    private final String control;

    ClusterKeys(String prefix) {
        this.prefix = prefix;
        this.control = prefix + "control";
    }

    String pubsubChannel(String channel) {
        return prefix + "{" + channel + "}";
    }

    /** The Holdfast channel a pub/sub channel stands for, or null if it is not one of ours. */
    String channelOf(String pubsubChannel) {
        if (pubsubChannel.length() < prefix.length() + 2 || !pubsubChannel.startsWith(prefix)
                || pubsubChannel.charAt(prefix.length()) != '{' || !pubsubChannel.endsWith("}")) {
            return null;
        }
        return pubsubChannel.substring(prefix.length() + 1, pubsubChannel.length() - 1);
    }

    String state(String channel) {
        return pubsubChannel(channel) + ":s";
    }

    String history(String channel) {
        return pubsubChannel(channel) + ":h";
    }

    String seenId(String channel, String id) {
        return pubsubChannel(channel) + ":i:" + id;
    }

    /** The node-wide channel for commands every node must hear (recover). */
    String control() {
        return control;
    }
}
