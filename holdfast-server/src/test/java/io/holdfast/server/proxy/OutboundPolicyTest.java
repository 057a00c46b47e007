package io.holdfast.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.holdfast.server.config.OutboundPolicySettings;
import io.holdfast.server.testing.Holdfast;
import io.holdfast.server.testing.StreamClients;
import io.holdfast.server.testing.TestOrigin;
import java.net.InetAddress;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The outbound network policy (issue 12 item 4): {@code untrusted} targets and {@code Grip-Link}
 * URLs on other hosts never reach internal addresses unless {@code allow} names them.
 */
class OutboundPolicyTest {
    private TestOrigin origin;
    private TestOrigin elsewhere;
    private final StreamClients clients = new StreamClients();

    @BeforeEach
    void start() throws Exception {
        origin = new TestOrigin();
        elsewhere = new TestOrigin();
        origin.handle("/", ex -> {
            byte[] b = "origin".getBytes();
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
        });
    }

    @AfterEach
    void stop() {
        clients.close();
        origin.close();
        elsewhere.close();
    }

    private static OutboundPolicySettings allowing(String... patterns) {
        return OutboundPolicySettings.DEFAULT.withAllow(List.of(patterns));
    }

    @Test
    void anUntrustedTargetOnLoopbackIsRefusedWith502AndTheDebugBodySaysWhy() throws Exception {
        try (Holdfast hf = Holdfast.start("*,debug " + origin.target() + ",untrusted")) {
            HttpResponse<String> r = hf.get("/");
            assertThat(r.statusCode()).isEqualTo(502);
            assertThat(r.body()).startsWith("Unable to connect to any targets. Tried: " + origin.target() + ": ")
                    .contains(OutboundPolicy.BLOCKED).contains("internal address");
        }
        try (Holdfast hf = Holdfast.start("* " + origin.target() + ",untrusted")) {
            HttpResponse<String> r = hf.get("/");
            assertThat(r.statusCode()).isEqualTo(502);
            assertThat(r.body()).doesNotContain("127.0.0.1");
        }
        assertThat(origin.requestCount()).isZero();
    }

    @Test
    void aDebugRouteThatCannotConnectAnswersInPushpinsWords() throws Exception {
        int dead;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            dead = s.getLocalPort();
        }
        try (Holdfast hf = Holdfast.start("*,debug 127.0.0.1:" + dead + " " + origin.target() + ",untrusted")) {
            HttpResponse<String> r = hf.get("/");
            assertThat(r.statusCode()).isEqualTo(502);
            assertThat(r.body()).isEqualTo("Unable to connect to any targets. Tried: 127.0.0.1:" + dead
                    + ": connection refused; " + origin.target() + ": " + OutboundPolicy.BLOCKED + " (127.0.0.1 is an"
                    + " internal address).\n");
        }
    }

    @Test
    void allowListsAndTrustedTargetsReachLoopback() throws Exception {
        try (Holdfast hf = Holdfast.start(b -> b.outboundPolicy(allowing("127/8")), "* " + origin.target() + ",untrusted")) {
            assertThat(hf.get("/").body()).isEqualTo("origin");
        }
        try (Holdfast hf = Holdfast.start("* " + origin.target())) {
            assertThat(hf.get("/").body()).isEqualTo("origin");
        }
    }

    @Test
    void aNextLinkToAnotherHostOnLoopbackIsNotFetchedUnlessAllowed() throws Exception {
        elsewhere.handle("/next", ex -> {
            byte[] b = "from elsewhere\n".getBytes();
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
        });
        origin.handle("/feed", ex -> {
            ex.getResponseHeaders().add("Grip-Link", "<http://" + elsewhere.target() + "/next>; rel=next");
            byte[] b = "first\n".getBytes();
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
        });
        try (Holdfast hf = Holdfast.start("* " + origin.target())) {
            StreamClients.Stream s = clients.open(hf.port(), "/feed");
            await().until(() -> s.body().startsWith("first\n"));
            // Refusals are retried like failures (after 1-2 s, then 2-3 s): nothing may reach either host meanwhile.
            await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(5))
                    .until(() -> s.body().equals("first\n") && elsewhere.requestCount() == 0 && origin.requestCount() == 1);
        }
        try (Holdfast hf = Holdfast.start(b -> b.outboundPolicy(allowing(elsewhere.target().split(":")[0])),
                "* " + origin.target())) {
            StreamClients.Stream s = clients.open(hf.port(), "/feed");
            await().until(() -> s.body().equals("first\nfrom elsewhere\n"));
            TestOrigin.Seen seen = elsewhere.nextRequest();
            assertThat(seen.uri()).isEqualTo("/next");
            assertThat(seen.headers().getFirst("Host")).isEqualTo(elsewhere.target());
            assertThat(seen.headers().containsKey("Grip-sig")).isFalse();
        }
    }

    @Test
    void aGoneLinkToAnotherHostOnLoopbackIsNotSent() throws Exception {
        CountDownLatch gone = new CountDownLatch(1);
        elsewhere.handle("/gone", ex -> {
            gone.countDown();
            ex.sendResponseHeaders(204, -1);
        });
        origin.handle("/poll", ex -> {
            ex.getResponseHeaders().add("Grip-Hold", "stream");
            ex.getResponseHeaders().add("Grip-Channel", "c");
            ex.getResponseHeaders().add("Grip-Link", "<http://" + elsewhere.target() + "/gone>; rel=gone");
            ex.getResponseHeaders().add("Grip-Link", "</gone-here>; rel=gone");
            ex.sendResponseHeaders(200, 0);
            ex.getResponseBody().close();
        });
        origin.handle("/gone-here", ex -> ex.sendResponseHeaders(204, -1));
        try (Holdfast hf = Holdfast.start("* " + origin.target())) {
            StreamClients.Stream s = clients.open(hf.port(), "/poll");
            await().until(() -> hf.server().pubsub().hasSubscribers("c"));
            s.channel().close();
            await().until(() -> !hf.server().pubsub().hasSubscribers("c"));
        }
        // Only the first gone link counts; it is refused, so elsewhere never hears of it.
        assertThat(gone.await(1, TimeUnit.SECONDS)).isFalse();
    }

    @Test
    void patternsFollowZurlsSyntax() throws Exception {
        OutboundPolicy policy = new OutboundPolicy(new OutboundPolicySettings(true,
                List.of("10.1/16", "*.allowed.test"), List.of("203.0.113.0/24", "*.bad.test")));
        InetAddress publicAddress = InetAddress.getByName("198.51.100.7");
        assertThat(policy.refusal("198.51.100.7", publicAddress)).isNull();
        assertThat(policy.refusal("x.bad.test", publicAddress)).contains("denied");
        assertThat(policy.refusal("203.0.113.9", InetAddress.getByName("203.0.113.9"))).contains("denied");
        assertThat(policy.refusal("10.1.2.3", InetAddress.getByName("10.1.2.3"))).isNull();
        assertThat(policy.refusal("10.2.0.1", InetAddress.getByName("10.2.0.1"))).contains("internal");
        assertThat(policy.refusal("in.allowed.test", InetAddress.getByName("127.0.0.1"))).isNull();
        for (String internal : List.of("127.0.0.1", "::1", "169.254.169.254", "192.168.1.1", "172.16.0.1", "fd00::1",
                "fe80::1", "224.0.0.1", "0.0.0.0", "100.64.0.1", "::ffff:127.0.0.1")) {
            assertThat(policy.refusal(internal, InetAddress.getByName(internal))).as(internal).contains("internal");
        }
        OutboundPolicy denyAll = new OutboundPolicy(new OutboundPolicySettings(false, List.of("198.51.100.7"), List.of()));
        assertThat(denyAll.refusal("198.51.100.7", publicAddress)).isNull();
        assertThat(denyAll.refusal("198.51.100.8", InetAddress.getByName("198.51.100.8"))).contains("defpolicy=deny");
    }
}
