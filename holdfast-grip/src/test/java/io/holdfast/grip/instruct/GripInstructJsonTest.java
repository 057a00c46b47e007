package io.holdfast.grip.instruct;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GripInstructJsonTest {

    private static GripInstruct json(String body) {
        return GripInstructParser.fromJson(body.replace('\'', '"').getBytes(StandardCharsets.UTF_8), null);
    }

    private static GripInstruct json(String body, String... headerNameValues) {
        GripInstruct headers = GripInstructParser.fromHeaders(Headers.of(headerNameValues));
        return GripInstructParser.fromJson(body.replace('\'', '"').getBytes(StandardCharsets.UTF_8), headers);
    }

    private static void assertError(String message, String body) {
        assertThatThrownBy(() -> json(body)).isInstanceOf(GripInstructException.class).hasMessage(message);
    }

    @Test
    void instruct_example_of_the_spec_parses() {
        GripInstruct g = GripInstructParser.fromJson(("""
                {
                  "hold": {
                    "mode": "response",
                    "channels": [
                      {"name": "mychannel", "prev-id": "17", "filters": ["skip-self"]}
                    ],
                    "timeout": 55,
                    "keep-alive": {"content": "\\n", "timeout": 20},
                    "meta": {"user": "alice"}
                  },
                  "response": {
                    "code": 200,
                    "reason": "OK",
                    "headers": {"Content-Type": "application/json"},
                    "body": "{\\"messages\\": []}\\n"
                  }
                }
                """).getBytes(StandardCharsets.UTF_8), null);
        assertThat(g.hold()).contains(HoldMode.RESPONSE);
        assertThat(g.channels()).containsExactly(new ChannelSpec("mychannel", "17", List.of("skip-self")));
        assertThat(g.timeoutSeconds()).isEqualTo(55);
        assertThat(g.keepAlive()).contains(new KeepAlive(new byte[] {'\n'}, 20, KeepAliveMode.IDLE));
        assertThat(g.meta()).containsExactly(Map.entry("user", "alice"));
        assertThat(g.statusCode()).hasValue(200);
        assertThat(g.statusReason()).contains("OK");
        InstructResponse r = g.response().orElseThrow();
        assertThat(r.headers()).containsExactly(Map.entry("Content-Type", "application/json"));
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("{\"messages\": []}\n");
    }

    @Test
    void hold_without_mode_is_a_response_hold() {
        assertThat(json("{'hold':{'channels':[{'name':'a'}]}}").hold()).contains(HoldMode.RESPONSE);
        assertThat(json("{'hold':{'mode':'stream','channels':[]}}").hold()).contains(HoldMode.STREAM);
    }

    @Test
    void missing_response_means_empty_headers_and_body() {
        GripInstruct g = json("{}");
        assertThat(g.response()).contains(InstructResponse.EMPTY);
        assertThat(g.hold()).isEmpty();
    }

    @Test
    void json_merges_over_header_instructions() {
        GripInstruct g = json("{'hold':{'mode':'stream','channels':[{'name':'j'}],'meta':{'a':'json'}},"
                        + "'response':{'body':'x'}}",
                "Grip-Hold", "response", "Grip-Channel", "h", "Grip-Set-Meta", "a=\"header\", b=\"header\"",
                "Grip-Link", "</next>; rel=next", "Grip-Expose-Headers", "X-A", "Grip-Timeout", "30");
        assertThat(g.hold()).contains(HoldMode.STREAM);
        assertThat(g.channels()).extracting(ChannelSpec::name).containsExactly("h", "j");
        assertThat(g.meta()).containsEntry("a", "json").containsEntry("b", "header");
        assertThat(g.nextLink()).contains(GripLink.of("/next"));
        assertThat(g.exposeHeaders()).contains(List.of("X-A"));
        assertThat(g.timeoutSeconds()).isEqualTo(30);
    }

    @Test
    void grip_status_applies_unless_the_json_gives_a_code() {
        GripInstruct kept = json("{'response':{'body':'x'}}", "Grip-Status", "404 Gone Fishing");
        assertThat(kept.statusCode()).hasValue(404);
        assertThat(kept.statusReason()).contains("Gone Fishing");

        GripInstruct overridden = json("{'response':{'code':503}}", "Grip-Status", "404 Gone Fishing");
        assertThat(overridden.statusCode()).hasValue(503);
        assertThat(overridden.statusReason()).contains("Service Unavailable");

        GripInstruct reasonOnly = json("{'response':{'reason':'Nope'}}", "Grip-Status", "404");
        assertThat(reasonOnly.statusCode()).hasValue(404);
        assertThat(reasonOnly.statusReason()).contains("Nope");
    }

    @Test
    void headers_may_be_a_list_of_pairs_keeping_order_and_repeats() {
        GripInstruct g = json("{'response':{'headers':[['Set-Cookie','a=1'],['Set-Cookie','b=2']]}}");
        assertThat(g.response().get().headers()).containsExactly(Map.entry("Set-Cookie", "a=1"),
                Map.entry("Set-Cookie", "b=2"));
    }

    @Test
    void body_bin_wins_over_body() {
        GripInstruct g = json("{'response':{'body':'text','body-bin':'AAEC'}}");
        assertThat(g.response().get().body()).containsExactly(0, 1, 2);
    }

    @Test
    void keep_alive_content_bin_timeout_default_and_header_mode_kept() {
        KeepAlive ka = json("{'hold':{'channels':[],'keep-alive':{'content-bin':'AAE='}}}").keepAlive().get();
        assertThat(ka.data()).containsExactly(0, 1);
        assertThat(ka.timeoutSeconds()).isEqualTo(55);
        assertThat(ka.mode()).isEqualTo(KeepAliveMode.IDLE);

        KeepAlive fromHeader = json("{'hold':{'keep-alive':{'timeout':7}}}",
                "Grip-Keep-Alive", "hb; mode=interval").keepAlive().get();
        assertThat(fromHeader.data()).isEqualTo("hb".getBytes(StandardCharsets.US_ASCII));
        assertThat(fromHeader.timeoutSeconds()).isEqualTo(7);
        assertThat(fromHeader.mode()).isEqualTo(KeepAliveMode.INTERVAL);

        assertThat(json("{'hold':{'keep-alive':{'timeout':7}}}").keepAlive()).isEmpty();
    }

    @Test
    void json_timeout_zero_is_raised_to_five() {
        assertThat(json("{'hold':{'timeout':0}}").timeoutSeconds()).isEqualTo(5);
        assertThat(json("{'hold':{'timeout':20.0}}").timeoutSeconds()).isEqualTo(20);
    }

    @Test
    void body_that_is_not_a_json_object_is_an_error() {
        assertError("grip-instruct body: not valid JSON", "{");
        assertError("grip-instruct body: not valid JSON", "");
        assertError("grip-instruct body: not valid JSON", "{} x");
        assertError("grip-instruct body: not an object", "[1]");
    }

    @Test
    void hold_field_errors_name_the_json_path() {
        assertError("hold: not an object", "{'hold':1}");
        assertError("hold.mode: \"poll\" is not response or stream", "{'hold':{'mode':'poll'}}");
        assertError("hold.mode: not a string", "{'hold':{'mode':1}}");
        assertError("hold.channels: not an array", "{'hold':{'channels':{}}}");
        assertError("hold.channels[1]: not an object", "{'hold':{'channels':[{'name':'a'},'b']}}");
        assertError("hold.channels[1].name: required", "{'hold':{'channels':[{'name':'a'},{}]}}");
        assertError("hold.channels[0].name: empty", "{'hold':{'channels':[{'name':''}]}}");
        assertError("hold.channels[0].name: not a string", "{'hold':{'channels':[{'name':5}]}}");
        assertError("hold.channels[0].prev-id: not a string", "{'hold':{'channels':[{'name':'a','prev-id':17}]}}");
        assertError("hold.channels[0].filters: not an array", "{'hold':{'channels':[{'name':'a','filters':'x'}]}}");
        assertError("hold.channels[0].filters[1]: not a string",
                "{'hold':{'channels':[{'name':'a','filters':['x',2]}]}}");
        assertError("hold.channels[0].filters: 6 filters (max 5)",
                "{'hold':{'channels':[{'name':'a','filters':['1','2','3','4','5','6']}]}}");
        assertError("hold.timeout: not an integer", "{'hold':{'timeout':'55'}}");
        assertError("hold.timeout: not an integer", "{'hold':{'timeout':1.5}}");
        assertError("hold.timeout: -1 is out of range (expected: >= 0)", "{'hold':{'timeout':-1}}");
        assertError("hold.keep-alive: not an object", "{'hold':{'keep-alive':'x'}}");
        assertError("hold.keep-alive.content: not a string", "{'hold':{'keep-alive':{'content':1}}}");
        assertError("hold.keep-alive.content-bin: not valid base64", "{'hold':{'keep-alive':{'content-bin':'*'}}}");
        assertError("hold.keep-alive.timeout: -2 is out of range (expected: >= 0)",
                "{'hold':{'keep-alive':{'content':'x','timeout':-2}}}");
        assertError("hold.meta: not an object", "{'hold':{'meta':[]}}");
        assertError("hold.meta.user: not a string", "{'hold':{'meta':{'user':1}}}");
    }

    @Test
    void response_field_errors_name_the_json_path() {
        assertError("response: not an object", "{'response':[]}");
        assertError("response.code: not an integer", "{'response':{'code':'200'}}");
        assertError("response.code: 1000 is out of range (expected: 0-999)", "{'response':{'code':1000}}");
        assertError("response.code: 99999999999 is out of range", "{'response':{'code':99999999999}}");
        assertError("response.reason: not a string", "{'response':{'reason':1}}");
        assertError("response.headers: not an object or a list of [name, value] pairs", "{'response':{'headers':1}}");
        assertError("response.headers[0]: not a [name, value] pair", "{'response':{'headers':[['a']]}}");
        assertError("response.headers[0][1]: not a string", "{'response':{'headers':[['a',1]]}}");
        assertError("response.headers.X-A: not a string", "{'response':{'headers':{'X-A':1}}}");
        assertError("response.body: not a string", "{'response':{'body':{}}}");
        assertError("response.body-bin: not valid base64", "{'response':{'body-bin':'#'}}");
    }

    @Test
    void unknown_fields_are_ignored() {
        assertThat(json("{'hold':{'channels':[{'name':'a','x':1}],'y':2},'z':3}").channels()).hasSize(1);
    }
}
