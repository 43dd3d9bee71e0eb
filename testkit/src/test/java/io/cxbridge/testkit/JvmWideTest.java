package io.cxbridge.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLClassLoader;
import org.junit.jupiter.api.Test;

/**
 * A second copy of testkit, loaded as Quarkus loads it for another test profile (a class loader of its own that does
 * not ask the system class loader first), must use this JVM's broker and redis-server, not start its own. The sim's
 * half is genesys-client's {@code TestkitCopySimTest}: testkit builds before genesys-sim, so a clean build has no sim
 * to start here.
 */
class JvmWideTest {

    @Test
    void aSecondCopyOfTestkitForwardsToThisJvmsBrokerAndRedis() throws Exception {
        try (URLClassLoader copy = JvmWide.secondCopy()) {
            Class<?> redisCopy = copy.loadClass(RedisServer.class.getName());
            assertThat(redisCopy).isNotSameAs(RedisServer.class);

            Object redis = redisCopy.getMethod("shared").invoke(null);
            assertThat(redisCopy.getMethod("url").invoke(redis))
                    .isEqualTo(RedisServer.shared().url());
            redisCopy.getMethod("stop").invoke(redis);
            assertThat(RedisServer.shared().isRunning()).isFalse();
            assertThat(redisCopy.getMethod("isRunning").invoke(redis)).isEqualTo(false);
            redisCopy.getMethod("start").invoke(redis);
            assertThat(RedisServer.shared().ping()).isTrue();

            // the copy cannot even load Kafka's classes: it must never start a broker of its own
            Class<?> brokerCopy = copy.loadClass(KafkaBroker.class.getName());
            Object broker = brokerCopy.getMethod("shared").invoke(null);
            assertThat(brokerCopy.getMethod("bootstrapServers").invoke(broker))
                    .isEqualTo(KafkaBroker.shared().bootstrapServers());
            assertThat(brokerCopy.getMethod("isRunning").invoke(broker)).isEqualTo(true);
        }
    }
}
