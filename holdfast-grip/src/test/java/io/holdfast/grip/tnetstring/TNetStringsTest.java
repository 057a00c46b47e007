package io.holdfast.grip.tnetstring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.holdfast.grip.json.GripJson;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TNetStringsTest {

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String s(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    private static void assertMalformed(String input, String message) {
        assertThatThrownBy(() -> TNetStrings.decode(b(input)))
                .isInstanceOf(TNetStringException.class).hasMessage(message);
    }

    @Test
    void spec_example_decodes_and_encodes() {
        Object value = TNetStrings.decode(b("8:1:a,1:1#}"));
        assertThat(value).isEqualTo(Map.of("a", 1L));
        assertThat(s(TNetStrings.encode(Map.of("a", 1)))).isEqualTo("8:1:a,1:1#}");
    }

    @Test
    void every_type_decodes() {
        assertThat((byte[]) TNetStrings.decode(b("5:hello,"))).isEqualTo(b("hello"));
        assertThat((byte[]) TNetStrings.decode(b("0:,"))).isEmpty();
        assertThat(TNetStrings.decode(b("3:-42#"))).isEqualTo(-42L);
        assertThat(TNetStrings.decode(b("4:1.25^"))).isEqualTo(1.25);
        assertThat(TNetStrings.decode(b("6:-2e+10^"))).isEqualTo(-2e10);
        assertThat(TNetStrings.decode(b("4:true!"))).isEqualTo(true);
        assertThat(TNetStrings.decode(b("5:false!"))).isEqualTo(false);
        assertThat(TNetStrings.decode(b("0:~"))).isNull();
        assertThat(TNetStrings.decode(b("0:]"))).isEqualTo(List.of());
        assertThat(TNetStrings.decode(b("0:}"))).isEqualTo(Map.of());
        @SuppressWarnings("unchecked")
        List<Object> list = (List<Object>) TNetStrings.decode(b("14:1:x,1:2#0:~0:]]"));
        assertThat((byte[]) list.get(0)).isEqualTo(b("x"));
        assertThat(list.subList(1, 4)).containsExactly(2L, null, List.of());
    }

    @Test
    void byte_strings_keep_any_bytes_and_payloads_may_contain_type_characters() {
        byte[] raw = {0, (byte) 0xff, ':', ',', '}'};
        byte[] encoded = TNetStrings.encode(raw);
        assertThat(Arrays.copyOfRange(encoded, 0, 2)).isEqualTo(b("5:"));
        assertThat((byte[]) TNetStrings.decode(encoded)).isEqualTo(raw);
    }

    @Test
    void nested_values_round_trip_in_order() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("z", "last key first");
        value.put("list", Arrays.asList(1L, 2.5, true, null, List.of("in", List.of())));
        value.put("dict", Map.of("k", -7L));
        value.put("empty", "");
        Object decoded = TNetStrings.decode(TNetStrings.encode(value));
        JsonNode json = TNetStrings.toJson(decoded);
        assertThat(json.toString()).isEqualTo(
                "{\"z\":\"last key first\",\"list\":[1,2.5,true,null,[\"in\",[]]],\"dict\":{\"k\":-7},\"empty\":\"\"}");
    }

    @Test
    void json_converts_both_ways() {
        JsonNode json = GripJson.readTree("{\"id\":\"1\",\"n\":12345678901,\"f\":0.5,\"ok\":false,\"none\":null,"
                + "\"l\":[\"a\"]}").orElseThrow();
        Object model = TNetStrings.fromJson(json);
        assertThat(TNetStrings.toJson(TNetStrings.decode(TNetStrings.encode(model)))).isEqualTo(json);
    }

    @Test
    void a_repeated_key_keeps_the_last_value_as_pushpin_does() {
        assertThat(TNetStrings.decode(b("16:1:a,1:1#1:a,1:2#}"))).isEqualTo(Map.of("a", 2L));
    }

    @Test
    void malformed_input_is_refused_naming_the_byte() {
        assertMalformed("", "tnetstring: empty input at byte 0");
        assertMalformed("5hello,", "tnetstring: expected a length digit or ':' but found 'h' at byte 1");
        assertMalformed("12", "tnetstring: missing ':' after the length at byte 0");
        assertMalformed(":,", "tnetstring: missing length at byte 0");
        assertMalformed("9:abc,", "tnetstring: length 9 runs past the end of the input (3 byte(s) of payload available) at byte 0");
        assertMalformed("3:abc", "tnetstring: length 3 runs past the end of the input (2 byte(s) of payload available) at byte 0");
        assertMalformed("3:abcx", "tnetstring: unknown type 'x' at byte 5");
        assertMalformed("1:a,1:b,", "tnetstring: 4 unexpected byte(s) after the value at byte 4");
        assertMalformed("1:x~", "tnetstring: null must have length 0, not 1 at byte 0");
        assertMalformed("3:yes!", "tnetstring: boolean must be true or false, not 'yes' at byte 2");
        assertMalformed("2:1a#", "tnetstring: integer has non-digit 'a' at byte 3");
        assertMalformed("0:#", "tnetstring: empty integer at byte 2");
        assertMalformed("20:99999999999999999999#", "tnetstring: integer 99999999999999999999 is out of range at byte 3");
        assertMalformed("3:inf^", "tnetstring: float has unexpected 'i' at byte 2");
        assertMalformed("5:1e999^", "tnetstring: float 1e999 is out of range at byte 2");
        assertMalformed("1:.^", "tnetstring: '.' is not a float at byte 2");
        assertMalformed("8:1:1#1:1#}", "tnetstring: dict key is not a byte string at byte 2");
        assertMalformed("4:1:a,}", "tnetstring: dict key 'a' has no value at byte 2");
        assertMalformed("4:5:ab]", "tnetstring: length 5 runs past the end of the input (1 byte(s) of payload available) at byte 2");
        assertMalformed("12345678901:", "tnetstring: length has more than 10 digits at byte 0");
    }

    @Test
    void nesting_is_bounded() {
        String deep = "0:]";
        for (int i = 0; i < TNetStrings.MAX_DEPTH + 1; i++) {
            deep = deep.length() + ":" + deep + "]";
        }
        String input = deep;
        assertThatThrownBy(() -> TNetStrings.decode(b(input)))
                .isInstanceOf(TNetStringException.class).hasMessageContaining("nesting deeper than 64");
    }

    @Test
    void text_conversion_names_a_byte_string_that_is_not_utf8() {
        Map<String, Object> value = Map.of("meta", Map.of("user", new byte[] {(byte) 0xc3, 0x28}));
        assertThatThrownBy(() -> TNetStrings.toJson(value))
                .isInstanceOf(TNetStringException.class)
                .hasMessage("meta.user: byte string is not valid UTF-8")
                .satisfies(e -> assertThat(((TNetStringException) e).path()).isEqualTo("meta.user"));
    }

    @Test
    void encoding_refuses_values_outside_the_model() {
        assertThatThrownBy(() -> TNetStrings.encode(new Object()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("java.lang.Object");
        assertThatThrownBy(() -> TNetStrings.encode(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        Map<Object, Object> badKey = new LinkedHashMap<>();
        badKey.put(1, "x");
        assertThatThrownBy(() -> TNetStrings.encode(badKey)).isInstanceOf(IllegalArgumentException.class);
        List<Object> loop = new ArrayList<>();
        loop.add(loop);
        assertThatThrownBy(() -> TNetStrings.encode(loop)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("deeper");
    }
}
