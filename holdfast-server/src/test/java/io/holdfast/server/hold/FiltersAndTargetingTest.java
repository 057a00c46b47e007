package io.holdfast.server.hold;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.holdfast.server.testing.Holdfast;
import io.holdfast.server.testing.StreamClients;
import io.holdfast.server.testing.TestOrigin;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Subscription filters (spec 1.6) and the implicit conn:/user: channels, through real streams. */
class FiltersAndTargetingTest {
    private TestOrigin origin;
    private Holdfast holdfast;
    private StreamClients clients;

    @BeforeEach
    void start() throws Exception {
        origin = new TestOrigin();
        // /s?user=U&ch=C&filter=F&meta=k=v : a stream on channel C with filter F, meta user=U (+ k=v).
        origin.handle("/s", ex -> {
            var q = new io.netty.handler.codec.http.QueryStringDecoder(ex.getRequestURI().toString()).parameters();
            ex.getResponseHeaders().add("Grip-Hold", "stream");
            for (String ch : q.getOrDefault("ch", java.util.List.of("room"))) {
                StringBuilder spec = new StringBuilder(ch);
                for (String f : q.getOrDefault("filter", java.util.List.of())) {
                    spec.append("; filter=").append(f);
                }
                ex.getResponseHeaders().add("Grip-Channel", spec.toString());
            }
            StringBuilder meta = new StringBuilder();
            if (q.containsKey("user")) {
                meta.append("user=\"").append(q.get("user").get(0)).append('"');
            }
            for (String kv : q.getOrDefault("meta", java.util.List.of())) {
                String[] p = kv.split("=", 2);
                meta.append(meta.length() > 0 ? ", " : "").append(p[0]).append("=\"").append(p[1]).append('"');
            }
            if (meta.length() > 0) {
                ex.getResponseHeaders().add("Grip-Set-Meta", meta.toString());
            }
            byte[] id = ex.getRequestHeaders().getFirst("Grip-Connection-Id").getBytes();
            ex.sendResponseHeaders(200, id.length + 1);
            ex.getResponseBody().write(id);
            ex.getResponseBody().write('\n');
        });
        holdfast = Holdfast.start("* " + origin.target());
        clients = new StreamClients();
    }

    @AfterEach
    void stop() {
        clients.close();
        holdfast.close();
        origin.close();
    }

    private StreamClients.Stream open(String query, int expectedSubscriptions) throws Exception {
        StreamClients.Stream s = clients.open(holdfast.port(), "/s?" + query);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> holdfast.server().pubsub().subscriptionCount() == expectedSubscriptions);
        return s;
    }

    private void publish(String channel, String content, String extra) throws Exception {
        holdfast.publish("{\"items\":[{\"channel\":\"" + channel + "\"" + extra
                + ",\"formats\":{\"http-stream\":{\"content\":\"" + content + "\\n\"}}}]}");
    }

    @Test
    void skipSelfDropsTheSendersOwnMessage() throws Exception {
        StreamClients.Stream alice = open("user=alice&filter=skip-self", 1);
        StreamClients.Stream bob = open("user=bob&filter=skip-self", 2);
        publish("room", "from-alice", ",\"meta\":{\"sender\":\"alice\"}");
        publish("room", "marker", "");
        await().until(() -> alice.body().contains("marker") && bob.body().contains("marker"));
        assertThat(bob.body()).contains("from-alice");
        assertThat(alice.body()).doesNotContain("from-alice");
    }

    @Test
    void skipUsersAndRequireSubFilterDeliveries() throws Exception {
        StreamClients.Stream bob = open("user=bob&filter=skip-users&filter=require-sub", 1);
        StreamClients.Stream vip = open("user=carol&filter=require-sub&ch=room&ch=vip", 3);
        publish("room", "not-bob", ",\"meta\":{\"skip_users\":\"dave, bob\"}");
        publish("room", "vips-only", ",\"meta\":{\"require_sub\":\"vip\"}");
        publish("room", "marker", "");
        await().until(() -> bob.body().contains("marker") && vip.body().contains("marker"));
        assertThat(bob.body()).doesNotContain("not-bob").doesNotContain("vips-only");
        assertThat(vip.body()).contains("not-bob").contains("vips-only");
    }

    @Test
    void varSubstFillsInSubscriptionMetaAndContentFiltersGateDelivery() throws Exception {
        StreamClients.Stream ann = open("filter=var-subst&meta=name=Ann", 1);
        StreamClients.Stream plain = open("", 2);
        holdfast.publish("{\"items\":[{\"channel\":\"room\",\"formats\":{\"http-stream\":"
                + "{\"content\":\"hi %(name)s 100%%\\n\",\"content-filters\":[\"var-subst\"]}}}]}");
        publish("room", "marker", "");
        await().until(() -> ann.body().contains("marker") && plain.body().contains("marker"));
        assertThat(ann.body()).contains("hi Ann 100%\n");
        assertThat(plain.body()).doesNotContain("hi ");
    }

    @Test
    void buildIdStampsTheChannelsLastId() throws Exception {
        StreamClients.Stream s = open("filter=build-id&meta=id_format=%25(room)s", 1);
        holdfast.publish("{\"items\":[{\"channel\":\"room\",\"id\":\"42\",\"formats\":{\"http-stream\":"
                + "{\"content\":\"id: %I\\n\",\"content-filters\":[\"build-id\"]}}}]}");
        await().until(() -> s.body().contains("id: "));
        assertThat(s.body()).contains("id: 42\n");
    }

    @Test
    void oneConnectionAndOneUserCanBeReachedWithoutAChannelOfTheirOwn() throws Exception {
        StreamClients.Stream a = open("user=u1", 1);
        StreamClients.Stream b = open("user=u2", 2);
        await().until(() -> a.body().contains("\n") && b.body().contains("\n"));
        String connA = a.body().strip();
        publish("conn:" + connA, "just-a", "");
        publish("user:u2", "just-u2", "");
        publish("room", "marker", "");
        await().until(() -> a.body().contains("marker") && b.body().contains("marker"));
        assertThat(a.body()).contains("just-a").doesNotContain("just-u2");
        assertThat(b.body()).contains("just-u2").doesNotContain("just-a");
        holdfast.publish("{\"items\":[{\"channel\":\"conn:" + connA + "\",\"formats\":{\"http-stream\":{\"action\":\"close\"}}}]}");
        await().until(a::ended);
        assertThat(b.ended()).isFalse();
    }
}
