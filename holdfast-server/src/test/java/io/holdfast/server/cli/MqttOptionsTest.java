package io.holdfast.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.holdfast.server.config.ConfigException;
import io.holdfast.server.config.ListenAddress;
import io.holdfast.server.config.MqttConfig;
import io.holdfast.server.config.PushpinConfLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class MqttOptionsTest {

    @Test
    void mqttIsOffByDefault() throws Exception {
        RunCommand run = new RunCommand();
        new CommandLine(run).parseArgs();
        assertThat(run.buildConfig().mqtt().enabled()).isFalse();
    }

    @Test
    void theMqttSectionAndTheCommandLineConfigureTheListener(@TempDir Path dir) throws Exception {
        Path conf = dir.resolve("pushpin.conf");
        Files.writeString(conf, """
                [mqtt]
                port=1883
                max_packet_size=1024
                max_inflight=5
                max_queued=50
                session_expiry=600
                channel_prefix=mqtt:
                """);
        MqttConfig m = PushpinConfLoader.load(conf).builder().build().mqtt();
        assertThat(m.listener()).isEqualTo(new ListenAddress("127.0.0.1", 1883));
        assertThat(m.maxPacketSize()).isEqualTo(1024);
        assertThat(m.maxInflight()).isEqualTo(5);
        assertThat(m.maxQueued()).isEqualTo(50);
        assertThat(m.sessionExpiry()).isEqualTo(Duration.ofSeconds(600));
        assertThat(m.channelPrefix()).isEqualTo("mqtt:");

        RunCommand run = new RunCommand();
        new CommandLine(run).parseArgs("--mqtt-port", "2883");
        assertThat(run.buildConfig().mqtt().listener()).isEqualTo(new ListenAddress("127.0.0.1", 2883));
    }

    @Test
    void badValuesStopStartUpNamingTheLine(@TempDir Path dir) throws Exception {
        Path conf = dir.resolve("pushpin.conf");
        Files.writeString(conf, "[mqtt]\nport=1883\nmax_inflight=0\n");
        assertThatThrownBy(() -> PushpinConfLoader.load(conf))
                .isInstanceOf(ConfigException.class).hasMessageContaining("pushpin.conf:3").hasMessageContaining("maxInflight");
    }
}
