package io.holdfast.grip.instruct;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class GripLastTest {

    @Test
    void formats_one_channel_per_header_value() {
        assertThat(GripLast.format("fruit", "3")).isEqualTo("fruit; last-id=3");
        assertThat(GripLast.format("fruit", "a b")).isEqualTo("fruit; last-id=\"a b\"");
    }

    @Test
    void parses_repeated_and_comma_separated_headers() {
        Map<String, String> last = GripLast.parse(Headers.of("Grip-Last", "a; last-id=1, b; last-id=\"x,y\"",
                "grip-last", "c; last-id=3", "Grip-Last", "d", "Other", "e; last-id=9"));
        assertThat(last).containsExactly(Map.entry("a", "1"), Map.entry("b", "x,y"), Map.entry("c", "3"));
    }

    @Test
    void round_trips() {
        assertThat(GripLast.parse(Headers.of("Grip-Last", GripLast.format("news", "id \"7\""))))
                .containsExactly(Map.entry("news", "id \"7\""));
    }

    @Test
    void refuses_channels_headers_cannot_carry() {
        assertThatThrownBy(() -> GripLast.format("a,b", "1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GripLast.format("a", "1\r\n")).isInstanceOf(IllegalArgumentException.class);
    }
}
