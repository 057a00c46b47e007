package io.holdfast.example.qaboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.holdfast.grip.publisher.GripPublisher;
import io.holdfast.grip.sig.GripKey;
import io.holdfast.grip.sig.GripSig;
import io.holdfast.grip.websocket.WebSocketEvent;
import io.holdfast.grip.websocket.WebSocketEventCodec;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The origin over real HTTP, speaking WebSocket-over-HTTP as Holdfast would, with a fake publish API. */
class QaBoardServerTest {

    private static final GripKey KEY = GripKey.ofSecret("test-secret".getBytes(StandardCharsets.UTF_8));

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final BlockingQueue<String> published = new LinkedBlockingQueue<>();
    private HttpServer publishApi;
    private QaBoardServer server;

    @BeforeEach
    void start() throws Exception {
        publishApi = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        publishApi.createContext("/publish/", ex -> {
            published.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        publishApi.start();
        GripPublisher publisher = GripPublisher.fromGripUrl("http://127.0.0.1:" + publishApi.getAddress().getPort());
        server = QaBoardServer.start(new InetSocketAddress("127.0.0.1", 0), publisher, KEY);
    }

    @AfterEach
    void stop() {
        server.close();
        publishApi.stop(0);
    }

    @Test
    void aJoinIsAcceptedSubscribedAndAnsweredWithTheRoom() throws Exception {
        HttpResponse<byte[]> res = post("conn-1", List.of(), WebSocketEvent.open(),
                WebSocketEvent.text("{\"type\":\"join\",\"room\":\"Keynote\",\"name\":\"Ada\",\"user\":\"user-ada-1\"}"));

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("Sec-WebSocket-Extensions")).hasValue("grip");
        assertThat(res.headers().firstValue("Set-Meta-Room")).hasValue("keynote");
        assertThat(res.headers().firstValue("Set-Meta-User")).hasValue("user-ada-1");
        assertThat(res.headers().firstValue("Keep-Alive-Interval")).hasValue("20");
        List<WebSocketEvent> events = WebSocketEventCodec.decode(res.body());
        assertThat(events.get(0).type()).isEqualTo(WebSocketEvent.Type.OPEN);
        assertThat(events.get(1).text()).isEqualTo("c:{\"type\":\"subscribe\",\"channel\":\"qa-board:keynote\"}");
        assertThat(events.get(2).text()).startsWith("m:{\"type\":\"you\"");
        assertThat(events.get(3).text()).startsWith("m:{\"type\":\"state\"").contains("\"title\":\"Keynote\"");
    }

    @Test
    void aQuestionIsPublishedToTheRoomChannel() throws Exception {
        post("conn-1", List.of(), WebSocketEvent.open(),
                WebSocketEvent.text("{\"type\":\"join\",\"room\":\"keynote\",\"name\":\"Ada\",\"user\":\"user-ada-1\"}"));

        HttpResponse<byte[]> res = post("conn-1", List.of("Meta-Room", "keynote", "Meta-User", "user-ada-1"),
                WebSocketEvent.text("{\"type\":\"ask\",\"text\":\"Slides?\"}"));

        assertThat(res.statusCode()).isEqualTo(200);
        String body = nextPublishMentioning("Slides?");
        assertThat(body).contains("\"channel\":\"qa-board:keynote\"").contains("ws-message");
    }

    @Test
    void aClientCloseIsEchoedAndLeavesTheRoom() throws Exception {
        post("conn-1", List.of(), WebSocketEvent.open(),
                WebSocketEvent.text("{\"type\":\"join\",\"room\":\"keynote\",\"name\":\"Ada\",\"user\":\"user-ada-1\"}"));

        HttpResponse<byte[]> res = post("conn-1", List.of("Meta-Room", "keynote", "Meta-User", "user-ada-1"),
                WebSocketEvent.close(1000, "bye"));

        assertThat(WebSocketEventCodec.decode(res.body())).containsExactly(WebSocketEvent.close(1000, null));
        assertThat(nextPublishMentioning("\\\"online\\\":0")).isNotNull();
    }

    @Test
    void refusesRequestsWithoutAValidGripSig() throws Exception {
        HttpRequest req = wsRequest("conn-1", List.of(), "not-a-jwt", WebSocketEvent.open());

        assertThat(http.send(req, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(403);
    }

    @Test
    void refusesPostsThatAreNotWebSocketOverHttp() throws Exception {
        HttpRequest req = HttpRequest.newBuilder(uri("/ws")).POST(HttpRequest.BodyPublishers.ofString("{}"))
                .header("Content-Type", "application/json").build();

        HttpResponse<String> res = http.send(req, HttpResponse.BodyHandlers.ofString());

        assertThat(res.statusCode()).isEqualTo(400);
        assertThat(res.body()).contains("over_http");
    }

    @Test
    void servesThePageAndMarksItWhenNotThroughHoldfast() throws Exception {
        HttpResponse<String> direct = http.send(HttpRequest.newBuilder(uri("/")).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> proxied = http.send(HttpRequest.newBuilder(uri("/"))
                .header("Grip-Sig", GripSig.sign(KEY, "pushpin", Instant.now())).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> script = http.send(HttpRequest.newBuilder(uri("/app.js")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(direct.statusCode()).isEqualTo(200);
        assertThat(direct.body()).contains("data-direct");
        assertThat(proxied.body()).contains("<h1>Ask the room</h1>").doesNotContain("data-direct>");
        assertThat(script.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
        assertThat(http.send(HttpRequest.newBuilder(uri("/nope")).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode()).isEqualTo(404);
    }

    private HttpResponse<byte[]> post(String connectionId, List<String> headers, WebSocketEvent... events) throws Exception {
        HttpRequest req = wsRequest(connectionId, headers, GripSig.sign(KEY, "pushpin", Instant.now()), events);
        return http.send(req, HttpResponse.BodyHandlers.ofByteArray());
    }

    private HttpRequest wsRequest(String connectionId, List<String> headers, String gripSig, WebSocketEvent... events) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri("/ws"))
                .timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/websocket-events")
                .header("Accept", "application/websocket-events")
                .header("Connection-Id", connectionId)
                .header("Grip-Sig", gripSig)
                .POST(HttpRequest.BodyPublishers.ofByteArray(WebSocketEventCodec.encode(List.of(events))));
        for (int i = 0; i < headers.size(); i += 2) {
            b.header(headers.get(i), headers.get(i + 1));
        }
        return b.build();
    }

    /** Waits (at most 5 s) for a publish whose body contains {@code text}. */
    private String nextPublishMentioning(String text) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            String body = published.poll(100, TimeUnit.MILLISECONDS);
            if (body != null && body.contains(text)) {
                return body;
            }
        }
        throw new AssertionError("no publish mentioning " + text);
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }
}
