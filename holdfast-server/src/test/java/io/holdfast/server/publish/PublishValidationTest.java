package io.holdfast.server.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.holdfast.server.testing.Holdfast;
import io.holdfast.server.testing.RawHttp;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * Issue 10 defects 3 and 5: every publish item is validated whole at the publish API, so an item
 * that would split a response (CR/LF in a header), frame it twice ({@code Transfer-Encoding} beside
 * Holdfast's {@code Content-Length}) or make an invalid close frame gets 400 naming the field, and
 * nothing of it reaches a subscriber. Before the fix each was answered "Published".
 */
class PublishValidationTest {
    private final ExecutorService rawClients = Executors.newCachedThreadPool();
    private final ZContext zmq = new ZContext();
    private Holdfast holdfast;

    @BeforeEach
    void start() throws Exception {
        holdfast = Holdfast.start(b -> b.zmq(true).pushInSpec("tcp://127.0.0.1:*").pushInSubSpecs(List.of())
                .commandSpec("tcp://127.0.0.1:0"), "* test");
    }

    @AfterEach
    void stop() {
        rawClients.shutdownNow();
        zmq.close();
        holdfast.close();
    }

    private static String item(String formats) {
        return "{\"items\":[{\"channel\":\"test\",\"formats\":{" + formats + "}}]}";
    }

    private void assertRefused(String formats, String message) throws Exception {
        HttpResponse<String> r = holdfast.publish(item(formats));
        assertThat(r.statusCode()).as(formats).isEqualTo(400);
        assertThat(r.body()).as(formats).isEqualTo("Invalid format: item 0: " + message + "\n");
    }

    /** A long-poll on the test endpoint, read as raw bytes so every header line can be seen. */
    private CompletableFuture<String> longPoll() {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return RawHttp.exchange(holdfast.port(), "GET /long-poll HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Connection: close\r\n\r\n");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, rawClients);
    }

    @Test
    void headerInjectionAndFramingHeadersAreRefusedAndTheWaitingLongPollGetsOnlyTheValidPublish() throws Exception {
        CompletableFuture<String> poll = longPoll();
        await().until(() -> holdfast.server().pubsub().hasSubscribers("test"));

        assertRefused("\"http-response\":{\"body\":\"x\",\"headers\":{\"X-A\":\"a\\r\\nSet-Cookie: x=1\"}}",
                "formats.http-response.headers.X-A: header value has a CR (expected: no control characters,"
                        + " RFC 9110 §5.5)");
        assertRefused("\"http-response\":{\"body\":\"x\",\"headers\":[[\"X-A\\r\\nSet-Cookie\",\"x=1\"]]}",
                "formats.http-response.headers[0]: header name \"X-A\\x0d\\x0aSet-Cookie\" has a CR (expected: an"
                        + " RFC 9110 token)");
        assertRefused("\"http-response\":{\"body\":\"x\",\"headers\":{\"X-A\":\"a\\u0000b\"}}",
                "formats.http-response.headers.X-A: header value has a NUL (expected: no control characters,"
                        + " RFC 9110 §5.5)");
        assertRefused("\"http-response\":{\"body\":\"x\",\"headers\":{\"Transfer-Encoding\":\"chunked\"}}",
                "formats.http-response.headers.Transfer-Encoding: header Transfer-Encoding is hop-by-hop or framing;"
                        + " Holdfast sets it itself");
        for (String name : new String[] {"Content-Length", "Connection", "Keep-Alive", "Upgrade", "TE", "Trailer",
                "Proxy-Connection"}) {
            assertRefused("\"http-response\":{\"body\":\"x\",\"headers\":{\"" + name + "\":\"1\"}}",
                    "formats.http-response.headers." + name + ": header " + name
                            + " is hop-by-hop or framing; Holdfast sets it itself");
        }
        assertRefused("\"http-response\":{\"body\":\"x\",\"reason\":\"OK\\r\\nSet-Cookie: x=1\"}",
                "formats.http-response.reason: reason phrase has a CR (expected: no control characters, RFC 9112 §4)");
        // Refused items never reached delivery: the long-poll is still waiting.
        assertThat(poll).isNotDone();
        assertThat(holdfast.server().counters().publishRequests.sum()).isZero();

        assertThat(holdfast.publish(item("\"http-response\":{\"body\":\"fine\\n\",\"headers\":{\"X-A\":\"a\\tb\"}}"))
                .statusCode()).isEqualTo(200);
        String response = poll.get(10, TimeUnit.SECONDS);
        assertThat(response).startsWith("HTTP/1.1 200 OK\r\n").contains("\r\nX-A: a\tb\r\n").endsWith("\r\n\r\nfine\n");
        assertThat(response.toLowerCase(java.util.Locale.ROOT)).doesNotContain("set-cookie")
                .doesNotContain("transfer-encoding");
    }

    @Test
    void wsMessageCloseCodesAnEndpointMayNotSendAreRefused() throws Exception {
        assertRefused("\"ws-message\":{\"action\":\"close\",\"code\":0}", "formats.ws-message.code: close code 0 may"
                + " not be sent (expected: 1000-1003, 1007-1014 or 3000-4999, RFC 6455 §7.4)");
        for (int code : new int[] {999, 1004, 1005, 1006, 1015, 2999, 5000, 65536}) {
            HttpResponse<String> r = holdfast.publish(item("\"ws-message\":{\"action\":\"close\",\"code\":" + code + "}"));
            assertThat(r.statusCode()).as("%d", code).isEqualTo(400);
            assertThat(r.body()).as("%d", code).contains("formats.ws-message.code: close code " + code);
        }
        assertRefused("\"ws-message\":{\"action\":\"close\",\"code\":1000,\"reason\":\"" + "r".repeat(124) + "\"}",
                "formats.ws-message.reason: close reason is 124 bytes long (max 123 bytes of UTF-8, RFC 6455 §5.5)");
        assertThat(holdfast.publish(item("\"ws-message\":{\"action\":\"close\",\"code\":4000,\"reason\":\"bye\"}"))
                .statusCode()).isEqualTo(200);
    }

    @Test
    void theZeroMqInputsApplyTheSameRules() throws Exception {
        ZmqEndpoints at = holdfast.server().zmqEndpoints().orElseThrow();
        ZMQ.Socket req = zmq.createSocket(SocketType.REQ);
        req.setLinger(0);
        req.setReceiveTimeOut(10_000);
        req.setHandshakeIvl(1000);
        req.connect(at.command());
        req.send(("J{\"method\":\"publish\",\"args\":" + item("\"http-response\":{\"body\":\"x\",\"headers\":"
                + "{\"X-A\":\"a\\r\\nSet-Cookie: x=1\"}}") + "}").getBytes(StandardCharsets.UTF_8), 0);
        String reply = new String(req.recv(0), StandardCharsets.UTF_8);
        assertThat(reply).startsWith("J{\"success\":false,\"condition\":\"bad-request\"")
                .contains("formats.http-response.headers.X-A: header value has a CR");

        ZMQ.Socket push = zmq.createSocket(SocketType.PUSH);
        push.setLinger(0);
        push.setHandshakeIvl(1000);
        push.connect(at.pull());
        push.send(("J{\"channel\":\"test\",\"formats\":{\"ws-message\":{\"action\":\"close\",\"code\":0}}}")
                .getBytes(StandardCharsets.UTF_8), 0);
        Map<String, Object> tnet = Map.of("channel", "test".getBytes(StandardCharsets.UTF_8), "formats",
                Map.of("http-response", Map.of("body", "x".getBytes(StandardCharsets.UTF_8), "headers",
                        Map.of("Content-Length", "1".getBytes(StandardCharsets.UTF_8)))));
        push.send(io.holdfast.grip.tnetstring.TNetStrings.encode(tnet), 0);
        await().until(() -> holdfast.server().zmqInputs().orElseThrow().droppedMessages() == 2);
        assertThat(holdfast.server().counters().publishRequests.sum()).isZero();
    }
}
