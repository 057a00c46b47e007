package io.holdfast.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.holdfast.server.config.ClusterConfig;
import io.holdfast.server.testing.Holdfast;
import io.holdfast.server.testing.RedisClusterServers;
import io.holdfast.server.testing.StreamClients;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Nodes on a real Redis Cluster: sharded pub/sub (SSUBSCRIBE/SPUBLISH) and history per slot. */
@Timeout(90)
class RedisClusterShardedTest {
    @RegisterExtension
    final RedisClusterServers redis = new RedisClusterServers();

    private final List<Holdfast> nodes = new ArrayList<>();
    private final StreamClients clients = new StreamClients();

    @AfterEach
    void stop() {
        clients.close();
        nodes.forEach(Holdfast::close);
    }

    private Holdfast node(String id) throws Exception {
        Holdfast n = Holdfast.start(b -> b.historyChannels(List.of("h*"))
                .cluster(ClusterConfig.NONE.withRedisUrl(redis.url()).withRedisCluster(true).withNodeId(id)), "* test");
        nodes.add(n);
        return n;
    }

    private static void publish(Holdfast n, String channel, String id, String prevId, String content) throws Exception {
        HttpResponse<String> r = n.publish("{\"items\":[{\"channel\":\"" + channel + "\",\"id\":\"" + id + "\""
                + (prevId == null ? "" : ",\"prev-id\":\"" + prevId + "\"")
                + ",\"formats\":{\"http-stream\":{\"content\":\"" + content + "\\n\"}}}]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    @Test
    void channelsOnEveryShardReachSubscribersOnAnotherNodeAndResume() throws Exception {
        Holdfast a = node("a");
        Holdfast b = node("b");
        // Enough channels that every one of the three shards holds some.
        List<String> channels = List.of("h-alpha", "h-bravo", "h-charlie", "h-delta", "h-echo", "h-foxtrot");
        List<StreamClients.Stream> streams = new ArrayList<>();
        for (String c : channels) {
            streams.add(clients.open(b.port(), "/stream?channel=" + c));
        }
        for (String c : channels) {
            await().atMost(Duration.ofSeconds(10)).until(() -> b.server().redisBus().orElseThrow().isSubscribed(c));
        }
        for (String c : channels) {
            publish(a, c, "1", null, c + "-one");
            publish(a, c, "2", "1", c + "-two");
        }
        for (int i = 0; i < channels.size(); i++) {
            StreamClients.Stream s = streams.get(i);
            String c = channels.get(i);
            await().until(() -> s.body().contains(c + "-two"));
            assertThat(s.body()).isEqualTo("[stream opened]\n" + c + "-one\n" + c + "-two\n");
        }
        StreamClients.Stream resumed = clients.openWithHeader(a.port(), "/sse?channel=h-delta", "Last-Event-ID", "1");
        await().until(() -> resumed.body().contains("h-delta-two"));
        assertThat(resumed.body()).doesNotContain("h-delta-one");
    }
}
