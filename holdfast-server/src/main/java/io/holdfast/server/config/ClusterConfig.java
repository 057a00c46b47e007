package io.holdfast.server.config;

/**
 * The {@code [cluster]} section: where the Redis bus between Holdfast nodes lives. Without a
 * {@code redis_url} there is no cluster at all (no Redis, no Lettuce connection), so a single node
 * runs exactly as before. How long a node keeps an unused Redis subscription is Pushpin's
 * {@code [handler] subscription_linger} ({@link HandlerSettings#subscriptionLinger()}), the same
 * setting that keeps ZeroMQ SUB interest.
 *
 * @param redisUrl a URI as Lettuce reads it ({@code redis://}, {@code rediss://},
 *        {@code redis-sentinel://…#master}); with {@code redisCluster} a comma list of seed nodes;
 *        null for no cluster
 * @param redisCluster whether the URI names a Redis Cluster (sharded pub/sub, {@code SSUBSCRIBE})
 * @param nodeId this node's name in logs and in Redis client names; null means host name plus port
 * @param keyPrefix prefix of every key and pub/sub channel Holdfast uses in Redis
 */
public record ClusterConfig(String redisUrl, boolean redisCluster, String nodeId, String keyPrefix) {
    public static final String DEFAULT_KEY_PREFIX = "holdfast:";
    /** No Redis: one node alone. */
    public static final ClusterConfig NONE = new ClusterConfig(null, false, null, DEFAULT_KEY_PREFIX);

    public ClusterConfig {
        if (redisUrl != null && redisUrl.isBlank()) {
            redisUrl = null;
        }
        if (nodeId != null && nodeId.isBlank()) {
            nodeId = null;
        }
        if (keyPrefix == null) {
            keyPrefix = DEFAULT_KEY_PREFIX;
        }
        if (keyPrefix.indexOf('{') >= 0 || keyPrefix.indexOf('}') >= 0) {
            throw new IllegalArgumentException("keyPrefix: \"" + keyPrefix + "\" (expected: no { or }, "
                    + "Holdfast puts the channel in braces as the Redis Cluster hash tag)");
        }
    }

    public boolean enabled() {
        return redisUrl != null;
    }

    public ClusterConfig withRedisUrl(String url) {
        return new ClusterConfig(url, redisCluster, nodeId, keyPrefix);
    }

    public ClusterConfig withRedisCluster(boolean value) {
        return new ClusterConfig(redisUrl, value, nodeId, keyPrefix);
    }

    public ClusterConfig withNodeId(String value) {
        return new ClusterConfig(redisUrl, redisCluster, value, keyPrefix);
    }

    public ClusterConfig withKeyPrefix(String value) {
        return new ClusterConfig(redisUrl, redisCluster, nodeId, value);
    }
}
