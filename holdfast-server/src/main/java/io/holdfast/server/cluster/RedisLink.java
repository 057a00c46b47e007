package io.holdfast.server.cluster;

import io.holdfast.server.config.ClusterConfig;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * This node's two Lettuce connections to Redis, standalone (incl. Sentinel, TLS) or Redis Cluster:
 * one for commands (the scripts, pipelined in order) and one for pub/sub, which with Redis Cluster
 * uses sharded pub/sub ({@code SSUBSCRIBE}; the script then uses {@code SPUBLISH}). Commands are
 * refused at once while disconnected (Lettuce would otherwise queue them), so a publish during an
 * outage fails in milliseconds, and each command times out after {@link #COMMAND_TIMEOUT}: a
 * publisher gets its error instead of waiting. Lettuce reconnects by itself; {@link Listener#onConnected}
 * tells the bus so it resubscribes and looks for what it missed.
 */
final class RedisLink implements AutoCloseable {
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(2);

    /** What the link reports; called on Lettuce's I/O threads, so implementations hop off quickly. */
    interface Listener {
        /** A pub/sub message, in the order Redis sent them on this connection. */
        void onMessage(String channel, String message);

        /** A connection (re)connected after the first connect. */
        void onReconnected();
    }

    private final boolean sharded;
    private final ClientResources resources;
    private final AbstractRedisClient client;
    private final StatefulConnection<String, String> commandConnection;
    private final RedisClusterAsyncCommands<String, String> commands;
    private final StatefulRedisPubSubConnection<String, String> pubsub;
    private volatile boolean started;
    /** Connections that connected at least once (weak: closed shard connections go away). */
    private final java.util.Set<RedisChannelHandler<?, ?>> connected =
            java.util.Collections.newSetFromMap(new java.util.WeakHashMap<>());

    private RedisLink(ClusterConfig config, String clientName, Listener listener) {
        this.sharded = config.redisCluster();
        this.resources = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2).build();
        TimeoutOptions timeouts = TimeoutOptions.enabled(COMMAND_TIMEOUT);
        RedisConnectionStateListener stateListener = new RedisConnectionStateListener() {
            @Override
            public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
                // A connection's first connect is no reconnect (Redis Cluster opens shard connections
                // lazily, long after start): only a connection seen before can have missed anything.
                boolean firstTime;
                synchronized (connected) {
                    firstTime = connected.add(connection);
                }
                if (started && !firstTime) {
                    loadScripts(); // a restarted Redis has none: load before most publishes need them
                    listener.onReconnected();
                }
            }
        };
        try {
            if (sharded) {
                RedisClusterClient c = RedisClusterClient.create(resources, config.redisUrl());
                // Lettuce opens a shard's pub/sub connection lazily, on the first SSUBSCRIBE routed to it:
                // refusing commands while disconnected would refuse that very SSUBSCRIBE. So commands
                // wait for the connection here, still bounded by COMMAND_TIMEOUT.
                c.setOptions(ClusterClientOptions.builder().autoReconnect(true)
                        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.ACCEPT_COMMANDS)
                        .timeoutOptions(timeouts).build());
                c.addListener(stateListener);
                this.client = c;
                var conn = c.connect(StringCodec.UTF8);
                this.commandConnection = conn;
                this.commands = conn.async();
                this.pubsub = c.connectPubSub(StringCodec.UTF8);
            } else {
                RedisURI uri = RedisURI.create(config.redisUrl());
                uri.setClientName(clientName);
                RedisClient c = RedisClient.create(resources, uri);
                c.setOptions(ClientOptions.builder().autoReconnect(true)
                        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                        .timeoutOptions(timeouts).build());
                c.addListener(stateListener);
                this.client = c;
                var conn = c.connect(StringCodec.UTF8);
                this.commandConnection = conn;
                this.commands = conn.async();
                this.pubsub = c.connectPubSub(StringCodec.UTF8);
            }
        } catch (RuntimeException e) {
            resources.shutdown(0, 1, TimeUnit.SECONDS);
            throw e;
        }
        pubsub.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
                listener.onMessage(channel, message);
            }

            @Override
            public void smessage(String channel, String message) {
                listener.onMessage(channel, message);
            }
        });
    }

    /** Connects both connections now; throws Lettuce's exception if Redis cannot be reached. */
    static RedisLink connect(ClusterConfig config, String clientName, Listener listener) {
        RedisLink link = new RedisLink(config, clientName, listener);
        link.loadScripts();
        link.started = true;
        return link;
    }

    /**
     * Loads the scripts ahead of use. {@link #run} still falls back to {@code EVAL} on {@code NOSCRIPT},
     * but a burst of fall-backs right after a Redis restart could let a later item overtake an
     * earlier one, so the load is done as soon as a connection is back.
     */
    private void loadScripts() {
        for (RedisScripts.Script s : List.of(RedisScripts.PUBLISH, RedisScripts.READ)) {
            commands.scriptLoad(s.text());
        }
    }

    boolean sharded() {
        return sharded;
    }

    /**
     * Whether both connections are up now, from Lettuce's own connection state (a connection is open
     * from its channel's activation to its loss, and again after each reconnect). Cheap: two volatile reads.
     */
    boolean connected() {
        return commandConnection.isOpen() && pubsub.isOpen();
    }

    /** Runs a script by SHA, loading it with {@code EVAL} when Redis does not know it (after a restart). */
    CompletableFuture<List<Object>> run(RedisScripts.Script script, String[] keys, String... args) {
        CompletionStage<List<Object>> first = commands.evalsha(script.sha(), ScriptOutputType.MULTI, keys, args);
        return first.handle((result, failure) -> {
            if (failure == null) {
                return CompletableFuture.completedFuture(result);
            }
            Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            if (cause instanceof RedisNoScriptException) {
                CompletionStage<List<Object>> again = commands.eval(script.text(), ScriptOutputType.MULTI, keys, args);
                return again.toCompletableFuture();
            }
            return CompletableFuture.<List<Object>>failedFuture(cause);
        }).thenCompose(f -> f).toCompletableFuture();
    }

    /** Subscribes (sharded with Redis Cluster) to channels; completes when Redis confirmed. */
    CompletableFuture<Void> subscribe(String... channels) {
        var async = pubsub.async();
        return (sharded ? async.ssubscribe(channels) : async.subscribe(channels)).toCompletableFuture();
    }

    CompletableFuture<Void> unsubscribe(String... channels) {
        var async = pubsub.async();
        return (sharded ? async.sunsubscribe(channels) : async.unsubscribe(channels)).toCompletableFuture();
    }

    /** Subscribes to a node-wide (not sharded) channel, such as the control channel. */
    CompletableFuture<Void> subscribeGlobal(String channel) {
        return pubsub.async().subscribe(channel).toCompletableFuture();
    }

    /** Publishes on a node-wide channel; completes with the number of receivers. */
    CompletableFuture<Long> publishGlobal(String channel, String message) {
        return commands.publish(channel, message).toCompletableFuture();
    }

    @Override
    public void close() {
        started = false;
        try {
            pubsub.close();
            commandConnection.close();
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
            resources.shutdown(0, 1, TimeUnit.SECONDS);
        }
    }
}
