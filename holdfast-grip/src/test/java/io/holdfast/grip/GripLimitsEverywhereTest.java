package io.holdfast.grip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.holdfast.grip.instruct.ChannelSpec;
import io.holdfast.grip.instruct.GripInstruct;
import io.holdfast.grip.instruct.GripInstructException;
import io.holdfast.grip.instruct.GripInstructParser;
import io.holdfast.grip.publish.HttpResponseFormat;
import io.holdfast.grip.publish.PublishFormatException;
import io.holdfast.grip.publish.PublishItem;
import io.holdfast.grip.publish.PublishRequestParser;
import io.holdfast.grip.publish.WsMessageFormat;
import io.holdfast.grip.tnetstring.TNetStringItems;
import io.holdfast.grip.websocket.ControlMessage;
import io.holdfast.grip.websocket.ControlMessageException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every parser that reads a channel, a header or a close applies {@link GripLimits}, with its words. */
class GripLimitsEverywhereTest {
    private static final String LONG = "c".repeat(GripLimits.MAX_CHANNEL_BYTES + 1);
    private static final String TOO_LONG = GripLimits.channelProblem(LONG);
    private static final String MAX = "c".repeat(GripLimits.MAX_CHANNEL_BYTES);

    private static byte[] utf8(String s) {
        return s.replace('\'', '"').getBytes(StandardCharsets.UTF_8);
    }

    private static List<PublishItem> publish(String itemJson) {
        return PublishRequestParser.parse(utf8("{'items':[" + itemJson + "]}"));
    }

    private static void publishRefused(String message, String itemJson) {
        assertThatThrownBy(() -> publish(itemJson)).isInstanceOf(PublishFormatException.class)
                .hasMessage("Invalid format: item 0: " + message);
    }

    private static GripInstruct headers(String name, String value) {
        return GripInstructParser.fromHeaders(List.of(Map.entry(name, value)));
    }

    @Test
    void gripChannelHeadersRefuseALongName() {
        assertThat(headers("Grip-Channel", MAX).channels()).containsExactly(ChannelSpec.of(MAX));
        assertThatThrownBy(() -> headers("Grip-Channel", "ok, " + LONG + "; prev-id=1"))
                .isInstanceOf(GripInstructException.class).hasMessage("Grip-Channel: " + TOO_LONG);
    }

    @Test
    void instructJsonRefusesALongNameAndBadResponseHeaders() {
        assertThatThrownBy(() -> GripInstructParser.fromJson(utf8("{'hold':{'channels':[{'name':'a'},{'name':'"
                + LONG + "'}]}}"), null))
                .isInstanceOf(GripInstructException.class).hasMessage("hold.channels[1].name: " + TOO_LONG);
        assertThatThrownBy(() -> GripInstructParser.fromJson(utf8("{'response':{'headers':{'X-A':'a\\r\\nSet-Cookie: x=1'}}}"), null))
                .isInstanceOf(GripInstructException.class)
                .hasMessage("response.headers.X-A: header value has a CR (expected: no control characters, RFC 9110 §5.5)");
        assertThatThrownBy(() -> GripInstructParser.fromJson(utf8("{'response':{'headers':[['Transfer-Encoding','chunked']]}}"), null))
                .isInstanceOf(GripInstructException.class)
                .hasMessage("response.headers[0]: header Transfer-Encoding is hop-by-hop or framing; Holdfast sets it itself");
        assertThatThrownBy(() -> GripInstructParser.fromJson(utf8("{'response':{'reason':'OK\\r\\nX: y'}}"), null))
                .isInstanceOf(GripInstructException.class).hasMessageStartingWith("response.reason: reason phrase has a CR");
    }

    @Test
    void gripSetMetaMustMakeAValidMetaHeader() {
        assertThat(headers("Grip-Set-Meta", "user=\"alice\"").meta()).containsEntry("user", "alice");
        assertThatThrownBy(() -> headers("Grip-Set-Meta", "us er=\"alice\""))
                .isInstanceOf(GripInstructException.class).hasMessageStartingWith("Grip-Set-Meta: meta header name");
        assertThatThrownBy(() -> headers("Grip-Set-Meta", "user=\"a\\\u0001b\""))
                .isInstanceOf(GripInstructException.class).hasMessageContaining("U+0001");
    }

    @Test
    void controlMessagesRefuseALongChannelAnInvalidCloseAndABadMeta() {
        assertThat(ControlMessage.parse("{\"type\":\"subscribe\",\"channel\":\"" + MAX + "\"}"))
                .isEqualTo(ControlMessage.subscribe(MAX));
        for (String type : new String[] {"subscribe", "unsubscribe", "resume"}) {
            assertThatThrownBy(() -> ControlMessage.parse("{\"type\":\"" + type + "\",\"channel\":\"" + LONG + "\"}"))
                    .isInstanceOf(ControlMessageException.class).hasMessage(type + ": channel: " + TOO_LONG);
        }
        assertThatThrownBy(() -> ControlMessage.parse("{\"type\":\"close\",\"code\":1005}"))
                .isInstanceOf(ControlMessageException.class).hasMessageStartingWith("close: code: close code 1005 may not be sent");
        assertThatThrownBy(() -> ControlMessage.parse("{\"type\":\"close\",\"code\":1000,\"reason\":\"" + "r".repeat(124) + "\"}"))
                .isInstanceOf(ControlMessageException.class).hasMessageStartingWith("close: reason: close reason is 124 bytes");
        assertThatThrownBy(() -> ControlMessage.parse("{\"type\":\"set-meta\",\"name\":\"a\\r\\nb\",\"value\":\"v\"}"))
                .isInstanceOf(ControlMessageException.class).hasMessageContaining("set-meta: name: header name");
        assertThatThrownBy(() -> ControlMessage.parse("{\"type\":\"set-meta\",\"name\":\"user\",\"value\":\"v\\r\\nX: y\"}"))
                .isInstanceOf(ControlMessageException.class).hasMessageContaining("set-meta: value: header value has a CR");
    }

    @Test
    void publishItemsRefuseALongChannelOverJsonAndTnetstringsAndFromAZeroMqTopic() {
        assertThat(publish("{'channel':'" + MAX + "','formats':{'http-stream':{'content':'x'}}}")).hasSize(1);
        publishRefused("channel: " + TOO_LONG, "{'channel':'" + LONG + "','formats':{'http-stream':{'content':'x'}}}");
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("channel", LONG.getBytes(StandardCharsets.UTF_8));
        item.put("formats", Map.of("http-stream", Map.of("content", "x".getBytes(StandardCharsets.UTF_8))));
        assertThatThrownBy(() -> TNetStringItems.parseItem(item, null)).isInstanceOf(PublishFormatException.class)
                .hasMessage("Invalid format: channel: " + TOO_LONG);
        assertThatThrownBy(() -> TNetStringItems.parseItems(List.of(item))).isInstanceOf(PublishFormatException.class)
                .hasMessage("Invalid format: item 0: channel: " + TOO_LONG);
        item.remove("channel");
        assertThatThrownBy(() -> TNetStringItems.parseItem(item, LONG)).isInstanceOf(PublishFormatException.class)
                .hasMessage("Invalid format: channel: " + TOO_LONG);
    }

    @Test
    void publishedResponseHeadersAreValidatedAndNamed() {
        publishRefused("formats.http-response.headers.X-A: header value has a CR (expected: no control characters,"
                + " RFC 9110 §5.5)", "{'channel':'a','formats':{'http-response':{'body':'x',"
                + "'headers':{'X-A':'a\\r\\nSet-Cookie: x=1'}}}}");
        publishRefused("formats.http-response.headers.X-A\\x0d\\x0aB: header name \"X-A\\x0d\\x0aB\" has a CR"
                + " (expected: an RFC 9110 token)", "{'channel':'a','formats':{'http-response':{'body':'x',"
                + "'headers':{'X-A\\r\\nB':'v'}}}}");
        publishRefused("formats.http-response.headers[1]: header Transfer-Encoding is hop-by-hop or framing;"
                + " Holdfast sets it itself", "{'channel':'a','formats':{'http-response':{'body':'x',"
                + "'headers':[['X-Ok','1'],['Transfer-Encoding','chunked']]}}}");
        for (String name : new String[] {"Content-Length", "Connection", "Keep-Alive", "Upgrade", "TE", "Trailer",
                "Proxy-Authenticate"}) {
            assertThatThrownBy(() -> publish("{'channel':'a','http-response':{'body':'x','headers':{'" + name
                    + "':'1'}}}")).hasMessageContaining("header " + name + " is hop-by-hop or framing");
        }
        publishRefused("formats.http-response.reason: reason phrase has an LF (expected: no control characters,"
                + " RFC 9112 §4)", "{'channel':'a','formats':{'http-response':{'body':'x','reason':'OK\\nX: y'}}}");
        assertThat(publish("{'channel':'a','formats':{'http-response':{'body':'x','headers':{'X-Tab':'a\\tb'}}}}"))
                .hasSize(1);
    }

    @Test
    void wsMessageCloseCodesAndReasonsFollowRfc6455() {
        publishRefused("formats.ws-message.code: close code 0 may not be sent (expected: 1000-1003, 1007-1014 or"
                + " 3000-4999, RFC 6455 §7.4)", "{'channel':'a','formats':{'ws-message':{'action':'close','code':0}}}");
        for (int bad : new int[] {999, 1004, 1005, 1006, 1015, 2000, 5000, 70000}) {
            assertThatThrownBy(() -> publish("{'channel':'a','formats':{'ws-message':{'action':'close','code':" + bad
                    + "}}}")).as("%d", bad).hasMessageContaining("formats.ws-message.code: close code " + bad);
        }
        publishRefused("formats.ws-message.reason: close reason is 124 bytes long (max 123 bytes of UTF-8,"
                + " RFC 6455 §5.5)", "{'channel':'a','formats':{'ws-message':{'action':'close','code':1000,"
                + "'reason':'" + "r".repeat(124) + "'}}}");
        assertThat(publish("{'channel':'a','formats':{'ws-message':{'action':'close','code':4000,'reason':'bye'}}}")
                .get(0).wsMessage()).contains(WsMessageFormat.close(4000, "bye"));
    }

    @Test
    void theModelsThemselvesRefuseALongChannel() {
        assertThatThrownBy(() -> PublishItem.builder(LONG).wsMessage(WsMessageFormat.text("x")).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("channel: " + TOO_LONG);
        assertThatThrownBy(() -> ChannelSpec.of(LONG)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("name: " + TOO_LONG);
    }

    @Test
    void formatsBuiltInJavaRefuseWhatThePublishApiWouldRefuse() {
        assertThatThrownBy(() -> WsMessageFormat.close(0, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("code: " + GripLimits.closeCodeProblem(0));
        assertThatThrownBy(() -> WsMessageFormat.close(1000, "r".repeat(124)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("reason: close reason is 124");
        assertThatThrownBy(() -> HttpResponseFormat.of("x", List.of(Map.entry("X-A", "a\r\nSet-Cookie: x=1"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("headers: header value has a CR");
        assertThatThrownBy(() -> HttpResponseFormat.of("x", List.of(Map.entry("Content-Length", "1"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("headers: header Content-Length is hop-by-hop or framing; Holdfast sets it itself");
        assertThat(HttpResponseFormat.of("x", List.of(Map.entry("Content-Type", "text/plain"))).headers()).hasSize(1);
    }
}
