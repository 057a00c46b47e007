package io.holdfast.grip.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PublishRequestWriterTest {

    private static List<PublishItem> roundTrip(List<PublishItem> items) {
        return PublishRequestParser.parse(PublishRequestWriter.toJson(items));
    }

    @Test
    void items_with_every_field_round_trip() {
        ArrayNode patch = JsonNodeFactory.instance.arrayNode();
        patch.addObject().put("op", "add").put("path", "/messages/-").put("value", "hi");
        byte[] binary = {0, (byte) 0xff, 10};
        List<PublishItem> items = List.of(
                PublishItem.builder("room1").id("18").prevId("17").meta("sender", "alice").noSeq(true).size(12)
                        .httpResponse(new HttpResponseFormat(Action.SEND, 404, "Nope",
                                List.of(Map.entry("Content-Type", "text/plain"), Map.entry("X-A", "1")),
                                List.of("X-A"), "body".getBytes(StandardCharsets.UTF_8), null,
                                List.of("var-subst")))
                        .httpStream(new HttpStreamFormat(Action.SEND, binary, List.of()))
                        .wsMessage(new WsMessageFormat(Action.SEND, WsMessageType.TEXT, binary, null, null,
                                List.of("build-id", "var-subst")))
                        .build(),
                PublishItem.builder("room2")
                        .httpResponse(new HttpResponseFormat(Action.SEND, 200, null, List.of(), null, null, patch,
                                null))
                        .httpStream(HttpStreamFormat.close())
                        .wsMessage(WsMessageFormat.close(1000, "bye"))
                        .build(),
                PublishItem.builder("room3")
                        .httpResponse(HttpResponseFormat.hint())
                        .httpStream(HttpStreamFormat.hint())
                        .wsMessage(WsMessageFormat.refresh())
                        .build(),
                PublishItem.builder("room4")
                        .wsMessage(new WsMessageFormat(Action.SEND, WsMessageType.PING, null, null, null, null))
                        .httpResponse(new HttpResponseFormat(Action.SEND, 200, null, List.of(), List.of(),
                                binary, null, null))
                        .build());
        assertThat(roundTrip(items)).isEqualTo(items);
    }

    @Test
    void utf8_content_is_written_as_text_and_other_bytes_as_base64() {
        String json = new String(PublishRequestWriter.toJson(List.of(
                PublishItem.builder("c").httpStream(HttpStreamFormat.of("héllo\n")).build(),
                PublishItem.builder("c").httpStream(HttpStreamFormat.of(new byte[] {(byte) 0xc3})).build())),
                StandardCharsets.UTF_8);
        assertThat(json).isEqualTo("{\"items\":[{\"channel\":\"c\",\"formats\":{\"http-stream\":"
                + "{\"content\":\"héllo\\n\"}}},{\"channel\":\"c\",\"formats\":{\"http-stream\":"
                + "{\"content-bin\":\"ww==\"}}}]}");
    }

    @Test
    void items_refuse_invalid_values() {
        assertThatThrownBy(() -> PublishItem.builder("c").build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no formats specified");
        assertThatThrownBy(() -> PublishItem.builder("").httpStream(HttpStreamFormat.close()).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HttpStreamFormat(Action.SEND, null, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new WsMessageFormat(Action.SEND, WsMessageType.TEXT, null, null, null, null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void with_channel_keeps_everything_else() {
        PublishItem item = PublishItem.builder("c").id("1").httpStream(HttpStreamFormat.of("x")).build();
        PublishItem moved = item.withChannel("prefix.c");
        assertThat(moved.channel()).isEqualTo("prefix.c");
        assertThat(moved.withChannel("c")).isEqualTo(item);
    }
}
