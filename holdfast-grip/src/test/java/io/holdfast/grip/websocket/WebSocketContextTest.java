package io.holdfast.grip.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebSocketContextTest {

    private static final String CID = "4c1e0f2a";

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    private static WebSocketContext request(Map<String, String> headers, String body) {
        return WebSocketContext.fromRequest(CID, headers, bytes(body));
    }

    @Test
    void recognises_websocket_over_http_requests_as_js_grip_does() {
        assertThat(WebSocketContext.isWebSocketOverHttp("POST", "application/websocket-events",
                "application/websocket-events")).isTrue();
        assertThat(WebSocketContext.isWebSocketOverHttp("POST", "Application/WebSocket-Events; charset=x",
                "text/html, application/*;q=0.5")).isTrue();
        assertThat(WebSocketContext.isWebSocketOverHttp("POST", "application/websocket-events", "*/*")).isTrue();

        assertThat(WebSocketContext.isWebSocketOverHttp("GET", "application/websocket-events", "*/*")).isFalse();
        assertThat(WebSocketContext.isWebSocketOverHttp("POST", "application/json", "*/*")).isFalse();
        assertThat(WebSocketContext.isWebSocketOverHttp("POST", null, "*/*")).isFalse();
        assertThat(WebSocketContext.isWebSocketOverHttp("POST", "application/websocket-events", null)).isFalse();
        assertThat(WebSocketContext.isWebSocketOverHttp("POST", "application/websocket-events", "text/html")).isFalse();
    }

    @Test
    void opening_request_is_accepted_with_the_spec_example_response() {
        WebSocketContext ctx = request(Map.of(), "OPEN\r\n");
        assertThat(ctx.isOpening()).isTrue();
        assertThat(ctx.connectionId()).isEqualTo(CID);

        ctx.accept();
        ctx.subscribe("room1");
        ctx.send("hello");
        ctx.setMeta("user", "alice");
        ctx.keepAliveInterval(30);

        assertThat(text(ctx.responseBody())).isEqualTo("OPEN\r\n"
                + "TEXT 28\r\nc:{\"type\":\"subscribe\",\"channel\":\"room1\"}\r\n"
                + "TEXT 7\r\nm:hello\r\n");
        assertThat(ctx.responseHeaders()).containsExactly(
                entry("Content-Type", "application/websocket-events"),
                entry("Sec-WebSocket-Extensions", "grip"),
                entry("Set-Meta-User", "alice"),
                entry("Keep-Alive-Interval", "30"));
    }

    @Test
    void text_message_is_received_and_echoed_with_the_message_prefix() {
        WebSocketContext ctx = request(Map.of("Meta-User", "alice"), "TEXT 2\r\nhi\r\n");
        assertThat(ctx.isOpening()).isFalse();
        assertThat(ctx.canReceive()).isTrue();

        WebSocketEvent message = ctx.receive();
        ctx.send(message.text());

        assertThat(message.type()).isEqualTo(WebSocketEvent.Type.TEXT);
        assertThat(message.text()).isEqualTo("hi");
        assertThat(ctx.canReceive()).isFalse();
        assertThat(ctx.receive()).isNull();
        assertThat(text(ctx.responseBody())).isEqualTo("TEXT 4\r\nm:hi\r\n");
        assertThat(ctx.responseHeaders()).containsExactly(entry("Content-Type", "application/websocket-events"));
    }

    @Test
    void client_close_is_answered_with_a_close_of_the_same_code() {
        WebSocketContext ctx = request(Map.of(), "TEXT 3\r\nbye\r\nCLOSE 2\r\n\u0003\u00e8\r\n");

        assertThat(ctx.isClosing()).isTrue();
        assertThat(ctx.closeCode()).isEqualTo(1000);
        assertThat(ctx.closeReason()).isEmpty();
        assertThat(ctx.receive().text()).isEqualTo("bye");
        assertThat(ctx.receive()).isNull();
        assertThat(text(ctx.responseBody())).isEqualTo("CLOSE 2\r\n\u0003\u00e8\r\n");
    }

    @Test
    void client_close_without_a_code_is_answered_without_one() {
        WebSocketContext ctx = request(Map.of(), "CLOSE\r\n");

        assertThat(ctx.closeCode()).isEqualTo(WebSocketEvent.NO_STATUS_CODE);
        assertThat(text(ctx.responseBody())).isEqualTo("CLOSE\r\n");
    }

    @Test
    void the_apps_own_close_replaces_the_echo_and_goes_last() {
        WebSocketContext ctx = request(Map.of(), "CLOSE 7\r\n\u0003\u00e9going\r\n");
        assertThat(ctx.closeCode()).isEqualTo(1001);
        assertThat(ctx.closeReason()).isEqualTo("going");

        ctx.send("farewell");
        ctx.close(4000, "bye");

        assertThat(ctx.responseEvents()).containsExactly(
                new WebSocketEvent(WebSocketEvent.Type.TEXT, bytes("m:farewell")),
                WebSocketEvent.close(4000, "bye"));
        assertThatThrownBy(() -> ctx.send("late")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already closed");
    }

    @Test
    void app_can_close_or_disconnect_on_its_own() {
        WebSocketContext closing = request(Map.of(), "TEXT 1\r\nx\r\n");
        closing.close();
        WebSocketContext dropping = request(Map.of(), "TEXT 1\r\nx\r\n");
        dropping.disconnect();

        assertThat(text(closing.responseBody())).isEqualTo("CLOSE 2\r\n\u0003\u00e8\r\n");
        assertThat(text(dropping.responseBody())).isEqualTo("DISCONNECT\r\n");
    }

    @Test
    void client_disconnect_is_reported_and_needs_no_answer() {
        WebSocketContext ctx = request(Map.of(), "DISCONNECT\r\n");

        assertThat(ctx.isDisconnected()).isTrue();
        assertThat(ctx.isClosing()).isFalse();
        assertThat(ctx.canReceive()).isFalse();
        assertThat(ctx.responseBody()).isEmpty();
    }

    @Test
    void ping_is_answered_with_a_pong_carrying_its_payload() {
        WebSocketContext ctx = request(Map.of(), "PING 2\r\nhb\r\n");

        assertThat(ctx.canReceive()).isFalse();
        assertThat(text(ctx.responseBody())).isEqualTo("PONG 2\r\nhb\r\n");
    }

    @Test
    void binary_messages_are_received_raw_and_sent_with_the_message_prefix() {
        WebSocketContext ctx = WebSocketContext.fromRequest(CID, Map.of(),
                WebSocketEventCodec.encode(List.of(WebSocketEvent.binary(new byte[] {1, 2, (byte) 0xff}))));

        WebSocketEvent in = ctx.receive();
        ctx.sendBinary(in.content());

        assertThat(in.type()).isEqualTo(WebSocketEvent.Type.BINARY);
        assertThat(in.content()).containsExactly(1, 2, 0xff);
        assertThat(WebSocketEventCodec.decode(ctx.responseBody())).containsExactly(
                new WebSocketEvent(WebSocketEvent.Type.BINARY, new byte[] {'m', ':', 1, 2, (byte) 0xff}));
    }

    @Test
    void control_helpers_send_c_prefixed_json() {
        WebSocketContext ctx = request(Map.of(), "");

        ctx.unsubscribe("room1");
        ctx.subscribe("room2", List.of("skip-self"));
        ctx.detach();
        ctx.sendControl(ControlMessage.setMeta("user", "alice"));

        assertThat(ctx.responseEvents()).extracting(WebSocketEvent::text).containsExactly(
                "c:{\"type\":\"unsubscribe\",\"channel\":\"room1\"}",
                "c:{\"type\":\"subscribe\",\"channel\":\"room2\",\"filters\":[\"skip-self\"]}",
                "c:{\"type\":\"detach\"}",
                "c:{\"type\":\"set-meta\",\"name\":\"user\",\"value\":\"alice\"}");
    }

    @Test
    void meta_headers_are_read_case_insensitively_and_other_headers_are_ignored() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("meta-user", "alice");
        headers.put("META-Room", "r1");
        headers.put("Cookie", "session=1");
        headers.put("Meta-", "nameless");

        WebSocketContext ctx = request(headers, "");

        assertThat(ctx.meta()).containsExactly(entry("user", "alice"), entry("room", "r1"));
        assertThat(ctx.meta("USER")).isEqualTo("alice");
        assertThat(ctx.meta("cookie")).isNull();
    }

    @Test
    void set_meta_emits_headers_only_for_changes() {
        WebSocketContext ctx = request(Map.of("Meta-User", "alice", "Meta-Room", "r1", "Meta-Role", "host"), "");

        ctx.setMeta("User", "alice");
        ctx.setMeta("room", "r2");
        ctx.setMeta("role", null);
        ctx.setMeta("display-name", "Alice B");

        assertThat(ctx.meta()).containsOnly(entry("user", "alice"), entry("room", "r2"),
                entry("display-name", "Alice B"));
        assertThat(ctx.responseHeaders()).containsExactly(
                entry("Content-Type", "application/websocket-events"),
                entry("Set-Meta-Room", "r2"),
                entry("Set-Meta-Role", ""),
                entry("Set-Meta-Display-Name", "Alice B"));
    }

    @Test
    void setting_meta_back_to_the_proxys_value_cancels_the_header() {
        WebSocketContext ctx = request(Map.of("Meta-User", "alice"), "");

        ctx.setMeta("user", "bob");
        ctx.setMeta("user", "alice");

        assertThat(ctx.responseHeaders()).containsOnlyKeys("Content-Type");
    }

    @Test
    void bad_meta_names_and_values_are_refused() {
        WebSocketContext ctx = request(Map.of(), "");

        assertThatThrownBy(() -> ctx.setMeta("a b", "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ctx.setMeta("", "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ctx.setMeta("user", "a\r\nInjected: 1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ctx.keepAliveInterval(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void accept_on_a_request_that_is_not_opening_does_nothing() {
        WebSocketContext ctx = request(Map.of(), "TEXT 1\r\nx\r\n");

        ctx.accept();

        assertThat(ctx.isAccepted()).isFalse();
        assertThat(ctx.responseBody()).isEmpty();
        assertThat(ctx.responseHeaders()).doesNotContainKey("Sec-WebSocket-Extensions");
    }

    @Test
    void empty_body_is_a_keep_alive_with_an_empty_answer() {
        WebSocketContext ctx = WebSocketContext.fromRequest(CID, null, null);

        assertThat(ctx.isOpening()).isFalse();
        assertThat(ctx.canReceive()).isFalse();
        assertThat(ctx.responseBody()).isEmpty();
        assertThat(ctx.responseHeaders()).containsExactly(entry("Content-Type", "application/websocket-events"));
    }

    @Test
    void several_messages_in_one_request_are_received_in_order() {
        WebSocketContext ctx = request(Map.of(), "TEXT 1\r\na\r\nPONG\r\nTEXT 1\r\nb\r\nTEXT 0\r\n\r\n");

        assertThat(ctx.receive().text()).isEqualTo("a");
        assertThat(ctx.receive().text()).isEqualTo("b");
        assertThat(ctx.receive().text()).isEmpty();
        assertThat(ctx.canReceive()).isFalse();
    }

    @Test
    void response_body_decodes_back_to_the_response_events() {
        WebSocketContext ctx = request(Map.of(), "OPEN\r\n");
        ctx.accept();
        ctx.send("é");
        ctx.close(1000, "done");

        assertThat(WebSocketEventCodec.decode(ctx.responseBody())).isEqualTo(ctx.responseEvents());
    }

    @Test
    void garbled_bodies_and_missing_connection_ids_are_refused() {
        assertThatThrownBy(() -> request(Map.of(), "TEXT 5\r\nhi\r\n")).isInstanceOf(WebSocketEventException.class);
        assertThatThrownBy(() -> WebSocketContext.fromRequest(null, Map.of(), new byte[0]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Connection-Id");
        assertThatThrownBy(() -> request(Map.of(), "").closeCode()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void partialAcceptanceIsAHeaderAndTheReplayedCountIsRead() {
        byte[] body = WebSocketEventCodec.encode(List.of(WebSocketEvent.binary(new byte[] {1, 2, 3}),
                WebSocketEvent.text("ab")));
        WebSocketContext ctx = WebSocketContext.fromRequest("c1", Map.of("content-bytes-replayed", " 3 "), body);
        assertThat(ctx.contentBytes()).isEqualTo(5);
        assertThat(ctx.contentBytesReplayed()).isEqualTo(3);
        assertThat(ctx.responseHeaders()).doesNotContainKey(WebSocketContext.CONTENT_BYTES_ACCEPTED_HEADER);
        ctx.acceptContentBytes(4);
        assertThat(ctx.responseHeaders()).containsEntry("Content-Bytes-Accepted", "4");
        assertThatThrownBy(() -> ctx.acceptContentBytes(6)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0-5");
        assertThatThrownBy(() -> ctx.acceptContentBytes(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(WebSocketContext.fromRequest("c1", Map.of("Content-Bytes-Replayed", "x"), body).contentBytesReplayed())
                .isZero();
    }
}
