package io.holdfast.grip.instruct;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GripInstructHeadersTest {

    private static GripInstruct parse(String... nameValues) {
        return GripInstructParser.fromHeaders(Headers.of(nameValues));
    }

    private static void assertError(String message, String... nameValues) {
        assertThatThrownBy(() -> parse(nameValues)).isInstanceOf(GripInstructException.class).hasMessage(message);
    }

    @Test
    void any_grip_header_or_the_instruct_content_type_makes_a_grip_response() {
        assertThat(GripInstructParser.isGripResponse(Headers.of("grip-channel", "x"))).isTrue();
        assertThat(GripInstructParser.isGripResponse(Headers.of("GRIP-ANYTHING", ""))).isTrue();
        assertThat(GripInstructParser.isGripResponse(
                Headers.of("content-type", "Application/Grip-Instruct; charset=utf-8"))).isTrue();
        assertThat(GripInstructParser.isGripResponse(
                Headers.of("Content-Type", "application/json", "X-Grip", "no"))).isFalse();
        assertThat(GripInstructParser.isGripResponse(Headers.of())).isFalse();
        assertThat(GripInstructParser.isInstructContentType(
                Headers.of("Content-Type", " application/grip-instruct "))).isTrue();
    }

    @Test
    void long_poll_example_of_the_spec_parses() {
        GripInstruct g = parse("Content-Type", "application/json", "Grip-Hold", "response",
                "Grip-Channel", "mychannel; prev-id=17", "Grip-Timeout", "60");
        assertThat(g.hold()).contains(HoldMode.RESPONSE);
        assertThat(g.channels()).containsExactly(new ChannelSpec("mychannel", "17", List.of()));
        assertThat(g.timeoutSeconds()).isEqualTo(60);
        assertThat(g.keepAlive()).isEmpty();
        assertThat(g.response()).isEmpty();
    }

    @Test
    void sse_example_of_the_spec_parses_with_a_cstring_keep_alive() {
        GripInstruct g = parse("Content-Type", "text/event-stream", "Grip-Hold", "stream", "Grip-Channel", "news",
                "Grip-Keep-Alive", ":\\n\\n; format=cstring; timeout=20");
        assertThat(g.hold()).contains(HoldMode.STREAM);
        assertThat(g.channels()).containsExactly(ChannelSpec.of("news"));
        assertThat(g.keepAlive()).contains(new KeepAlive(":\n\n".getBytes(StandardCharsets.US_ASCII), 20,
                KeepAliveMode.IDLE));
    }

    @Test
    void reliable_sse_example_gives_next_and_gone_links() {
        GripInstruct g = parse("Grip-Hold", "stream", "Grip-Channel", "fruit; prev-id=3",
                "Grip-Link", "</fruit/?after=3>; rel=next; timeout=60",
                "Grip-Link", "</fruit/gone?conn=abc>; rel=gone");
        assertThat(g.nextLink()).contains(new GripLink("/fruit/?after=3", 60));
        assertThat(g.goneLink()).contains("/fruit/gone?conn=abc");
    }

    @Test
    void no_grip_headers_give_the_empty_instruct_with_defaults() {
        GripInstruct g = parse("Content-Type", "text/plain");
        assertThat(g).isEqualTo(GripInstruct.EMPTY);
        assertThat(g.hold()).isEmpty();
        assertThat(g.timeoutSeconds()).isEqualTo(55);
        assertThat(g.meta()).isEmpty();
        assertThat(g.statusCode()).isEmpty();
        assertThat(g.exposeHeaders()).isEmpty();
    }

    @Test
    void header_names_are_case_insensitive() {
        GripInstruct g = parse("grip-hold", "stream", "GRIP-CHANNEL", "a", "gRiP-tImEoUt", "9");
        assertThat(g.hold()).contains(HoldMode.STREAM);
        assertThat(g.channels()).extracting(ChannelSpec::name).containsExactly("a");
        assertThat(g.timeoutSeconds()).isEqualTo(9);
    }

    @Test
    void unknown_hold_mode_is_an_error() {
        assertError("Grip-Hold: \"forever\" is not response or stream", "Grip-Hold", "forever");
        assertError("Grip-Hold: \"\" is not response or stream", "Grip-Hold", "");
    }

    @Test
    void channels_may_be_comma_separated_and_repeated() {
        GripInstruct g = parse("Grip-Channel", "a, b; prev-id=2", "Grip-Channel", "c");
        assertThat(g.channels()).extracting(ChannelSpec::name).containsExactly("a", "b", "c");
        assertThat(g.channels().get(1).prevId()).isEqualTo("2");
        assertThat(g.channels().get(0).prevId()).isNull();
    }

    @Test
    void channel_filters_repeat_in_order_and_quoted_values_may_hold_commas_and_semicolons() {
        GripInstruct g = parse("Grip-Channel",
                "room; filter=skip-self; prev-id=\"a,b;c\\\"d\"; filter=var-subst, other");
        assertThat(g.channels()).containsExactly(
                new ChannelSpec("room", "a,b;c\"d", List.of("skip-self", "var-subst")), ChannelSpec.of("other"));
    }

    @Test
    void more_than_five_filters_on_a_channel_is_an_error() {
        assertError("Grip-Channel: channel \"x\" has 6 filters (max 5)", "Grip-Channel",
                "x; filter=a; filter=b; filter=c; filter=d; filter=e; filter=f");
        assertThat(parse("Grip-Channel", "x; filter=a; filter=b; filter=c; filter=d; filter=e").channels()
                .get(0).filters()).hasSize(5);
    }

    @Test
    void channel_list_is_not_truncated_by_the_parser() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 30; i++) {
            sb.append(i == 0 ? "" : ", ").append("c").append(i);
        }
        assertThat(parse("Grip-Channel", sb.toString()).channels()).hasSize(30);
    }

    @Test
    void empty_channel_name_and_unterminated_quotes_are_errors() {
        assertError("Grip-Channel: empty channel name in \"; prev-id=1\"", "Grip-Channel", "; prev-id=1");
        assertError("Grip-Channel: unterminated quoted string in \"x; prev-id=\"1\"", "Grip-Channel",
                "x; prev-id=\"1");
    }

    @Test
    void timeout_below_five_is_raised_to_five() {
        assertThat(parse("Grip-Timeout", "0").timeoutSeconds()).isEqualTo(5);
        assertThat(parse("Grip-Timeout", "4").timeoutSeconds()).isEqualTo(5);
        assertThat(parse("Grip-Timeout", " 5 ").timeoutSeconds()).isEqualTo(5);
        assertThat(parse("Grip-Timeout", "3600").timeoutSeconds()).isEqualTo(3600);
    }

    @Test
    void non_numeric_negative_or_huge_timeouts_are_errors() {
        assertError("Grip-Timeout: \"abc\" is not a number", "Grip-Timeout", "abc");
        assertError("Grip-Timeout: \"1.5\" is not a number", "Grip-Timeout", "1.5");
        assertError("Grip-Timeout: \"\" is not a number", "Grip-Timeout", "");
        assertError("Grip-Timeout: \"-1\" is negative", "Grip-Timeout", "-1");
        assertError("Grip-Timeout: \"99999999999\" is out of range", "Grip-Timeout", "99999999999");
    }

    @Test
    void keep_alive_raw_format_is_the_default_and_may_contain_commas() {
        GripInstruct g = parse("Grip-Keep-Alive", "{\"a\":1,\"b\":2}; timeout=30");
        assertThat(new String(g.keepAlive().get().data(), StandardCharsets.UTF_8)).isEqualTo("{\"a\":1,\"b\":2}");
        assertThat(g.keepAlive().get().timeoutSeconds()).isEqualTo(30);
        assertThat(g.keepAlive().get().mode()).isEqualTo(KeepAliveMode.IDLE);
        assertThat(parse("Grip-Keep-Alive", "ping; format=raw").keepAlive().get().timeoutSeconds()).isEqualTo(55);
    }

    @Test
    void keep_alive_base64_format_decodes() {
        GripInstruct g = parse("Grip-Keep-Alive", "AAEC; format=base64");
        assertThat(g.keepAlive().get().data()).containsExactly(0, 1, 2);
        assertError("Grip-Keep-Alive: \"@@@\" is not valid base64", "Grip-Keep-Alive", "@@@; format=base64");
    }

    @Test
    void keep_alive_cstring_unescapes_backslash_cr_lf_and_hex() {
        GripInstruct g = parse("Grip-Keep-Alive", "a\\\\b\\r\\n\\x3B\\xff; format=cstring");
        assertThat(g.keepAlive().get().data()).containsExactly('a', '\\', 'b', '\r', '\n', ';', 0xff);
    }

    @Test
    void keep_alive_cstring_with_a_bad_escape_is_an_error() {
        assertError("Grip-Keep-Alive: invalid cstring: dangling \\ at the end", "Grip-Keep-Alive",
                "abc\\; format=cstring");
        assertError("Grip-Keep-Alive: invalid cstring: \\x at offset 1 is not followed by two hex digits",
                "Grip-Keep-Alive", "a\\xZZ; format=cstring");
        assertError("Grip-Keep-Alive: invalid cstring: unknown escape \\t at offset 0 (expected \\\\, \\r, \\n or \\xHH)",
                "Grip-Keep-Alive", "\\t; format=cstring");
    }

    @Test
    void keep_alive_interval_mode_and_timeout_clamp() {
        KeepAlive ka = parse("Grip-Keep-Alive", "x; mode=interval; timeout=0").keepAlive().get();
        assertThat(ka.mode()).isEqualTo(KeepAliveMode.INTERVAL);
        assertThat(ka.timeoutSeconds()).isEqualTo(1);
    }

    @Test
    void keep_alive_errors_name_the_header() {
        assertError("Grip-Keep-Alive: empty value (expected: <data>[; format=...])", "Grip-Keep-Alive", "");
        assertError("Grip-Keep-Alive: empty value (expected: <data>[; format=...])", "Grip-Keep-Alive",
                "; format=raw");
        assertError("Grip-Keep-Alive: unknown format \"hex\" (expected raw, cstring or base64)",
                "Grip-Keep-Alive", "x; format=hex");
        assertError("Grip-Keep-Alive: unknown mode \"often\" (expected idle or interval)",
                "Grip-Keep-Alive", "x; mode=often");
        assertError("Grip-Keep-Alive timeout: \"soon\" is not a number", "Grip-Keep-Alive", "x; timeout=soon");
        assertError("Grip-Keep-Alive timeout: \"-3\" is negative", "Grip-Keep-Alive", "x; timeout=-3");
    }

    @Test
    void set_meta_pairs_are_read_and_later_keys_win() {
        GripInstruct g = parse("Grip-Set-Meta", "user=\"alice\", role=admin",
                "Grip-Set-Meta", "user=\"bob, jr\"; ignored=1");
        assertThat(g.meta()).containsExactly(Map.entry("user", "bob, jr"), Map.entry("role", "admin"));
    }

    @Test
    void set_meta_without_a_key_is_an_error() {
        assertError("Grip-Set-Meta: \"=\"x\"\" is not of the form key=\"value\"", "Grip-Set-Meta", "=\"x\"");
    }

    @Test
    void status_sets_code_and_reason_with_the_standard_phrase_as_default() {
        GripInstruct g = parse("Grip-Status", "404 Not Here");
        assertThat(g.statusCode()).hasValue(404);
        assertThat(g.statusReason()).contains("Not Here");
        GripInstruct d = parse("Grip-Status", "404");
        assertThat(d.statusReason()).contains("Not Found");
        assertThat(parse("Grip-Status", "0").statusCode()).hasValue(0);
        assertThat(parse("Grip-Status", "999").statusReason()).contains("Undefined Reason");
    }

    @Test
    void invalid_status_codes_are_errors() {
        assertError("Grip-Status: \"abc\" is not a valid status code (expected: 0-999)", "Grip-Status", "abc OK");
        assertError("Grip-Status: \"1000\" is not a valid status code (expected: 0-999)", "Grip-Status", "1000");
        assertError("Grip-Status: \"-1\" is not a valid status code (expected: 0-999)", "Grip-Status", "-1");
    }

    @Test
    void expose_headers_is_a_comma_list_over_repeated_headers() {
        GripInstruct g = parse("Grip-Expose-Headers", "Content-Type, X-A", "Grip-Expose-Headers", "X-B");
        assertThat(g.exposeHeaders()).contains(List.of("Content-Type", "X-A", "X-B"));
        assertThat(parse("Grip-Expose-Headers", " , ").exposeHeaders()).isEmpty();
    }

    @Test
    void next_link_timeout_defaults_to_120_and_unknown_rels_are_ignored() {
        GripInstruct g = parse("Grip-Link", "</a>; rel=next, </b>; rel=prefetch, </c>; rel=\"gone\"");
        assertThat(g.nextLink()).contains(new GripLink("/a", 120));
        assertThat(g.goneLink()).contains("/c");
        assertThat(parse("Grip-Link", "</x>; rel=alternate").nextLink()).isEmpty();
        assertThat(parse("Grip-Link", "<no-rel>").nextLink()).isEmpty();
    }

    @Test
    void link_uri_may_contain_commas() {
        GripInstruct g = parse("Grip-Link", "</s?ids=1,2,3>; rel=next; timeout=5");
        assertThat(g.nextLink()).contains(new GripLink("/s?ids=1,2,3", 5));
    }

    @Test
    void malformed_links_are_errors() {
        assertError("Grip-Link: \"/x\" is not of the form <uri>", "Grip-Link", "/x; rel=next");
        assertError("Grip-Link: \"<>\" is not of the form <uri>", "Grip-Link", "<>; rel=next");
        assertError("Grip-Link: invalid URI \"/a b\"", "Grip-Link", "</a b>; rel=next");
        assertError("Grip-Link timeout: \"x\" is not a number", "Grip-Link", "</a>; rel=next; timeout=x");
        assertError("Grip-Link timeout: \"-1\" is negative", "Grip-Link", "</a>; rel=next; timeout=-1");
    }

    @Test
    void only_the_first_single_valued_header_counts() {
        GripInstruct g = parse("Grip-Hold", "stream", "Grip-Hold", "bogus", "Grip-Timeout", "10",
                "Grip-Timeout", "x");
        assertThat(g.hold()).contains(HoldMode.STREAM);
        assertThat(g.timeoutSeconds()).isEqualTo(10);
    }

    @Test
    void from_response_merges_a_json_body_and_requires_status_200() {
        byte[] body = "{\"hold\":{\"channels\":[{\"name\":\"j\"}]}}".getBytes(StandardCharsets.UTF_8);
        List<Map.Entry<String, String>> headers = Headers.of("Content-Type", "application/grip-instruct",
                "Grip-Channel", "h");
        GripInstruct g = GripInstructParser.fromResponse(200, headers, body);
        assertThat(g.channels()).extracting(ChannelSpec::name).containsExactly("h", "j");
        assertThatThrownBy(() -> GripInstructParser.fromResponse(404, headers, body))
                .isInstanceOf(GripInstructException.class)
                .hasMessage("Content-Type: response code for application/grip-instruct content must be 200, not 404");
        // Without the instruct type the body is the client's and is not parsed.
        assertThat(GripInstructParser.fromResponse(404, Headers.of("Grip-Hold", "response"), new byte[] {'x'})
                .hold()).contains(HoldMode.RESPONSE);
    }
}
