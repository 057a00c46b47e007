package io.holdfast.grip.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class WebSocketEventCodecTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String string(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    private static void assertDecodeError(String message, String body) {
        assertThatThrownBy(() -> WebSocketEventCodec.decode(bytes(body)))
                .isInstanceOf(WebSocketEventException.class).hasMessage(message);
    }

    @Test
    void spec_example_exchange_decodes_and_encodes_byte_for_byte() {
        // Proxy -> origin: the first request.
        assertThat(string(WebSocketEventCodec.encode(List.of(WebSocketEvent.open())))).isEqualTo("OPEN\r\n");

        // Origin -> proxy: accept, subscribe, greet.
        String response = "OPEN\r\n"
                + "TEXT 28\r\nc:{\"type\":\"subscribe\",\"channel\":\"room1\"}\r\n"
                + "TEXT 7\r\nm:hello\r\n";
        List<WebSocketEvent> events = WebSocketEventCodec.decode(bytes(response));
        assertThat(events).containsExactly(WebSocketEvent.open(),
                WebSocketEvent.text("c:{\"type\":\"subscribe\",\"channel\":\"room1\"}"),
                WebSocketEvent.text("m:hello"));
        assertThat(string(WebSocketEventCodec.encode(events))).isEqualTo(response);

        // Proxy -> origin: the client says hi.
        assertThat(string(WebSocketEventCodec.encode(List.of(WebSocketEvent.text("hi"))))).isEqualTo("TEXT 2\r\nhi\r\n");
    }

    @Test
    void lengths_are_lower_case_hex_without_leading_zeros() {
        byte[] content = new byte[0xab];
        String encoded = new String(WebSocketEventCodec.encode(List.of(WebSocketEvent.binary(content))),
                StandardCharsets.ISO_8859_1);
        assertThat(encoded).startsWith("BINARY ab\r\n").endsWith("\r\n").hasSize(11 + 0xab + 2);
    }

    @Test
    void events_without_content_are_written_bare_and_empty_messages_keep_their_length() {
        String encoded = string(WebSocketEventCodec.encode(List.of(WebSocketEvent.open(),
                WebSocketEvent.ping(new byte[0]), WebSocketEvent.pong(new byte[0]), WebSocketEvent.close(),
                WebSocketEvent.disconnect(), WebSocketEvent.text(""), WebSocketEvent.binary(new byte[0]),
                new WebSocketEvent(WebSocketEvent.Type.OPEN, bytes("ignored")))));
        assertThat(encoded).isEqualTo("OPEN\r\nPING\r\nPONG\r\nCLOSE\r\nDISCONNECT\r\nTEXT 0\r\n\r\n"
                + "BINARY 0\r\n\r\nOPEN\r\n");
    }

    @Test
    void ping_pong_and_close_include_content_when_present() {
        byte[] encoded = WebSocketEventCodec.encode(List.of(WebSocketEvent.ping(bytes("p")),
                WebSocketEvent.pong(bytes("q")), WebSocketEvent.close(1000, "done")));
        // 1000 = 0x03e8, big-endian, then the reason.
        assertThat(new String(encoded, StandardCharsets.ISO_8859_1))
                .isEqualTo("PING 1\r\np\r\nPONG 1\r\nq\r\nCLOSE 6\r\n\u0003\u00e8done\r\n");
    }

    @Test
    void close_code_and_reason_are_decoded() {
        WebSocketEvent close = WebSocketEventCodec.decode(WebSocketEventCodec.encode(
                List.of(WebSocketEvent.close(4001, "bye ✓")))).get(0);
        assertThat(close.type()).isEqualTo(WebSocketEvent.Type.CLOSE);
        assertThat(close.closeCode()).isEqualTo(4001);
        assertThat(close.closeReason()).isEqualTo("bye ✓");
        WebSocketEvent bare = WebSocketEventCodec.decode(bytes("CLOSE\r\n")).get(0);
        assertThat(bare.closeCode()).isEqualTo(WebSocketEvent.NO_STATUS_CODE);
        assertThat(bare.closeReason()).isEmpty();
        assertThat(WebSocketEvent.close(1000, null).closeReason()).isEmpty();
    }

    @Test
    void decoder_accepts_upper_case_hex_leading_zeros_and_zero_lengths() {
        byte[] content = new byte[0x1c];
        byte[] body = new byte[("BINARY 1C\r\n").length() + 0x1c + 2];
        System.arraycopy(bytes("BINARY 1C\r\n"), 0, body, 0, 11);
        body[body.length - 2] = '\r';
        body[body.length - 1] = '\n';
        assertThat(WebSocketEventCodec.decode(body)).containsExactly(WebSocketEvent.binary(content));
        assertThat(WebSocketEventCodec.decode(bytes("TEXT 002\r\nhi\r\n"))).containsExactly(WebSocketEvent.text("hi"));
        assertThat(WebSocketEventCodec.decode(bytes("OPEN 0\r\n\r\n"))).containsExactly(WebSocketEvent.open());
    }

    @Test
    void empty_body_is_a_keep_alive_with_no_events() {
        assertThat(WebSocketEventCodec.decode(new byte[0])).isEmpty();
    }

    @Test
    void unknown_event_types_are_skipped_with_their_content() {
        List<WebSocketEvent> events = WebSocketEventCodec.decode(
                bytes("KEEP-ALIVE\r\nFUTURE 3\r\nabc\r\nTEXT 1\r\nx\r\n"));
        assertThat(events).containsExactly(WebSocketEvent.text("x"));
    }

    @Test
    void content_may_contain_crlf_because_length_rules() {
        List<WebSocketEvent> events = WebSocketEventCodec.decode(bytes("TEXT 4\r\n\r\n\r\n\r\n"));
        assertThat(events).containsExactly(WebSocketEvent.text("\r\n\r\n"));
    }

    @Test
    void truncated_or_garbled_input_names_the_offset() {
        assertDecodeError("offset 4: truncated: expected \\r\\n after OPEN", "OPEN");
        assertDecodeError("offset 4: truncated: expected \\r\\n after OPEN", "OPEN\r");
        assertDecodeError("offset 4: unexpected byte 0x0a in event type", "OPEN\n");
        assertDecodeError("offset 8: truncated content of TEXT (needs 5 bytes, 2 left)", "TEXT 5\r\nhi");
        assertDecodeError("offset 9: expected \\r\\n after TEXT", "TEXT 1\r\nhi\r\n");
        assertDecodeError("offset 9: truncated: expected \\r\\n after TEXT", "TEXT 1\r\nh");
        assertDecodeError("offset 5: unexpected byte 0x7a in content length of TEXT", "TEXT z\r\n");
        assertDecodeError("offset 5: missing content length after TEXT", "TEXT \r\n");
        assertDecodeError("offset 0: expected an event type", "\r\n");
        assertDecodeError("offset 6: expected an event type", "OPEN\r\n \r\n");
        assertDecodeError("offset 2: unexpected byte 0x31 in event type", "OP1\r\n");
        assertDecodeError("offset 5: content length of TEXT too large", "TEXT fffffffff\r\n");
    }

    @Test
    void single_event_stream_encoding_matches_list_encoding() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        WebSocketEventCodec.encode(WebSocketEvent.text("m:hello"), out);
        WebSocketEventCodec.encode(WebSocketEvent.close(1000, ""), out);
        assertThat(out.toByteArray()).isEqualTo(WebSocketEventCodec.encode(
                List.of(WebSocketEvent.text("m:hello"), WebSocketEvent.close(1000, ""))));
    }

    @Test
    void wire_names_are_upper_case() {
        for (WebSocketEvent.Type t : WebSocketEvent.Type.values()) {
            assertThat(t.wireName()).isEqualTo(t.name());
            assertThat(WebSocketEvent.Type.fromWireName(t.wireName())).contains(t);
        }
        assertThat(WebSocketEvent.Type.fromWireName("text")).isEmpty();
    }
}
