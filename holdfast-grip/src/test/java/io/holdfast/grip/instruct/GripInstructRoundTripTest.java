package io.holdfast.grip.instruct;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GripInstructRoundTripTest {

    private static GripInstruct viaHeaders(GripInstruct g) {
        return GripInstructParser.fromHeaders(g.toHeaders());
    }

    private static GripInstruct viaJson(GripInstruct g) {
        return GripInstructParser.fromResponse(200, g.toJsonHeaders(), g.toJson());
    }

    private static GripInstruct full(HoldMode mode) {
        return GripInstruct.builder()
                .hold(mode)
                .channel("room1")
                .channel("room2", "17", "skip-self", "var-subst")
                .channel(new ChannelSpec("odd id", "a \"quoted\", id; x", List.of()))
                .timeoutSeconds(30)
                .keepAlive(new KeepAlive(":\n\n".getBytes(StandardCharsets.US_ASCII), 20, KeepAliveMode.IDLE))
                .meta("user", "alice")
                .meta("id_format", "%(room2)s, \"x\"")
                .status(404, "Not Here")
                .exposeHeaders("Content-Type", "X-Total")
                .nextLink("/next?ids=1,2", 60)
                .goneLink("/gone?c=1")
                .build();
    }

    @Test
    void a_full_instruct_round_trips_through_headers() {
        for (HoldMode mode : HoldMode.values()) {
            GripInstruct g = full(mode);
            assertThat(viaHeaders(g)).isEqualTo(g);
        }
    }

    @Test
    void a_full_instruct_round_trips_through_json_and_its_companion_headers() {
        for (HoldMode mode : HoldMode.values()) {
            GripInstruct g = full(mode).toBuilder()
                    .response(new InstructResponse(null, null, List.of(Map.entry("Content-Type", "text/plain")),
                            "hello".getBytes(StandardCharsets.UTF_8)))
                    .build();
            assertThat(viaJson(g)).isEqualTo(g);
        }
    }

    @Test
    void binary_data_round_trips_as_cstring_and_body_bin() {
        byte[] bin = {0, 1, (byte) 0xff, ';', ',', ' ', '\\', '"'};
        GripInstruct g = GripInstruct.builder().hold(HoldMode.STREAM).channel("c")
                .keepAlive(new KeepAlive(bin, 5, KeepAliveMode.INTERVAL)).build();
        assertThat(g.toHeaders()).contains(Map.entry("Grip-Keep-Alive",
                "\\x00\\x01\\xff\\x3b\\x2c \\\\\\x22; format=cstring; timeout=5; mode=interval"));
        assertThat(viaHeaders(g)).isEqualTo(g);

        GripInstruct j = g.toBuilder().keepAlive(new KeepAlive(bin, 5, KeepAliveMode.IDLE))
                .response(new InstructResponse(201, "Made", List.of(), bin)).build();
        assertThat(new String(j.toJson(), StandardCharsets.UTF_8)).contains("\"body-bin\"").contains("\"content-bin\"");
        assertThat(viaJson(j)).isEqualTo(j);
    }

    @Test
    void hold_less_instruct_round_trips_through_json_via_headers() {
        GripInstruct g = GripInstruct.builder().channel("c").meta("k", "v").nextLink("/n")
                .response(InstructResponse.EMPTY).build();
        assertThat(viaJson(g)).isEqualTo(g);
        assertThat(viaHeaders(g.toBuilder().response(null).build())).isEqualTo(g.toBuilder().response(null).build());
    }

    @Test
    void json_response_code_round_trips_and_wins_over_status() {
        GripInstruct g = GripInstruct.builder().hold(HoldMode.RESPONSE).channel("c").status(404)
                .response(new InstructResponse(503, null, List.of(), null)).build();
        assertThat(g.statusCode()).hasValue(503);
        assertThat(g.statusReason()).contains("Service Unavailable");
        assertThat(viaJson(g)).isEqualTo(g);
    }

    @Test
    void the_spec_long_poll_example_is_what_the_builder_writes() {
        GripInstruct g = GripInstruct.builder().hold(HoldMode.RESPONSE).channel("mychannel", "17").timeoutSeconds(60)
                .build();
        assertThat(g.toHeaders()).containsExactly(Map.entry("Grip-Hold", "response"),
                Map.entry("Grip-Channel", "mychannel; prev-id=17"), Map.entry("Grip-Timeout", "60"));
    }

    @Test
    void the_spec_sse_example_is_what_the_builder_writes() {
        GripInstruct g = GripInstruct.builder().hold(HoldMode.STREAM).channel("news")
                .keepAlive(":\n\n", 20).build();
        assertThat(g.toHeaders()).containsExactly(Map.entry("Grip-Hold", "stream"),
                Map.entry("Grip-Channel", "news"),
                Map.entry("Grip-Keep-Alive", ":\\n\\n; format=cstring; timeout=20"));
    }

    @Test
    void values_headers_cannot_carry_are_refused_by_to_headers() {
        assertThatThrownBy(() -> GripInstruct.builder().channel("a,b").build().toHeaders())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("channel name \"a,b\" cannot be written as a Grip-Channel header; use toJson()");
        assertThatThrownBy(() -> GripInstruct.builder().meta("bad key", "v").build().toHeaders())
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> GripInstruct.builder().meta("k", "line\nbreak").build().toHeaders())
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> GripInstruct.builder().response(InstructResponse.EMPTY).build().toHeaders())
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void builder_checks_arguments_as_they_are_set() {
        assertThatThrownBy(() -> GripInstruct.builder().status(1000)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("status code: 1000 (expected: 0-999)");
        assertThatThrownBy(() -> GripInstruct.builder().timeoutSeconds(-1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GripInstruct.builder().channel("x", null, "1", "2", "3", "4", "5", "6"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GripInstruct.builder().channel("")).isInstanceOf(IllegalArgumentException.class);
        assertThat(GripInstruct.builder().timeoutSeconds(1).build().timeoutSeconds()).isEqualTo(5);
    }

    @Test
    void instructs_are_immutable_values() {
        GripInstruct a = full(HoldMode.STREAM);
        GripInstruct b = full(HoldMode.STREAM);
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a.toBuilder().channel("extra").build()).isNotEqualTo(a);
        assertThatThrownBy(() -> a.channels().add(ChannelSpec.of("x"))).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> a.meta().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
    }
}
