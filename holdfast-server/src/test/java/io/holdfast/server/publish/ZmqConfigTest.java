package io.holdfast.server.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.holdfast.server.config.ConfigException;
import io.holdfast.server.config.HoldfastConfig;
import io.holdfast.server.config.PushpinConfLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ZeroMQ keys of {@code pushpin.conf}: Pushpin's names, defaults and {@code port_offset}. */
class ZmqConfigTest {

    private static PushpinConfLoader.Result load(Path dir, String text) throws Exception {
        Path conf = dir.resolve("pushpin.conf");
        Files.writeString(conf, text);
        return PushpinConfLoader.load(conf);
    }

    @Test
    void defaultsArePushpinsPorts() {
        HoldfastConfig c = HoldfastConfig.builder().build();
        assertThat(c.zmq()).isTrue();
        assertThat(c.pushInSpec()).isEqualTo("tcp://127.0.0.1:5560");
        assertThat(c.pushInSubSpecs()).containsExactly("tcp://127.0.0.1:5562");
        assertThat(c.pushInSubConnect()).isFalse();
        assertThat(c.commandSpec()).isEqualTo("tcp://127.0.0.1:5563");
    }

    @Test
    void readsTheHandlerKeysAndAddsThePortOffsetToTcpPorts(@TempDir Path dir) throws Exception {
        PushpinConfLoader.Result r = load(dir, """
                [global]
                port_offset=100
                [handler]
                push_in_spec=tcp://*:5560
                push_in_sub_specs=tcp://127.0.0.1:5562, tcp://10.0.0.2:6000
                push_in_sub_spec=tcp://127.0.0.1:*
                push_in_sub_connect=true
                command_spec=
                """);
        HoldfastConfig c = r.builder().build();
        assertThat(r.warnings()).isEmpty();
        assertThat(c.pushInSpec()).isEqualTo("tcp://*:5660");
        assertThat(c.pushInSubSpecs())
                .containsExactly("tcp://127.0.0.1:5662", "tcp://10.0.0.2:6100", "tcp://127.0.0.1:*");
        assertThat(c.pushInSubConnect()).isTrue();
        assertThat(c.commandSpec()).isNull();
        assertThat(c.publishListener().port()).isEqualTo(5661);
    }

    @Test
    void theOffsetAppliesToDefaultsTooAndZmqCanBeTurnedOff(@TempDir Path dir) throws Exception {
        HoldfastConfig c = load(dir, "[global]\nport_offset=1\n[holdfast]\nzmq=false\n").builder().build();
        assertThat(c.zmq()).isFalse();
        assertThat(c.pushInSpec()).isEqualTo("tcp://127.0.0.1:5561");
        assertThat(c.pushInSubSpecs()).containsExactly("tcp://127.0.0.1:5563");
        assertThat(c.commandSpec()).isEqualTo("tcp://127.0.0.1:5564");
    }

    @Test
    void aMalformedSpecNamesItsLine(@TempDir Path dir) {
        assertThatThrownBy(() -> load(dir, "[handler]\npush_in_spec=tcp://127.0.0.1\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("pushpin.conf:2")
                .hasMessageContaining("push_in_spec: tcp://127.0.0.1 (expected: tcp://host:port)");
        assertThatThrownBy(() -> HoldfastConfig.builder().pushInSubSpecs(List.of("udp://x:1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("pushInSubSpecs: udp://x:1 (expected: tcp://host:port or ipc://path)");
    }
}
