package io.holdfast.server.stats;

import io.holdfast.grip.publish.PublishItem;
import io.holdfast.grip.publish.PublishRequestWriter;
import io.holdfast.server.pubsub.PubSub;
import io.holdfast.server.pubsub.PublishSequencer;
import io.holdfast.server.pubsub.Subscriber;
import io.holdfast.server.pubsub.Subscriptions;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API on the publish port (authenticated like publishing): what an operator asks while
 * something is wrong. Channels with subscriber counts, one connection (transport, channels, meta,
 * age), disconnecting a connection or every connection of a user (through the implicit
 * {@code conn:}/{@code user:} channels every subscriber has), and a channel's history. Lookups run
 * on each subscriber's own loop; the answer is written back on the request's loop.
 *
 * <pre>
 * GET    /admin/channels[?limit=N]        channels by subscribers, most first
 * GET    /admin/history?channel=NAME      the items the channel's history holds
 * GET    /admin/connections/KEY           one connection
 * DELETE /admin/connections/KEY           disconnect it
 * GET    /admin/users/USER                the user's connections
 * DELETE /admin/users/USER                disconnect them all
 * </pre>
 */
final class AdminApi {
    private static final Logger LOG = LoggerFactory.getLogger(AdminApi.class);
    static final int DEFAULT_CHANNEL_LIMIT = 1000;
    private static final long TIMEOUT_SECONDS = 5;

    private final PubSub pubsub;

    AdminApi(PubSub pubsub) {
        this.pubsub = pubsub;
    }

    void handle(ChannelHandlerContext ctx, FullHttpRequest req, String path) {
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        QueryStringDecoder query = new QueryStringDecoder(req.uri());
        String rest = path.substring("/admin/".length());
        HttpMethod method = req.method();
        if (rest.equals("channels") && method.equals(HttpMethod.GET)) {
            int limit = intParam(query, "limit", DEFAULT_CHANNEL_LIMIT);
            reply(ctx, keepAlive, channels(limit).thenApply(list -> Map.of("channels", list)));
        } else if (rest.equals("history") && method.equals(HttpMethod.GET)) {
            String channel = param(query, "channel");
            if (channel == null) {
                HttpReplies.error(ctx, keepAlive, HttpResponseStatus.BAD_REQUEST, "channel parameter required");
                return;
            }
            history(ctx, keepAlive, channel);
        } else if (rest.startsWith("connections/") || rest.startsWith("users/")) {
            boolean user = rest.startsWith("users/");
            String id = QueryStringDecoder.decodeComponent(rest.substring(rest.indexOf('/') + 1));
            if (id.isEmpty()) {
                HttpReplies.error(ctx, keepAlive, HttpResponseStatus.NOT_FOUND, "no id given");
                return;
            }
            String channel = (user ? Subscriptions.USER_CHANNEL_PREFIX : Subscriptions.CONNECTION_CHANNEL_PREFIX) + id;
            if (method.equals(HttpMethod.GET)) {
                show(ctx, keepAlive, channel, user);
            } else if (method.equals(HttpMethod.DELETE)) {
                LOG.info("admin from {}: disconnecting {}", ctx.channel().remoteAddress(), channel);
                reply(ctx, keepAlive, pubsub.withSubscribersOf(channel, s -> {
                    s.disconnect();
                    return Boolean.TRUE;
                }).thenApply(list -> list.isEmpty() ? null : Map.of("disconnected", list.size())));
            } else {
                HttpReplies.error(ctx, keepAlive, HttpResponseStatus.METHOD_NOT_ALLOWED, "use GET or DELETE");
            }
        } else {
            HttpReplies.error(ctx, keepAlive, HttpResponseStatus.NOT_FOUND, "no such admin resource: " + path);
        }
    }

    /** Channels with subscribers, most subscribed first; implicit conn:/user: channels left out. */
    CompletableFuture<List<Map<String, Object>>> channels(int limit) {
        return pubsub.subscriberCounts().thenApply(counts -> {
            List<Map.Entry<String, Integer>> entries = new ArrayList<>();
            for (Map.Entry<String, Integer> e : counts.entrySet()) {
                if (!e.getKey().startsWith(Subscriptions.CONNECTION_CHANNEL_PREFIX)
                        && !e.getKey().startsWith(Subscriptions.USER_CHANNEL_PREFIX)) {
                    entries.add(e);
                }
            }
            entries.sort(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder())
                    .thenComparing(Map.Entry.comparingByKey()));
            List<Map<String, Object>> out = new ArrayList<>();
            for (Map.Entry<String, Integer> e : entries.subList(0, Math.min(limit, entries.size()))) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("channel", e.getKey());
                m.put("subscribers", e.getValue());
                out.add(m);
            }
            return out;
        });
    }

    private void show(ChannelHandlerContext ctx, boolean keepAlive, String channel, boolean user) {
        reply(ctx, keepAlive, pubsub.withSubscribersOf(channel, AdminApi::describe).thenApply(list -> {
            if (list.isEmpty()) {
                return null;
            }
            return user ? Map.of("connections", list) : list.get(0);
        }));
    }

    /** One subscriber as the admin API shows it; runs on its loop. */
    private static Map<String, Object> describe(Subscriber s) {
        Map<String, Object> m = new LinkedHashMap<>();
        Subscriptions subs = s.subscriptions();
        m.put("connection", subs == null ? null : subs.connectionKey());
        m.put("transport", s.kind().label());
        if (subs != null) {
            m.put("channels", List.copyOf(subs.names()));
            m.put("meta", new LinkedHashMap<>(subs.meta()));
            m.put("since", Instant.ofEpochMilli(subs.createdMillis()).toString());
            m.put("age_seconds", (System.currentTimeMillis() - subs.createdMillis()) / 1000);
        }
        return m;
    }

    private void history(ChannelHandlerContext ctx, boolean keepAlive, String channel) {
        PublishSequencer sequencer = pubsub.sequencer();
        if (sequencer == null || !sequencer.historyEnabled(channel)) {
            HttpReplies.error(ctx, keepAlive, HttpResponseStatus.NOT_FOUND,
                    "channel " + channel + " keeps no history (see [holdfast] history_channels)");
            return;
        }
        sequencer.history(channel).orTimeout(TIMEOUT_SECONDS, TimeUnit.SECONDS).whenCompleteAsync((items, err) -> {
            if (err != null) {
                HttpReplies.error(ctx, keepAlive, HttpResponseStatus.SERVICE_UNAVAILABLE, err.toString());
                return;
            }
            HttpReplies.send(ctx, keepAlive, HttpResponseStatus.OK, "application/json", historyJson(items));
        }, ctx.executor());
    }

    private static byte[] historyJson(List<PublishItem> items) {
        return PublishRequestWriter.toJson(items);
    }

    /** Writes the future's value as JSON on the request's loop: null means 404, failure 503. */
    private static void reply(ChannelHandlerContext ctx, boolean keepAlive, CompletableFuture<?> future) {
        future.orTimeout(TIMEOUT_SECONDS, TimeUnit.SECONDS).whenCompleteAsync((value, err) -> {
            if (err != null) {
                HttpReplies.error(ctx, keepAlive, HttpResponseStatus.SERVICE_UNAVAILABLE, err.toString());
            } else if (value == null) {
                HttpReplies.error(ctx, keepAlive, HttpResponseStatus.NOT_FOUND, "not connected here");
            } else {
                HttpReplies.json(ctx, keepAlive, HttpResponseStatus.OK, value);
            }
        }, ctx.executor());
    }

    private static String param(QueryStringDecoder q, String name) {
        List<String> v = q.parameters().get(name);
        return v == null || v.isEmpty() || v.get(0).isEmpty() ? null : v.get(0);
    }

    private static int intParam(QueryStringDecoder q, String name, int fallback) {
        String v = param(q, name);
        if (v == null) {
            return fallback;
        }
        try {
            return Math.max(0, Integer.parseInt(v));
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
