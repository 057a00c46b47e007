package io.holdfast.grip.tnetstring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.holdfast.grip.publish.Action;
import io.holdfast.grip.publish.PublishFormatException;
import io.holdfast.grip.publish.PublishItem;
import io.holdfast.grip.publish.WsMessageType;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TNetStringItemsTest {

    private static final byte[] NOT_UTF8 = {'a', (byte) 0xff, 0, 'b'};

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** An item as a publisher's tnetstring library would send it: every string a byte string. */
    private static Map<String, Object> item(Object... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            Object v = keyValues[i + 1];
            m.put((String) keyValues[i], v instanceof String s ? b(s) : v);
        }
        return m;
    }

    /** Encodes then parses, so every test goes through the wire form. */
    private static PublishItem parse(Map<String, Object> item, String channel) {
        return TNetStringItems.parseItem(TNetStrings.encode(item), channel);
    }

    @Test
    void stream_content_carries_raw_bytes() {
        PublishItem p = parse(item("channel", "room", "id", "2", "prev-id", "1",
                "formats", Map.of("http-stream", item("content", NOT_UTF8))), null);
        assertThat(p.channel()).isEqualTo("room");
        assertThat(p.id()).isEqualTo("2");
        assertThat(p.prevId()).isEqualTo("1");
        assertThat(p.httpStream().orElseThrow().content()).isEqualTo(NOT_UTF8);
    }

    @Test
    void legacy_form_with_formats_on_the_item_and_response_body_bytes() {
        PublishItem p = parse(item("channel", "c", "http-response", item("code", 201, "body", NOT_UTF8,
                "headers", Map.of("X-A", b("1")))), null);
        assertThat(p.httpResponse().orElseThrow().code()).isEqualTo(201);
        assertThat(p.httpResponse().orElseThrow().body()).isEqualTo(NOT_UTF8);
        assertThat(p.httpResponse().orElseThrow().headers()).containsExactly(Map.entry("X-A", "1"));
    }

    @Test
    void ws_message_content_is_text_and_content_bin_is_binary_as_in_pushpin() {
        PublishItem text = parse(item("channel", "c", "formats", Map.of("ws-message", item("content", "hi"))), null);
        assertThat(text.wsMessage().orElseThrow().type()).isEqualTo(WsMessageType.TEXT);
        assertThat(text.wsMessage().orElseThrow().content()).isEqualTo(b("hi"));

        PublishItem bin = parse(item("channel", "c", "formats",
                Map.of("ws-message", item("content-bin", NOT_UTF8, "content", "ignored"))), null);
        assertThat(bin.wsMessage().orElseThrow().type()).isEqualTo(WsMessageType.BINARY);
        assertThat(bin.wsMessage().orElseThrow().content()).isEqualTo(NOT_UTF8);

        PublishItem ping = parse(item("channel", "c", "formats",
                Map.of("ws-message", item("type", "ping", "content", "p"))), null);
        assertThat(ping.wsMessage().orElseThrow().type()).isEqualTo(WsMessageType.PING);
    }

    @Test
    void the_sub_topic_supplies_the_channel() {
        PublishItem p = parse(item("formats", Map.of("http-stream", item("content", "x"))), "topic");
        assertThat(p.channel()).isEqualTo("topic");
    }

    @Test
    void meta_numbers_and_booleans_map_to_their_json_types() {
        PublishItem p = parse(item("channel", "c", "meta", Map.of("sender", b("alice")), "no-seq", true,
                "size", 12, "formats", Map.of("http-stream", item("action", "close"))), null);
        assertThat(p.meta()).containsExactly(Map.entry("sender", "alice"));
        assertThat(p.noSeq()).isTrue();
        assertThat(p.size()).isEqualTo(12);
        assertThat(p.httpStream().orElseThrow().action()).isEqualTo(Action.CLOSE);
    }

    @Test
    void invalid_items_get_the_http_api_messages() {
        assertThatThrownBy(() -> parse(item("channel", "c"), null))
                .isInstanceOf(PublishFormatException.class).hasMessage("Invalid format: no formats specified");
        assertThatThrownBy(() -> parse(item("formats", Map.of("http-stream", item("content", "x"))), null))
                .hasMessage("Invalid format: channel: required");
        assertThatThrownBy(() -> parse(item("channel", "c", "formats", Map.of("http-stream", item("contnet", "x"))), null))
                .hasMessage("Invalid format: formats.http-stream.contnet: unknown field");
        assertThatThrownBy(() -> TNetStringItems.parseItem(TNetStrings.encode(List.of()), null))
                .isInstanceOf(PublishFormatException.class).hasMessage("Invalid format: not an object");
    }

    @Test
    void base64_fields_are_json_only_in_the_http_formats() {
        assertThatThrownBy(() -> parse(item("channel", "c", "formats",
                Map.of("http-stream", item("content-bin", "aGk="))), null))
                .isInstanceOf(PublishFormatException.class)
                .hasMessage("Invalid format: formats.http-stream.content-bin: base64 is for JSON only; "
                        + "a tnetstring carries the raw bytes in content");
        assertThatThrownBy(() -> parse(item("channel", "c", "http-response", item("body-bin", "aGk=")), null))
                .hasMessageStartingWith("Invalid format: http-response.body-bin: base64 is for JSON only");
    }

    @Test
    void text_fields_must_be_utf8() {
        assertThatThrownBy(() -> parse(item("channel", NOT_UTF8, "formats", Map.of("http-stream", item("content", "x"))), null))
                .isInstanceOf(PublishFormatException.class)
                .hasMessage("Invalid format: channel: byte string is not valid UTF-8");
    }

    @Test
    void a_command_publish_validates_every_item_and_names_the_bad_one() {
        Map<String, Object> good = item("channel", "a", "formats", Map.of("http-stream", item("content", "1")));
        assertThat(TNetStringItems.parseItems(TNetStrings.decode(TNetStrings.encode(List.of(good, good)))))
                .hasSize(2);
        Map<String, Object> bad = item("formats", Map.of("http-stream", item("content", "1")));
        assertThatThrownBy(() -> TNetStringItems.parseItems(List.of(good, bad)))
                .isInstanceOf(PublishFormatException.class)
                .hasMessage("Invalid format: item 1: channel: required")
                .satisfies(e -> assertThat(((PublishFormatException) e).itemIndex()).isEqualTo(1));
        assertThatThrownBy(() -> TNetStringItems.parseItems(List.of(good, "x")))
                .hasMessage("Invalid format: item 1: not an object");
        assertThatThrownBy(() -> TNetStringItems.parseItems(b("x")))
                .hasMessage("Invalid format: object contains 'items' with wrong type");
        assertThatThrownBy(() -> TNetStringItems.parseItems(null))
                .hasMessage("Invalid format: object does not contain 'items'");
    }

    @Test
    void malformed_bytes_are_a_tnetstring_error() {
        assertThatThrownBy(() -> TNetStringItems.parseItem(b("5:abc"), null))
                .isInstanceOf(TNetStringException.class);
    }
}
