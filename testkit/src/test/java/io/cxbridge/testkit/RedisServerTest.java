package io.cxbridge.testkit;

import static org.assertj.core.api.Assertions.assertThat;

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
}
