package io.holdfast.bench.origin;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.grip.websocket.WebSocketEvent;
import io.holdfast.grip.websocket.WebSocketEventCodec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class BenchOriginTest {

    private static BenchOrigin origin;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        origin = BenchOrigin.start("127.0.0.1", 0, 1);
    }

    @AfterAll
    static void stop() {
        origin.close();
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + origin.port() + path);
    }

    @Test
    void plainAnswersWithTheAskedSize() throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri("/plain?size=37")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).hasSize(37).endsWith("\n");
    }

    @Test
    void sseHoldsAStreamOnTheChannelFromTheQuery() throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri("/sse?channel=room-9")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Grip-Hold")).hasValue("stream");
        assertThat(r.headers().firstValue("Grip-Channel")).hasValue("room-9");
        assertThat(r.headers().firstValue("Content-Type")).hasValue("text/event-stream");
        assertThat(r.headers().firstValue("Grip-Keep-Alive")).isEmpty();
        assertThat(r.body()).isEqualTo(":held\n\n");
    }

    @Test
    void webSocketOverHttpOpenIsAcceptedAndSubscribed() throws Exception {
        byte[] open = WebSocketEventCodec.encode(List.of(WebSocketEvent.open()));
        HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(uri("/ws?channel=a&channel=b"))
                .header("Content-Type", "application/websocket-events")
                .POST(HttpRequest.BodyPublishers.ofByteArray(open)).build(), HttpResponse.BodyHandlers.ofByteArray());

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/websocket-events");
        assertThat(r.headers().firstValue("Sec-WebSocket-Extensions")).hasValue("grip");
        // Decoded with holdfast-grip's codec: the two must agree on the format.
        assertThat(WebSocketEventCodec.decode(r.body())).containsExactly(WebSocketEvent.open(),
                WebSocketEvent.text("c:{\"type\":\"subscribe\",\"channel\":\"a\"}"),
                WebSocketEvent.text("c:{\"type\":\"subscribe\",\"channel\":\"b\"}"));
    }

    @Test
    void webSocketOverHttpCloseIsEchoedAndOtherEventsGetAnEmptyAnswer() throws Exception {
        byte[] body = WebSocketEventCodec.encode(List.of(WebSocketEvent.text("hi"), WebSocketEvent.close(1000, "")));
        HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(uri("/ws"))
                .header("Content-Type", "application/websocket-events")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());

        assertThat(WebSocketEventCodec.decode(r.body())).containsExactly(WebSocketEvent.close(1000, ""));

        byte[] text = WebSocketEventCodec.encode(List.of(WebSocketEvent.text("hi")));
        r = HTTP.send(HttpRequest.newBuilder(uri("/ws"))
                .header("Content-Type", "application/websocket-events")
                .POST(HttpRequest.BodyPublishers.ofByteArray(text)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEmpty();
    }

    @Test
    void unknownPathsAre404() throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri("/nope")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(404);
    }
}
