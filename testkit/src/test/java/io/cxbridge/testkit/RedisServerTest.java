package io.cxbridge.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class RedisServerTest {

    @Test
    void stopsAndRestartsOnTheSamePort() {
        RedisServer redis = RedisServer.shared();
        int port = redis.port();
        assertThat(redis.ping()).isTrue();

        redis.stop();
        assertThat(redis.isRunning()).isFalse();
        assertThat(redis.ping()).isFalse();

        redis.start();
        assertThat(redis.port()).isEqualTo(port);
        assertThat(redis.url()).isEqualTo("redis://127.0.0.1:" + port);
        assertThat(redis.ping()).isTrue();
    }

    @Test
    void keepsItsDataAcrossAKillAndLosesItWhenWiped() throws Exception {
        RedisServer redis = RedisServer.shared();
        assertThat(cli(redis, "CONFIG", "GET", "maxmemory-policy")).contains("noeviction");
        assertThat(cli(redis, "CONFIG", "GET", "appendfsync")).contains("always");
        cli(redis, "SET", "survives", "1");

        redis.kill();
        redis.start();
        assertThat(cli(redis, "GET", "survives")).isEqualTo("1");

        redis.stop();
        redis.wipe();
        redis.start();
        assertThat(cli(redis, "EXISTS", "survives")).isEqualTo("0");
    }

    private static String cli(RedisServer redis, String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("redis-cli", "-p", String.valueOf(redis.port())));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        p.waitFor();
        return out;
    }
}
