package io.holdfast.server.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.holdfast.server.config.ConfigException;
import io.holdfast.server.config.HoldfastConfig;
import io.holdfast.server.config.PushpinConfLoader;
import io.holdfast.server.testing.Holdfast;
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

    @Test
    void zeroMqSocketsBeyondLoopbackAreRefusedBeforeAnythingBinds() {
        assertThatThrownBy(() -> Holdfast.start(b -> b.zmq(true).pushInSpec("tcp://*:0").pushInSubSpecs(List.of())
                .commandSpec(null), "* test"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("refusing to bind the ZeroMQ push_in_spec socket to tcp://*:0: ZeroMQ inputs have no"
                        + " authentication, so anyone who can reach it could publish or run commands. Bind it to"
                        + " 127.0.0.1, or set [holdfast] zmq_allow_non_loopback=true on a trusted network.");
        for (HoldfastConfig.Builder b : List.of(
                zmqOnly().pushInSubSpecs(List.of("tcp://0.0.0.0:0")),
                zmqOnly().commandSpec("tcp://:0"),
                zmqOnly().commandSpec("tcp://[::]:0"))) {
            HoldfastConfig c = b.build();
            assertThatThrownBy(() -> ZmqInputs.checkExposure(c)).hasMessageContaining("zmq_allow_non_loopback");
            // The HTTP publish API's check runs first at startup and covers ZeroMQ too.
            assertThatThrownBy(() -> PublishServer.checkExposure(c)).hasMessageContaining("zmq_allow_non_loopback");
            ZmqInputs.checkExposure(b.zmqAllowNonLoopback(true).build()); // allowed explicitly: a warning only
        }
    }

    @Test
    void loopbackIpcAConnectingSubSocketAndDisabledZeroMqPass() {
        ZmqInputs.checkExposure(zmqOnly().pushInSpec("tcp://localhost:0").commandSpec("tcp://[::1]:0")
                .pushInSubSpecs(List.of("tcp://127.0.0.2:*", "ipc:///tmp/holdfast-test.sock")).build());
        ZmqInputs.checkExposure(zmqOnly().pushInSubSpecs(List.of("tcp://10.0.0.2:6000")).pushInSubConnect(true).build());
        ZmqInputs.checkExposure(zmqOnly().zmq(false).pushInSpec("tcp://*:0").build());
        assertThat(HoldfastConfig.builder().build().zmqAllowNonLoopback()).isFalse();
    }

    @Test
    void theAllowKeyIsReadFromTheHoldfastSection(@TempDir Path dir) throws Exception {
        HoldfastConfig c = load(dir, "[holdfast]\nzmq_allow_non_loopback=true\n").builder().build();
        assertThat(c.zmqAllowNonLoopback()).isTrue();
    }

    private static HoldfastConfig.Builder zmqOnly() {
        return HoldfastConfig.builder().zmq(true).pushInSpec(null).pushInSubSpecs(List.of()).commandSpec(null);
    }
}
