package io.holdfast.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterConfigTest {

    @Test
    void withoutAClusterSectionThereIsNoRedis(@TempDir Path dir) throws Exception {
        Path conf = dir.resolve("pushpin.conf");
        Files.writeString(conf, "[runner]\nhttp_port=7999\n");
        HoldfastConfig c = PushpinConfLoader.load(conf).builder().build();
        assertThat(c.cluster().enabled()).isFalse();
        assertThat(c.cluster()).isEqualTo(ClusterConfig.NONE);
        assertThat(c.cluster().keyPrefix()).isEqualTo("holdfast:");
        assertThat(c.handler().subscriptionLinger()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void theClusterSectionIsReadAndSubscriptionLingerIsPushpinsKey(@TempDir Path dir) throws Exception {
        Path conf = dir.resolve("pushpin.conf");
        Files.writeString(conf, """
                [handler]
                subscription_linger=5
                [cluster]
                redis_url=redis-sentinel://127.0.0.1:26379/0#mymaster
                node_id=edge-1
                key_prefix=app1:
                """);
        PushpinConfLoader.Result r = PushpinConfLoader.load(conf);
        HoldfastConfig all = r.builder().build();
        ClusterConfig c = all.cluster();
        assertThat(r.warnings()).isEmpty();
        assertThat(c.enabled()).isTrue();
        assertThat(c.redisUrl()).isEqualTo("redis-sentinel://127.0.0.1:26379/0#mymaster");
        assertThat(c.redisCluster()).isFalse();
        assertThat(c.nodeId()).isEqualTo("edge-1");
        assertThat(c.keyPrefix()).isEqualTo("app1:");
        assertThat(all.handler().subscriptionLinger()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void aKeyPrefixWithBracesIsRefusedWithItsLine(@TempDir Path dir) throws Exception {
        Path conf = dir.resolve("pushpin.conf");
        Files.writeString(conf, "[cluster]\nredis_url=redis://127.0.0.1\nkey_prefix={x}\n");
        assertThatThrownBy(() -> PushpinConfLoader.load(conf))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(":3")
                .hasMessageContaining("key_prefix");
    }
}
