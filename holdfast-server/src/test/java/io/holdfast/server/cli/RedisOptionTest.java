package io.holdfast.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.server.config.HoldfastConfig;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class RedisOptionTest {

    @Test
    void redisSetsTheClusterUrl() throws Exception {
        RunCommand run = new RunCommand();
        new CommandLine(run).parseArgs("--redis", "rediss://user:pw@cache.internal:6380/0");
        HoldfastConfig c = run.buildConfig();
        assertThat(c.cluster().enabled()).isTrue();
        assertThat(c.cluster().redisUrl()).isEqualTo("rediss://user:pw@cache.internal:6380/0");
    }

    @Test
    void withoutRedisTheNodeRunsAlone() throws Exception {
        RunCommand run = new RunCommand();
        new CommandLine(run).parseArgs();
        assertThat(run.buildConfig().cluster().enabled()).isFalse();
    }
}
