package io.holdfast.grip.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.holdfast.grip.instruct.KeepAliveMode;
import io.holdfast.grip.publish.WsMessageType;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ControlMessageTest {

    private static ControlMessage parse(String json) {
        return ControlMessage.parse(json.replace('\'', '"'));
    }

    private static void assertError(String message, String json) {
        assertThatThrownBy(() -> parse(json)).isInstanceOf(ControlMessageException.class).hasMessage(message);
    }

    @Test
    void subscribe_builds_the_json_of_the_spec_example() {
        assertThat(ControlMessage.subscribe("room1").toJson()).isEqualTo("{\"type\":\"subscribe\",\"channel\":\"room1\"}");
        assertThat(ControlMessage.subscribe("room1").toFrame())
                .isEqualTo("c:{\"type\":\"subscribe\",\"channel\":\"room1\"}");
    }

    @Test
    void every_type_parses() {
        assertThat(parse("{'type':'subscribe','channel':'a','filters':['skip-self']}"))
                .isEqualTo(ControlMessage.subscribe("a", List.of("skip-self")));
        assertThat(parse("{'type':'unsubscribe','channel':'a'}")).isEqualTo(ControlMessage.unsubscribe("a"));
        assertThat(parse("{'type':'detach'}")).isEqualTo(ControlMessage.detach());
        assertThat(parse("{'type':'set-meta','name':'user','value':'alice'}"))
                .isEqualTo(ControlMessage.setMeta("user", "alice"));
        assertThat(parse("{'type':'set-meta','name':'user'}")).isEqualTo(ControlMessage.setMeta("user", null));
        assertThat(parse("{'type':'flush-delayed'}")).isEqualTo(ControlMessage.flushDelayed());
        assertThat(parse("{'type':'session','id':'s1'}")).isEqualTo(ControlMessage.session("s1"));
        assertThat(parse("{'type':'session'}")).isEqualTo(ControlMessage.session(null));
        assertThat(parse("{'type':'close','code':4000,'reason':'bye'}")).isEqualTo(ControlMessage.close(4000, "bye"));
        assertThat(parse("{'type':'close'}")).isEqualTo(new ControlMessage.Close(null, null));
    }

    @Test
    void keep_alive_example_of_the_spec_parses_with_defaults() {
        ControlMessage m = ControlMessage.parse("{\"type\":\"keep-alive\",\"content\":\"{\\\"type\\\":\\\"ping\\\"}\","
                + "\"timeout\":25}");
        assertThat(m).isEqualTo(new ControlMessage.KeepAlive(WsMessageType.TEXT,
                "{\"type\":\"ping\"}".getBytes(StandardCharsets.UTF_8), 25, KeepAliveMode.IDLE));
        ControlMessage.KeepAlive d = (ControlMessage.KeepAlive) parse("{'type':'keep-alive','content':'x'}");
        assertThat(d.timeoutSeconds()).isEqualTo(55);
        ControlMessage.KeepAlive off = (ControlMessage.KeepAlive) parse("{'type':'keep-alive'}");
        assertThat(off.content()).isNull();
    }

    @Test
    void keep_alive_binary_content_and_interval_mode() {
        ControlMessage.KeepAlive k = (ControlMessage.KeepAlive) parse(
                "{'type':'keep-alive','content-bin':'AAE=','mode':'interval','timeout':5}");
        assertThat(k.messageType()).isEqualTo(WsMessageType.BINARY);
        assertThat(k.content()).containsExactly(0, 1);
        assertThat(k.mode()).isEqualTo(KeepAliveMode.INTERVAL);
        ControlMessage.KeepAlive ping = (ControlMessage.KeepAlive) parse(
                "{'type':'keep-alive','message-type':'ping','content':''}");
        assertThat(ping.messageType()).isEqualTo(WsMessageType.PING);
    }

    @Test
    void send_delayed_defaults_to_one_second() {
        ControlMessage.SendDelayed s = (ControlMessage.SendDelayed) parse("{'type':'send-delayed','content':'x'}");
        assertThat(s.timeoutSeconds()).isEqualTo(1);
        assertThat(s.messageType()).isEqualTo(WsMessageType.TEXT);
    }

    @Test
    void unknown_type_is_a_distinct_value_not_an_error() {
        ControlMessage m = parse("{'type':'ack','id':1}");
        assertThat(m).isInstanceOf(ControlMessage.Unknown.class);
        assertThat(m.type()).isEqualTo("ack");
        assertThat(m.toJson()).isEqualTo("{\"type\":\"ack\",\"id\":1}");
    }

    @Test
    void bad_json_and_bad_fields_are_errors_naming_the_field() {
        assertError("control message: not valid JSON", "{'type':");
        assertError("control message: not valid JSON", "");
        assertError("control message: not an object", "['subscribe']");
        assertError("control message: type: required", "{'channel':'a'}");
        assertError("control message: type: not a string", "{'type':1}");
        assertError("subscribe: channel: required", "{'type':'subscribe'}");
        assertError("subscribe: channel: empty", "{'type':'subscribe','channel':''}");
        assertError("subscribe: filters[0]: not a string", "{'type':'subscribe','channel':'a','filters':[1]}");
        assertError("subscribe: filters: 6 filters (max 5)",
                "{'type':'subscribe','channel':'a','filters':['1','2','3','4','5','6']}");
        assertError("unsubscribe: channel: not a string", "{'type':'unsubscribe','channel':5}");
        assertError("set-meta: name: required", "{'type':'set-meta','value':'x'}");
        assertError("set-meta: name: empty", "{'type':'set-meta','name':''}");
        assertError("set-meta: value: not a string", "{'type':'set-meta','name':'a','value':1}");
        assertError("keep-alive: message-type: \"close\" is not one of text, binary, ping, pong",
                "{'type':'keep-alive','message-type':'close','content':'x'}");
        assertError("keep-alive: mode: \"often\" is not idle or interval",
                "{'type':'keep-alive','content':'x','mode':'often'}");
        assertError("keep-alive: timeout: -1 is out of range (expected: >= 0)",
                "{'type':'keep-alive','content':'x','timeout':-1}");
        assertError("keep-alive: content-bin: not valid base64", "{'type':'keep-alive','content-bin':'%'}");
        assertError("send-delayed: timeout: not an integer", "{'type':'send-delayed','content':'x','timeout':'1'}");
        assertError("close: code: 70000 is out of range (expected: 0-65535)", "{'type':'close','code':70000}");
        assertError("session: id: not a string", "{'type':'session','id':1}");
    }

    @Test
    void built_messages_round_trip_through_their_json() {
        List<ControlMessage> messages = List.of(
                ControlMessage.subscribe("a"),
                ControlMessage.subscribe("b", List.of("skip-self", "var-subst")),
                ControlMessage.unsubscribe("a"),
                ControlMessage.detach(),
                ControlMessage.setMeta("user", "alice"),
                ControlMessage.setMeta("user", null),
                ControlMessage.keepAlive("{\"type\":\"ping\"}", 25),
                ControlMessage.keepAliveOff(),
                new ControlMessage.KeepAlive(WsMessageType.BINARY, new byte[] {0, 1}, 5, KeepAliveMode.INTERVAL),
                new ControlMessage.KeepAlive(WsMessageType.TEXT, new byte[] {(byte) 0xff}, 5, KeepAliveMode.IDLE),
                new ControlMessage.KeepAlive(WsMessageType.PONG, new byte[0], 9, KeepAliveMode.IDLE),
                ControlMessage.sendDelayed("later", 3),
                ControlMessage.flushDelayed(),
                ControlMessage.session("s1"),
                ControlMessage.session(null),
                ControlMessage.close(1000, "bye"),
                new ControlMessage.Close(null, null));
        for (ControlMessage m : messages) {
            assertThat(ControlMessage.parse(m.toJson())).as(m.toJson()).isEqualTo(m);
        }
    }

    @Test
    void factories_refuse_invalid_values() {
        assertThatThrownBy(() -> ControlMessage.subscribe("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ControlMessage.setMeta("", "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ControlMessage.keepAlive("x", -1)).isInstanceOf(IllegalArgumentException.class);
    }
}
