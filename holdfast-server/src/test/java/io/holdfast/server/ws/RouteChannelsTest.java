package io.holdfast.server.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.holdfast.grip.websocket.WebSocketEvent;
import io.holdfast.server.testing.Holdfast;
import io.holdfast.server.testing.StreamClients;
import io.holdfast.server.testing.TestOrigin;
import io.holdfast.server.testing.WsClient;
import io.holdfast.server.testing.WsOverHttpOrigin;
import io.holdfast.server.testing.WsOverHttpOrigin.Reply;
import java.net.URI;
import java.util.ArrayList;
import org.junit.jupiter.api.Test;

/**
 * A route target's implicit {@code sub=} channels belong to the route (issue 12 item 3): the origin
 * cannot unsubscribe them, neither with a WebSocket {@code c:unsubscribe} nor by leaving them out of a
 * next-link response's channel list.
 */
class RouteChannelsTest {

    @Test
    void aWebSocketOriginCannotUnsubscribeTheRoutesSubChannel() throws Exception {
        try (WsOverHttpOrigin origin = new WsOverHttpOrigin((req, n) -> {
            WebSocketEvent first = req.events().isEmpty() ? null : req.events().get(0);
            if (first != null && first.type() == WebSocketEvent.Type.OPEN) {
                return Reply.of(WebSocketEvent.open(),
                                WebSocketEvent.text("c:{\"type\":\"subscribe\",\"channel\":\"mine\"}"),
                                WebSocketEvent.text("c:{\"type\":\"unsubscribe\",\"channel\":\"news\"}"),
                                WebSocketEvent.text("c:{\"type\":\"unsubscribe\",\"channel\":\"mine\"}"),
                                WebSocketEvent.text("m:ready"))
                        .header("Sec-WebSocket-Extensions", "grip");
            }
            return new Reply(new ArrayList<>(), new ArrayList<>(), 200);
        });
             Holdfast holdfast = Holdfast.start("* " + origin.target() + ",over_http,sub=news")) {
            WsClient client = WsClient.connect(URI.create("ws://127.0.0.1:" + holdfast.port() + "/ws"));
            assertThat(client.next()).isEqualTo("ready");
            await().until(() -> !holdfast.server().pubsub().hasSubscribers("mine"));
            assertThat(holdfast.server().pubsub().hasSubscribers("news")).isTrue();
            holdfast.publish("{\"items\":[{\"channel\":\"news\",\"formats\":{\"ws-message\":{\"content\":\"headline\"}}}]}");
            assertThat(client.next()).isEqualTo("headline");
            client.socket().abort();
        }
    }

    @Test
    void aNextLinkResponseKeepsTheRoutesSubChannel() throws Exception {
        try (TestOrigin origin = new TestOrigin(); StreamClients clients = new StreamClients()) {
            origin.handle("/feed", ex -> {
                ex.getResponseHeaders().add("Grip-Hold", "stream");
                ex.getResponseHeaders().add("Grip-Channel", "a");
                ex.getResponseHeaders().add("Grip-Link", "</next>; rel=next");
                ex.sendResponseHeaders(200, -1);
            });
            origin.handle("/next", ex -> {
                ex.getResponseHeaders().add("Grip-Hold", "stream");
                ex.getResponseHeaders().add("Grip-Channel", "b");
                ex.getResponseHeaders().add("Grip-Link", "</next>; rel=next");
                ex.sendResponseHeaders(200, -1);
            });
            try (Holdfast holdfast = Holdfast.start("* " + origin.target() + ",sub=news")) {
                StreamClients.Stream s = clients.open(holdfast.port(), "/feed");
                await().until(() -> holdfast.server().pubsub().hasSubscribers("a"));
                holdfast.publish("{\"items\":[{\"channel\":\"a\",\"formats\":{\"http-stream\":{\"action\":\"hint\"}}}]}");
                await().until(() -> holdfast.server().pubsub().hasSubscribers("b")
                        && !holdfast.server().pubsub().hasSubscribers("a"));
                assertThat(holdfast.server().pubsub().hasSubscribers("news")).isTrue();
                holdfast.publish("{\"items\":[{\"channel\":\"news\",\"formats\":{\"http-stream\":{\"content\":\"headline\\n\"}}}]}");
                await().until(() -> s.body().endsWith("headline\n"));
            }
        }
    }
}
