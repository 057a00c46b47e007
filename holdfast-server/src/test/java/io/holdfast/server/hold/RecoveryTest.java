package io.holdfast.server.hold;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.holdfast.server.testing.Holdfast;
import io.holdfast.server.testing.StreamClients;
import io.holdfast.server.testing.TestOrigin;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Grip-Link next and gone, Grip-Last recovery of streams and long-polls (spec 1.5, 4). */
class RecoveryTest {
    private TestOrigin origin;
    private Holdfast holdfast;
    private StreamClients clients;

    @BeforeEach
    void start() throws Exception {
        origin = new TestOrigin();
        holdfast = Holdfast.start(b -> b.messageWait(Duration.ofMillis(200)), "* " + origin.target());
        clients = new StreamClients();
    }

    @AfterEach
    void stop() {
        clients.close();
        holdfast.close();
        origin.close();
    }

    private void publish(String id, String prevId, String format) throws Exception {
        holdfast.publish("{\"items\":[{\"channel\":\"c\",\"id\":\"" + id + "\",\"prev-id\":\"" + prevId + "\","
                + "\"formats\":{" + format + "}}]}");
    }

    private static void respond(com.sun.net.httpserver.HttpExchange ex, String body) throws java.io.IOException {
        byte[] b = body.getBytes();
        ex.sendResponseHeaders(200, b.length == 0 ? -1 : b.length);
        if (b.length > 0) {
            ex.getResponseBody().write(b);
        }
    }

    @Test
    void aGapPastMessageWaitRecoversThroughTheNextLinkWithGripLast() throws Exception {
        origin.handle("/feed", ex -> {
            ex.getResponseHeaders().add("Grip-Hold", "stream");
            ex.getResponseHeaders().add("Grip-Channel", "c; prev-id=1");
            ex.getResponseHeaders().add("Grip-Link", "</feed/next>; rel=next");
            respond(ex, "start\n");
        });
        StreamClients.Stream s = clients.open(holdfast.port(), "/feed");
        await().until(() -> holdfast.server().pubsub().subscriptionCount() == 1);
        origin.nextRequest();
        origin.handle("/feed/next", ex -> {
            String last = ex.getRequestHeaders().getFirst("Grip-Last");
            ex.getResponseHeaders().add("Grip-Hold", "stream");
            ex.getResponseHeaders().add("Grip-Channel", "c; prev-id=4");
            ex.getResponseHeaders().add("Grip-Link", "</feed/next>; rel=next");
            respond(ex, "recovered after " + last + "\n");
        });
        publish("2", "1", "\"http-stream\":{\"content\":\"two\\n\"}");
        publish("4", "3", "\"http-stream\":{\"content\":\"four\\n\"}");
        await().atMost(Duration.ofSeconds(10)).until(() -> s.body().contains("recovered"));
        assertThat(s.body()).isEqualTo("start\ntwo\nrecovered after c; last-id=2\n");
        TestOrigin.Seen next = origin.nextRequest();
        assertThat(next.uri()).isEqualTo("/feed/next");
        assertThat(next.headers().getFirst("Grip-Sig")).isNotBlank();
        publish("5", "4", "\"http-stream\":{\"content\":\"five\\n\"}");
        await().until(() -> s.body().endsWith("five\n"));
    }

    @Test
    void aHintRetriesALongPollWithGripLastAndTheClientGetsTheNewAnswer() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        origin.handle("/poll", ex -> {
            if (calls.incrementAndGet() == 1) {
                ex.getResponseHeaders().add("Grip-Hold", "response");
                ex.getResponseHeaders().add("Grip-Channel", "c; prev-id=7");
                respond(ex, "timeout body");
            } else {
                respond(ex, "fresh, after " + ex.getRequestHeaders().getFirst("Grip-Last"));
            }
        });
        CompletableFuture<HttpResponse<String>> poll = Holdfast.CLIENT.sendAsync(
                HttpRequest.newBuilder(holdfast.uri("/poll")).build(), HttpResponse.BodyHandlers.ofString());
        await().until(() -> holdfast.server().pubsub().subscriptionCount() == 1);
        holdfast.publish("{\"items\":[{\"channel\":\"c\",\"formats\":{\"http-response\":{\"action\":\"hint\"}}}]}");
        assertThat(poll.get(10, TimeUnit.SECONDS).body()).isEqualTo("fresh, after c; last-id=7");
    }

    @Test
    void theRecoverEndpointMakesHeldLongPollsAskTheOriginAgain() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        origin.handle("/poll", ex -> {
            if (calls.incrementAndGet() == 1) {
                ex.getResponseHeaders().add("Grip-Hold", "response");
                ex.getResponseHeaders().add("Grip-Channel", "c");
                respond(ex, "timeout body");
            } else {
                respond(ex, "after recover");
            }
        });
        CompletableFuture<HttpResponse<String>> poll = Holdfast.CLIENT.sendAsync(
                HttpRequest.newBuilder(holdfast.uri("/poll")).build(), HttpResponse.BodyHandlers.ofString());
        await().until(() -> holdfast.server().pubsub().subscriptionCount() == 1);
        HttpResponse<String> r = Holdfast.CLIENT.send(HttpRequest.newBuilder(holdfast.publishUri().resolve("/recover"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.body()).isEqualTo("Updated\n");
        assertThat(poll.get(10, TimeUnit.SECONDS).body()).isEqualTo("after recover");
    }

    @Test
    void aNextLinkWithoutHoldContinuesTheResponseThenEndsIt() throws Exception {
        origin.handle("/a", ex -> {
            ex.getResponseHeaders().add("Grip-Link", "</b>; rel=next");
            respond(ex, "part1\n");
        });
        origin.handle("/b", ex -> respond(ex, "part2\n"));
        StreamClients.Stream s = clients.open(holdfast.port(), "/a");
        await().atMost(Duration.ofSeconds(10)).until(s::ended);
        assertThat(s.body()).isEqualTo("part1\npart2\n");
    }

    @Test
    void withCollapseNextIdenticalNextLinkFetchesShareOneRequest() throws Exception {
        holdfast.close();
        holdfast = Holdfast.start(b -> b.ioThreads(1), "*,collapse_next " + origin.target());
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        AtomicInteger nextCalls = new AtomicInteger();
        origin.handle("/a", ex -> {
            ex.getResponseHeaders().add("Grip-Link", "</b>; rel=next");
            respond(ex, "part1\n");
        });
        origin.handle("/b", ex -> {
            nextCalls.incrementAndGet();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            respond(ex, "part2\n");
        });
        StreamClients.Stream one = clients.open(holdfast.port(), "/a");
        StreamClients.Stream two = clients.open(holdfast.port(), "/a");
        await().until(() -> one.body().equals("part1\n") && two.body().equals("part1\n") && nextCalls.get() >= 1);
        release.countDown();
        await().until(() -> one.ended() && two.ended());
        assertThat(one.body()).isEqualTo("part1\npart2\n");
        assertThat(two.body()).isEqualTo("part1\npart2\n");
        assertThat(nextCalls.get()).isEqualTo(1);
    }

    @Test
    void aGoneLinkIsPostedWhenTheClientDisconnects() throws Exception {
        origin.handle("/sse", ex -> {
            ex.getResponseHeaders().add("Content-Type", "text/event-stream");
            ex.getResponseHeaders().add("Grip-Hold", "stream");
            ex.getResponseHeaders().add("Grip-Channel", "c");
            ex.getResponseHeaders().add("Grip-Link", "</sse/gone?conn=abc>; rel=gone");
            respond(ex, "");
        });
        origin.handle("/sse/gone", ex -> respond(ex, ""));
        StreamClients.Stream s = clients.open(holdfast.port(), "/sse");
        await().until(() -> holdfast.server().pubsub().subscriptionCount() == 1);
        origin.nextRequest();
        s.channel().close();
        TestOrigin.Seen gone = origin.nextRequest();
        assertThat(gone.method()).isEqualTo("POST");
        assertThat(gone.uri()).isEqualTo("/sse/gone?conn=abc");
    }
}
