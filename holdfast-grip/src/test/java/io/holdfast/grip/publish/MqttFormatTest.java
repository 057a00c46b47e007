package io.holdfast.grip.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Holdfast's {@code mqtt} publish format: what MQTT subscribers of a channel receive. */
class MqttFormatTest {

    private static List<PublishItem> parse(String json) {
        return PublishRequestParser.parse(json.replace('\'', '"').getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsContentQosAndRetainAndSurvivesAChannelChange() {
        PublishItem item = parse("{'items':[{'channel':'a/b','formats':{'mqtt':{'content':'hi','qos':1,'retain':true}}}]}")
                .get(0);
        MqttFormat f = item.mqtt().orElseThrow();
        assertThat(new String(f.content(), StandardCharsets.UTF_8)).isEqualTo("hi");
        assertThat(f.qos()).isEqualTo(1);
        assertThat(f.retain()).isTrue();
        assertThat(item.withChannel("p/a/b").mqtt()).contains(f);
        assertThat(item.wsMessage()).isEmpty();
    }

    @Test
    void binaryContentWinsAndAnEmptyPayloadIsAllowedToClearARetainedMessage() {
        PublishItem item = parse("{'items':[{'channel':'c','mqtt':{'content-bin':'AAE=','content':'x'}}]}").get(0);
        assertThat(item.mqtt().orElseThrow().content()).containsExactly(0, 1);
        assertThat(item.mqtt().orElseThrow().qos()).isZero();
        PublishItem clear = parse("{'items':[{'channel':'c','mqtt':{'content':'','retain':true}}]}").get(0);
        assertThat(clear.mqtt().orElseThrow().content()).isEmpty();
    }

    @Test
    void rejectsBadQosUnknownFieldsAndMissingContent() {
        assertThatThrownBy(() -> parse("{'items':[{'channel':'c','formats':{'mqtt':{'content':'x','qos':3}}}]}"))
                .isInstanceOf(PublishFormatException.class).hasMessageContaining("mqtt");
        assertThatThrownBy(() -> parse("{'items':[{'channel':'c','formats':{'mqtt':{'content':'x','qso':1}}}]}"))
                .isInstanceOf(PublishFormatException.class).hasMessageContaining("qso");
        assertThatThrownBy(() -> parse("{'items':[{'channel':'c','formats':{'mqtt':{'qos':1}}}]}"))
                .isInstanceOf(PublishFormatException.class).hasMessageContaining("content");
    }
}
