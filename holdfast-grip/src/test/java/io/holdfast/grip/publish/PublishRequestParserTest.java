package io.holdfast.grip.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PublishRequestParserTest {

    private static List<PublishItem> parse(String json) {
        return PublishRequestParser.parse(json.replace('\'', '"').getBytes(StandardCharsets.UTF_8));
    }

    private static PublishItem one(String itemJson) {
        List<PublishItem> items = parse("{'items':[" + itemJson + "]}");
        assertThat(items).hasSize(1);
        return items.get(0);
    }

    private static void assertError(String message, String json) {
        assertThatThrownBy(() -> parse(json)).isInstanceOf(PublishFormatException.class).hasMessage(message);
    }

    private static void assertItemError(String message, String itemJson) {
        assertError("Invalid format: item 0: " + message, "{'items':[" + itemJson + "]}");
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void curl_example_of_the_spec_parses() {
        List<PublishItem> items = PublishRequestParser.parse(
                "{\"items\":[{\"channel\":\"test\",\"formats\":{\"http-stream\":{\"content\":\"hello\\n\"}}}]}"
                        .getBytes(StandardCharsets.UTF_8));
        assertThat(items).hasSize(1);
        PublishItem item = items.get(0);
        assertThat(item.channel()).isEqualTo("test");
        assertThat(item.id()).isNull();
        assertThat(item.prevId()).isNull();
        assertThat(item.meta()).isEmpty();
        assertThat(item.noSeq()).isFalse();
        assertThat(item.size()).isNull();
        assertThat(item.httpStream()).contains(HttpStreamFormat.of("hello\n"));
        assertThat(item.httpResponse()).isEmpty();
        assertThat(item.wsMessage()).isEmpty();
    }

    @Test
    void item_fields_example_of_the_spec_parses() {
        PublishItem item = one("{'channel':'room1','id':'18','prev-id':'17',"
                + "'formats':{'http-response':{'body':'hi'},'http-stream':{'content':'hi'},"
                + "'ws-message':{'content':'hi'}},"
                + "'meta':{'sender':'alice','skip_users':'bob,carol','require_sub':'vip'},"
                + "'no-seq':false,'size':1234}");
        assertThat(item.id()).isEqualTo("18");
        assertThat(item.prevId()).isEqualTo("17");
        assertThat(item.meta()).containsExactly(Map.entry("sender", "alice"), Map.entry("skip_users", "bob,carol"),
                Map.entry("require_sub", "vip"));
        assertThat(item.size()).isEqualTo(1234);
        assertThat(item.httpResponse()).isPresent();
        assertThat(item.httpStream()).isPresent();
        assertThat(item.wsMessage()).contains(WsMessageFormat.text("hi"));
    }

    @Test
    void legacy_form_with_format_keys_on_the_item_is_accepted() {
        PublishItem item = one("{'channel':'c','http-stream':{'content':'x'},'ws-message':{'content':'y'},"
                + "'whatever':1}");
        assertThat(item.httpStream()).contains(HttpStreamFormat.of("x"));
        assertThat(item.wsMessage()).contains(WsMessageFormat.text("y"));
    }

    @Test
    void several_items_parse_in_order_and_an_empty_list_is_fine() {
        List<PublishItem> items = parse("{'items':[{'channel':'a','http-stream':{'content':'1'}},"
                + "{'channel':'b','http-stream':{'content':'2'}}]}");
        assertThat(items).extracting(PublishItem::channel).containsExactly("a", "b");
        assertThat(parse("{'items':[]}")).isEmpty();
    }

    @Test
    void body_level_errors_use_pushpins_messages() {
        assertError("Body is not valid JSON.", "{'items':");
        assertError("Body is not valid JSON.", "");
        assertError("Body is not valid JSON.", "{} {}");
        assertError("Invalid format.", "[]");
        assertError("Invalid format: object does not contain 'items'", "{}");
        assertError("Invalid format: object contains 'items' with wrong type", "{'items':{}}");
        assertError("Invalid format: object contains 'items' with wrong type", "{'items':null}");
    }

    @Test
    void one_bad_item_rejects_the_whole_body_naming_its_index() {
        assertError("Invalid format: item 1: formats.http-stream.content-bin: not valid base64",
                "{'items':[{'channel':'a','http-stream':{'content':'ok'}},"
                        + "{'channel':'b','formats':{'http-stream':{'content-bin':'***'}}}]}");
    }

    @Test
    void item_level_errors_name_the_field() {
        assertItemError("not an object", "'x'");
        assertItemError("channel: required", "{'http-stream':{'content':'x'}}");
        assertItemError("channel: not a string", "{'channel':1,'http-stream':{'content':'x'}}");
        assertItemError("channel: empty", "{'channel':'','http-stream':{'content':'x'}}");
        assertItemError("id: not a string", "{'channel':'c','id':18,'http-stream':{'content':'x'}}");
        assertItemError("prev-id: not a string", "{'channel':'c','prev-id':[],'http-stream':{'content':'x'}}");
        assertItemError("no formats specified", "{'channel':'c'}");
        assertItemError("no formats specified", "{'channel':'c','formats':{}}");
        assertItemError("formats: not an object", "{'channel':'c','formats':[]}");
        assertItemError("formats.fcm: unknown format", "{'channel':'c','formats':{'fcm':{}}}");
        assertItemError("meta: not an object", "{'channel':'c','meta':'x','http-stream':{'content':'x'}}");
        assertItemError("meta.sender: not a string",
                "{'channel':'c','meta':{'sender':1},'http-stream':{'content':'x'}}");
        assertItemError("no-seq: not a boolean", "{'channel':'c','no-seq':'yes','http-stream':{'content':'x'}}");
        assertItemError("size: not an integer", "{'channel':'c','size':'1','http-stream':{'content':'x'}}");
        assertItemError("size: -1 is out of range (expected: >= 0)",
                "{'channel':'c','size':-1,'http-stream':{'content':'x'}}");
    }

    @Test
    void http_stream_actions_and_content_rules() {
        assertThat(one("{'channel':'c','http-stream':{'action':'close'}}").httpStream())
                .contains(HttpStreamFormat.close());
        assertThat(one("{'channel':'c','http-stream':{'action':'close','content':''}}").httpStream().get().content())
                .isEmpty();
        assertThat(one("{'channel':'c','http-stream':{'action':'hint'}}").httpStream())
                .contains(HttpStreamFormat.hint());
        assertThat(one("{'channel':'c','http-stream':{'content':'text','content-bin':'AAE='}}").httpStream().get()
                .content()).containsExactly(0, 1);
        assertThat(one("{'channel':'c','http-stream':{'content':'x','content-filters':['var-subst']}}")
                .httpStream().get().contentFilters()).containsExactly("var-subst");
        assertThat(one("{'channel':'c','http-stream':{'content':'x'}}").httpStream().get().contentFilters()).isNull();
    }

    @Test
    void http_stream_errors() {
        assertItemError("http-stream: requires content or content-bin", "{'channel':'c','http-stream':{}}");
        assertItemError("formats.http-stream: not an object", "{'channel':'c','formats':{'http-stream':'x'}}");
        assertItemError("formats.http-stream.contnet: unknown field",
                "{'channel':'c','formats':{'http-stream':{'contnet':'x'}}}");
        assertItemError("http-stream.action: \"refresh\" is not one of send, hint, close",
                "{'channel':'c','http-stream':{'action':'refresh'}}");
        assertItemError("http-stream.action: \"yell\" is not one of send, hint, close",
                "{'channel':'c','http-stream':{'action':'yell'}}");
        assertItemError("http-stream.content: not a string", "{'channel':'c','http-stream':{'content':1}}");
        assertItemError("http-stream.content-filters: not an array",
                "{'channel':'c','http-stream':{'content':'x','content-filters':'var-subst'}}");
        assertItemError("http-stream.content-filters[0]: not a string",
                "{'channel':'c','http-stream':{'content':'x','content-filters':[1]}}");
    }

    @Test
    void http_response_defaults_and_header_rules() {
        HttpResponseFormat f = one("{'channel':'c','http-response':{'body':'hi',"
                + "'headers':{'Content-Type':'text/plain','Grip-Hold':'stream','Grip-Expose-Headers':'X-A, X-B'}}}")
                .httpResponse().orElseThrow();
        assertThat(f.action()).isEqualTo(Action.SEND);
        assertThat(f.code()).isEqualTo(200);
        assertThat(f.reason()).isNull();
        assertThat(f.effectiveReason()).isEqualTo("OK");
        assertThat(f.headers()).containsExactly(Map.entry("Content-Type", "text/plain"));
        assertThat(f.exposeHeaders()).containsExactly("X-A", "X-B");
        assertThat(text(f.body())).isEqualTo("hi");
        assertThat(f.bodyPatch()).isNull();
    }

    @Test
    void http_response_code_reason_pairs_and_body_choices() {
        HttpResponseFormat f = one("{'channel':'c','http-response':{'code':404,'reason':'Nope',"
                + "'headers':[['X-A','1'],['X-A','2']],'body-bin':'AAE=','body':'ignored'}}").httpResponse().get();
        assertThat(f.code()).isEqualTo(404);
        assertThat(f.effectiveReason()).isEqualTo("Nope");
        assertThat(f.headers()).containsExactly(Map.entry("X-A", "1"), Map.entry("X-A", "2"));
        assertThat(f.body()).containsExactly(0, 1);
        assertThat(f.exposeHeaders()).isNull();

        HttpResponseFormat patch = one("{'channel':'c','http-response':{'body-patch':"
                + "[{'op':'add','path':'/messages/-','value':'hi'}]}}").httpResponse().get();
        assertThat(patch.body()).isNull();
        assertThat(patch.bodyPatch().isArray()).isTrue();
        assertThat(patch.bodyPatch().get(0).get("op").asText()).isEqualTo("add");

        assertThat(one("{'channel':'c','http-response':{'action':'hint'}}").httpResponse())
                .contains(HttpResponseFormat.hint());
        assertThat(one("{'channel':'c','http-response':{'code':503,'body':''}}").httpResponse().get()
                .effectiveReason()).isEqualTo("Service Unavailable");
    }

    @Test
    void http_response_errors() {
        assertItemError("http-response: requires one of body, body-bin or body-patch",
                "{'channel':'c','http-response':{'code':200}}");
        assertItemError("http-response.code: 1000 is out of range (expected: 0-999)",
                "{'channel':'c','http-response':{'code':1000,'body':''}}");
        assertItemError("http-response.code: not an integer",
                "{'channel':'c','http-response':{'code':'200','body':''}}");
        assertItemError("http-response.reason: not a string",
                "{'channel':'c','http-response':{'reason':1,'body':''}}");
        assertItemError("http-response.headers: not an object or a list of [name, value] pairs",
                "{'channel':'c','http-response':{'headers':'x','body':''}}");
        assertItemError("http-response.headers[0]: not a [name, value] pair",
                "{'channel':'c','http-response':{'headers':[['a','b','c']],'body':''}}");
        assertItemError("http-response.headers.X-A: not a string",
                "{'channel':'c','http-response':{'headers':{'X-A':2},'body':''}}");
        assertItemError("http-response.body-patch: not an array",
                "{'channel':'c','http-response':{'body-patch':{}}}");
        assertItemError("http-response.body-bin: not valid base64",
                "{'channel':'c','http-response':{'body-bin':'!!'}}");
        assertItemError("http-response.action: \"refresh\" is not one of send, hint, close",
                "{'channel':'c','http-response':{'action':'refresh','body':''}}");
        assertItemError("formats.http-response.status: unknown field",
                "{'channel':'c','formats':{'http-response':{'status':200,'body':''}}}");
    }

    @Test
    void ws_message_types_default_from_content_spelling() {
        WsMessageFormat text = one("{'channel':'c','ws-message':{'content':'hi'}}").wsMessage().get();
        assertThat(text.type()).isEqualTo(WsMessageType.TEXT);
        WsMessageFormat bin = one("{'channel':'c','ws-message':{'content-bin':'AAE='}}").wsMessage().get();
        assertThat(bin.type()).isEqualTo(WsMessageType.BINARY);
        assertThat(bin.content()).containsExactly(0, 1);
        WsMessageFormat explicit = one("{'channel':'c','ws-message':{'type':'text','content-bin':'aGk='}}")
                .wsMessage().get();
        assertThat(explicit.type()).isEqualTo(WsMessageType.TEXT);
        assertThat(text(explicit.content())).isEqualTo("hi");
        WsMessageFormat ping = one("{'channel':'c','ws-message':{'type':'ping'}}").wsMessage().get();
        assertThat(ping.type()).isEqualTo(WsMessageType.PING);
        assertThat(ping.content()).isNull();
    }

    @Test
    void ws_message_close_refresh_and_hint() {
        assertThat(one("{'channel':'c','ws-message':{'action':'close','code':4000,'reason':'bye'}}").wsMessage())
                .contains(WsMessageFormat.close(4000, "bye"));
        assertThat(one("{'channel':'c','ws-message':{'action':'refresh'}}").wsMessage())
                .contains(WsMessageFormat.refresh());
        assertThat(one("{'channel':'c','ws-message':{'action':'hint'}}").wsMessage().get().action())
                .isEqualTo(Action.HINT);
    }

    @Test
    void ws_message_errors() {
        assertItemError("ws-message: requires content or content-bin", "{'channel':'c','ws-message':{}}");
        assertItemError("ws-message: requires content or content-bin",
                "{'channel':'c','ws-message':{'type':'binary'}}");
        assertItemError("ws-message.type: \"json\" is not one of text, binary, ping, pong",
                "{'channel':'c','ws-message':{'type':'json','content':'x'}}");
        assertItemError("ws-message.code: -1 is out of range (expected: >= 0)",
                "{'channel':'c','ws-message':{'action':'close','code':-1}}");
        assertItemError("ws-message.action: \"open\" is not one of send, hint, close, refresh",
                "{'channel':'c','ws-message':{'action':'open'}}");
        assertItemError("ws-message.content-bin: not a string",
                "{'channel':'c','ws-message':{'content-bin':5}}");
        assertItemError("formats.ws-message.text: unknown field",
                "{'channel':'c','formats':{'ws-message':{'text':'x'}}}");
    }

    @Test
    void null_values_count_as_absent() {
        PublishItem item = one("{'channel':'c','id':null,'meta':null,'http-stream':{'content':'x',"
                + "'content-filters':null},'ws-message':null}");
        assertThat(item.id()).isNull();
        assertThat(item.wsMessage()).isEmpty();
    }

    @Test
    void parse_item_reads_a_lone_item_and_can_take_the_channel_from_elsewhere() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.putObject("http-stream").put("content", "x");
        assertThat(PublishRequestParser.parseItem(node, "from-topic").channel()).isEqualTo("from-topic");
        assertThatThrownBy(() -> PublishRequestParser.parseItem(node))
                .isInstanceOf(PublishFormatException.class)
                .hasMessage("Invalid format: channel: required")
                .satisfies(e -> assertThat(((PublishFormatException) e).itemIndex())
                        .isEqualTo(PublishFormatException.NO_ITEM));
    }

    @Test
    void exception_reports_index_and_field() {
        assertThatThrownBy(() -> parse("{'items':[{'channel':'a','http-stream':{'content':'x'}},{'channel':'b',"
                + "'http-stream':{'content':1}}]}"))
                .isInstanceOfSatisfying(PublishFormatException.class, e -> {
                    assertThat(e.itemIndex()).isEqualTo(1);
                    assertThat(e.field()).isEqualTo("http-stream.content");
                });
    }
}
