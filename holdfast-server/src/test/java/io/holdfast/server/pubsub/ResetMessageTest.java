package io.holdfast.server.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.holdfast.grip.websocket.WebSocketEvent;
import io.holdfast.server.testing.Holdfast;
import io.holdfast.server.testing.WsClient;
import io.holdfast.server.testing.WsOverHttpOrigin;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The reset message a WebSocket gets for a resume id no longer in history is JSON written by
 * Jackson: a channel name with a quote and a backslash comes back intact (the hand-built copy it
 * replaces left the backslash unescaped, so clients could not parse it).
 */
class ResetMessageTest {
    /** {@code q"\} as the origin's control message spells it in JSON. */
    private static final String CHANNEL = "q\"\\";
    private static final String CHANNEL_IN_JSON = "q\\\"\\\\";

    @Test
    void aWebSocketResetNamesAChannelWithQuotesAndBackslashesAsValidJson() throws Exception {
        try (WsOverHttpOrigin origin = new WsOverHttpOrigin((req, n) ->
                !req.events().isEmpty() && req.events().get(0).type() == WebSocketEvent.Type.OPEN
                        ? WsOverHttpOrigin.Reply.of(WebSocketEvent.open(), WebSocketEvent.text(
                                "c:{\"type\":\"resume\",\"channel\":\"" + CHANNEL_IN_JSON + "\",\"last-id\":\"0\"}"))
                            .header("Sec-WebSocket-Extensions", "grip")
                        : WsOverHttpOrigin.Reply.of());
             Holdfast holdfast = Holdfast.start(b -> b.historyChannels(List.of("q*")).historySize(2),
                     "* " + origin.target())) {
            for (int id = 1; id <= 3; id++) {
                holdfast.publish("{\"items\":[{\"channel\":\"" + CHANNEL_IN_JSON + "\",\"id\":\"" + id + "\""
                        + (id == 1 ? "" : ",\"prev-id\":\"" + (id - 1) + "\"")
                        + ",\"formats\":{\"ws-message\":{\"content\":\"m" + id + "\"}}}]}");
            }
            WsClient client = WsClient.connect(URI.create("ws://127.0.0.1:" + holdfast.port() + "/ws"));
            JsonNode reset = new ObjectMapper().readTree(client.next());
            assertThat(reset.get("type").asText()).isEqualTo("holdfast-reset");
            assertThat(reset.get("channel").asText()).isEqualTo(CHANNEL);
            assertThat(reset.get("last-id").asText()).isEqualTo("0");
        }
    }
}
