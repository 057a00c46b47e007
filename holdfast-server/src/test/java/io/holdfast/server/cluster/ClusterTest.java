package io.holdfast.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.holdfast.grip.websocket.WebSocketEvent;
import io.holdfast.server.config.ClusterConfig;
import io.holdfast.server.config.HoldfastConfig;
import io.holdfast.server.testing.Holdfast;
import io.holdfast.server.testing.RedisServer;
import io.holdfast.server.testing.StreamClients;
import io.holdfast.server.testing.WsClient;
import io.holdfast.server.testing.WsOverHttpOrigin;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Several in-process nodes joined through a real redis-server: publish anywhere, deliver everywhere. */
@Timeout(60)
class ClusterTest {
    @RegisterExtension
    final RedisServer redis = new RedisServer();

    private final List<Holdfast> nodes = new ArrayList<>();
    private final StreamClients clients = new StreamClients();

    @AfterEach
    void stop() {
        clients.close();
        nodes.forEach(Holdfast::close);
    }

    private Holdfast node(String id, String route) throws Exception {
        return node(id, route, b -> b);
    }

    private Holdfast node(String id, String route, UnaryOperator<HoldfastConfig.Builder> more) throws Exception {
        Holdfast n = Holdfast.start(b -> more.apply(b.historyChannels(List.of("h*"))
                .cluster(ClusterConfig.NONE.withRedisUrl(redis.url()).withNodeId(id))), route);
        nodes.add(n);
        return n;
    }

    private static RedisBus bus(Holdfast n) {
        return n.server().redisBus().orElseThrow();
    }

    private static void awaitSubscribed(Holdfast n, String channel) {
        await().atMost(Duration.ofSeconds(10)).until(() -> bus(n).isSubscribed(channel));
    }

    private static String item(String channel, String id, String prevId, String content) {
        return "{\"channel\":\"" + channel + "\"" + (id == null ? "" : ",\"id\":\"" + id + "\"")
                + (prevId == null ? "" : ",\"prev-id\":\"" + prevId + "\"")
                + ",\"formats\":{\"http-stream\":{\"content\":\"" + content + "\\n\"},"
                + "\"http-response\":{\"body\":\"" + content + "\\n\"},"
                + "\"ws-message\":{\"content\":\"" + content + "\"}}}";
    }

    private static void publish(Holdfast n, String channel, String id, String prevId, String content) throws Exception {
        HttpResponse<String> r = n.publish("{\"items\":[" + item(channel, id, prevId, content) + "]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    @Test
    void aPublishOnOneNodeReachesStreamSseWebSocketAndLongPollSubscribersOnAnother() throws Exception {
        Holdfast a = node("a", "* test");
        Holdfast b = node("b", "* test");
        StreamClients.Stream stream = clients.open(b.port(), "/stream?channel=x");
        StreamClients.Stream sse = clients.open(b.port(), "/sse?channel=x");
        WsClient ws = WsClient.connect(URI.create("ws://127.0.0.1:" + b.port() + "/ws?channel=x"));
        CompletableFuture<HttpResponse<String>> poll = Holdfast.CLIENT.sendAsync(
                HttpRequest.newBuilder(b.uri("/long-poll?channel=x")).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        await().until(() -> b.server().pubsub().subscriptionCount() >= 4);
        awaitSubscribed(b, "x");

        publish(a, "x", null, null, "hello");

        await().until(() -> stream.body().contains("hello") && sse.body().contains("hello"));
        assertThat(stream.body()).isEqualTo("[stream opened]\nhello\n");
        assertThat(sse.body()).endsWith("hello\n");
        assertThat(ws.next()).isEqualTo("hello");
        assertThat(poll.get().body()).isEqualTo("hello\n");
        // The publishing node had no subscriber: it never subscribed in Redis (interest, not broadcast).
        assertThat(bus(a).isSubscribed("x")).isFalse();
        assertThat(redis.subscribers("holdfast:{x}")).isEqualTo(1);
    }

    @Test
    void publishesFromTwoNodesArriveEverywhereInOneOrderOnceEach() throws Exception {
        Holdfast a = node("a", "* test");
        Holdfast b = node("b", "* test");
        StreamClients.Stream onA = clients.open(a.port(), "/stream?channel=o");
        StreamClients.Stream onB = clients.open(b.port(), "/stream?channel=o");
        awaitSubscribed(a, "o");
        awaitSubscribed(b, "o");

        StringBuilder expected = new StringBuilder("[stream opened]\n");
        String prev = null;
        for (int i = 1; i <= 40; i++) {
            Holdfast via = i % 2 == 0 ? a : b;
            publish(via, "o", "m" + i, prev, "m" + i);
            // The same item published again on the other node is a duplicate cluster-wide.
            publish(via == a ? b : a, "o", "m" + i, prev, "m" + i);
            expected.append("m").append(i).append('\n');
            prev = "m" + i;
        }
        await().until(() -> onA.body().contains("m40") && onB.body().contains("m40"));
        assertThat(onA.body()).isEqualTo(expected.toString());
        assertThat(onB.body()).isEqualTo(expected.toString());
        assertThat(bus(a).clusterStats().duplicatesInRedis.sum() + bus(b).clusterStats().duplicatesInRedis.sum()).isEqualTo(40);
    }

    @Test
    void anItemWhosePredecessorIsPublishedLaterOnAnotherNodeWaitsForIt() throws Exception {
        Holdfast a = node("a", "* test");
        Holdfast b = node("b", "* test");
        StreamClients.Stream onA = clients.open(a.port(), "/stream?channel=p");
        StreamClients.Stream onB = clients.open(b.port(), "/stream?channel=p");
        awaitSubscribed(a, "p");
        awaitSubscribed(b, "p");
        publish(a, "p", "1", null, "one");
        await().until(() -> onB.body().contains("one"));
        publish(b, "p", "3", "2", "three");
        publish(a, "p", "2", "1", "two");
        await().until(() -> onA.body().contains("three") && onB.body().contains("three"));
        assertThat(onA.body()).isEqualTo("[stream opened]\none\ntwo\nthree\n");
        assertThat(onB.body()).isEqualTo("[stream opened]\none\ntwo\nthree\n");
    }

    @Test
    void anSseClientResumesOnAnotherNodeWithLastEventId() throws Exception {
        Holdfast a = node("a", "* test");
        Holdfast b = node("b", "* test");
        publish(a, "h1", "1", null, "one");
        publish(a, "h1", "2", "1", "two");
        publish(b, "h1", "3", "2", "three");
        StreamClients.Stream resumed = clients.openWithHeader(b.port(), "/sse?channel=h1", "Last-Event-ID", "1");
        await().until(() -> resumed.body().contains("three"));
        awaitSubscribed(b, "h1");
        publish(a, "h1", "4", "3", "four");
        await().until(() -> resumed.body().contains("four"));
        assertThat(resumed.body()).endsWith("two\nthree\nfour\n");
        assertThat(resumed.body().split("two", -1)).hasSize(2);

        StreamClients.Stream tooOld = clients.openWithHeader(a.port(), "/sse?channel=h1", "Last-Event-ID", "0");
        await().until(() -> tooOld.body().contains("holdfast-reset"));
    }

    @Test
    void aWebSocketResumeMessageReplaysHistoryOnAnotherNode() throws Exception {
        try (WsOverHttpOrigin origin = new WsOverHttpOrigin((req, n) -> {
            String lastId = req.header("X-Last");
            return !req.events().isEmpty() && req.events().get(0).type() == WebSocketEvent.Type.OPEN
                    ? WsOverHttpOrigin.Reply.of(WebSocketEvent.open(),
                            WebSocketEvent.text("c:{\"type\":\"resume\",\"channel\":\"h2\",\"last-id\":\"" + lastId + "\"}"))
                        .header("Sec-WebSocket-Extensions", "grip")
                    : WsOverHttpOrigin.Reply.of();
        })) {
            Holdfast a = node("a", "* " + origin.target());
            Holdfast b = node("b", "* " + origin.target());
            publish(a, "h2", "1", null, "one");
            publish(a, "h2", "2", "1", "two");
            publish(a, "h2", "3", "2", "three");
            WsClient resumed = new WsClient();
            Holdfast.CLIENT.newWebSocketBuilder().header("X-Last", "1")
                    .buildAsync(URI.create("ws://127.0.0.1:" + b.port() + "/ws"), resumed).get();
            assertThat(List.of(resumed.next(), resumed.next())).containsExactly("two", "three");
            publish(a, "h2", "4", "3", "four");
            assertThat(resumed.next()).isEqualTo("four");
        }
    }

    @Test
    void aPublishIsAnswered503WhileRedisIsDownAndDeliveredOnceItIsBack() throws Exception {
        Holdfast a = node("a", "* test");
        Holdfast b = node("b", "* test");
        StreamClients.Stream onB = clients.open(b.port(), "/stream?channel=r");
        awaitSubscribed(b, "r");
        publish(a, "r", null, null, "before");
        await().until(() -> onB.body().contains("before"));

        redis.kill();
        long start = System.nanoTime();
        HttpResponse<String> refused = a.publish("{\"items\":[" + item("r", null, null, "lost") + "]}");
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.body()).startsWith("Publish failed: Redis did not take the item");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));

        redis.start();
        // Both nodes reconnect by themselves and node b subscribes again to what it needs.
        await().atMost(Duration.ofSeconds(20)).until(() -> redis.subscribers("holdfast:{r}") == 1);
        await().atMost(Duration.ofSeconds(20)).until(() ->
                a.publish("{\"items\":[" + item("r", null, null, "after") + "]}").statusCode() == 200);
        await().until(() -> onB.body().contains("after"));
        assertThat(onB.body()).isEqualTo("[stream opened]\nbefore\nafter\n");
    }

    @Test
    void itemsPublishedWhileANodeWasCutOffAreReadFromHistory() throws Exception {
        Holdfast a = node("a", "* test");
        Holdfast b = node("b", "* test");
        StreamClients.Stream onB = clients.open(b.port(), "/stream?channel=hg");
        awaitSubscribed(b, "hg");
        publish(a, "hg", "0", null, "m0");
        await().until(() -> onB.body().contains("m0"));
        StringBuilder expected = new StringBuilder("[stream opened]\nm0\n");
        // Every pub/sub connection is cut: what is published until node b is back reaches it only
        // through the history stream.
        redis.command("CLIENT KILL TYPE pubsub");
        for (int i = 1; i <= 30; i++) {
            publish(a, "hg", Integer.toString(i), Integer.toString(i - 1), "m" + i);
            expected.append("m").append(i).append('\n');
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> onB.body().contains("m30"));
        assertThat(onB.body()).isEqualTo(expected.toString());
    }

    @Test
    void aNodeLeavesARedisChannelOnlyAfterTheLinger() throws Exception {
        Holdfast b = node("b", "* test", c -> c.handler(c.handler().withSubscriptionLinger(Duration.ofMillis(300))));
        StreamClients.Stream s = clients.open(b.port(), "/stream?channel=l");
        awaitSubscribed(b, "l");
        assertThat(redis.subscribers("holdfast:{l}")).isEqualTo(1);
        long closedAt = System.nanoTime();
        s.channel().close().sync();
        await().pollInterval(Duration.ofMillis(10)).atMost(Duration.ofSeconds(5))
                .until(() -> redis.subscribers("holdfast:{l}") == 0);
        // The linger starts when the server sees the close, which is after closedAt.
        assertThat(Duration.ofNanos(System.nanoTime() - closedAt)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    void aNodeWithoutRedisReachableDoesNotStart() throws Exception {
        String url = redis.url();
        redis.kill();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Holdfast.start(b -> b
                        .cluster(ClusterConfig.NONE.withRedisUrl(url)), "* test"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot connect to Redis");
    }

    @Test
    void connAndUserTargetingCloseAndRecoverWorkAcrossNodes() throws Exception {
        java.util.concurrent.atomic.AtomicInteger polls = new java.util.concurrent.atomic.AtomicInteger();
        try (io.holdfast.server.testing.TestOrigin origin = new io.holdfast.server.testing.TestOrigin()) {
            origin.handle("/s", ex -> {
                ex.getResponseHeaders().add("Grip-Hold", "stream");
                ex.getResponseHeaders().add("Grip-Channel", "room");
                ex.getResponseHeaders().add("Grip-Set-Meta", "user=\"u1\"");
                byte[] id = (ex.getRequestHeaders().getFirst("Grip-Connection-Id") + "\n").getBytes();
                ex.sendResponseHeaders(200, id.length);
                ex.getResponseBody().write(id);
                ex.close();
            });
            origin.handle("/poll", ex -> {
                byte[] body = (polls.incrementAndGet() == 1 ? "timeout body" : "after recover").getBytes();
                if (polls.get() == 1) {
                    ex.getResponseHeaders().add("Grip-Hold", "response");
                    ex.getResponseHeaders().add("Grip-Channel", "q");
                }
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
                ex.close();
            });
            Holdfast a = node("a", "* " + origin.target());
            Holdfast b = node("b", "* " + origin.target());
            StreamClients.Stream s = clients.open(b.port(), "/s");
            await().until(() -> s.body().contains("\n"));
            String conn = s.body().strip();
            awaitSubscribed(b, "conn:" + conn);
            awaitSubscribed(b, "user:u1");
            publish(a, "conn:" + conn, null, null, "just-you");
            publish(a, "user:u1", null, null, "hi-u1");
            await().until(() -> s.body().contains("hi-u1"));
            assertThat(s.body()).isEqualTo(conn + "\njust-you\nhi-u1\n");
            a.publish("{\"items\":[{\"channel\":\"conn:" + conn + "\",\"formats\":{\"http-stream\":{\"action\":\"close\"}}}]}");
            await().until(s::ended);

            CompletableFuture<HttpResponse<String>> poll = Holdfast.CLIENT.sendAsync(
                    HttpRequest.newBuilder(b.uri("/poll")).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            awaitSubscribed(b, "q");
            HttpResponse<String> r = Holdfast.CLIENT.send(HttpRequest.newBuilder(a.publishUri().resolve("/recover"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.body()).isEqualTo("Updated\n");
            assertThat(poll.get(10, java.util.concurrent.TimeUnit.SECONDS).body()).isEqualTo("after recover");
        }
    }
}
