package io.cxbridge.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxbridge.common.redis.RedisNodes;
import io.cxbridge.common.redis.RedisSettings;
import io.cxbridge.common.service.ServiceConfig;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisAPI;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * service-common's {@link RedisNodes} and {@link RedisSettings} on testkit's 3-master {@link RedisCluster} through the
 * Vert.x cluster client (what {@code quarkus.redis.client-type=cluster} builds): the epoch marker and the
 * {@code INFO} checks reach every master node, not only the one a keyless command happens to land on; on a standalone
 * Redis there is one node and one key.
 */
class RedisNodesTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private static Vertx vertx;

    @BeforeAll
    static void vertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void close() {
        vertx.closeAndAwait();
    }

    @Test
    void everyMasterIsReachedThroughAKeyOfItsOwnAndOneEvictingNodeIsFound() {
        try (RedisCluster cluster = RedisCluster.start()) {
            RedisOptions options = new RedisOptions().setType(RedisClientType.CLUSTER);
            cluster.ports().forEach(p -> options.addConnectionString("redis://127.0.0.1:" + p));
            Redis client = Redis.createClient(vertx, options);
            try {
                RedisAPI api = RedisAPI.api(client);
                RedisNodes nodes = new RedisNodes(api, config("retry-svc"));

                List<String> keys = nodes.keys().await().atMost(WAIT);
                assertThat(keys).hasSize(3).doesNotHaveDuplicates().contains(nodes.baseKey());
                // Written through the cluster client, each key lands on a node of its own.
                keys.forEach(k -> api.set(List.of(k, "epoch-1")).await().atMost(WAIT));
                Set<Integer> holders = new HashSet<>();
                for (int port : cluster.ports()) {
                    for (String k : keys) {
                        if ("epoch-1".equals(cluster.cliNode(port, "GET", k))) {
                            holders.add(port);
                        }
                    }
                }
                assertThat(holders).as("nodes holding a marker").containsExactlyInAnyOrderElementsOf(cluster.ports());

                List<Map<String, String>> memory = nodes.info("memory").await().atMost(WAIT);
                assertThat(memory)
                        .hasSize(3)
                        .allSatisfy(m -> assertThat(m).containsEntry("maxmemory_policy", "noeviction"));
                RedisSettings settings = new RedisSettings(nodes, config("retry-svc"));
                RedisSettings.Found all = settings.read().await().atMost(WAIT);
                assertThat(all.evicting()).isFalse();
                assertThat(all.aof()).contains(true);

                // One node of three evicting (the last, where a keyless INFO need not land) is found.
                int last = cluster.ports().get(2);
                assertThat(cluster.cliNode(last, "CONFIG", "SET", "maxmemory-policy", "allkeys-lru"))
                        .isEqualTo("OK");
                RedisSettings.Found one = settings.read().await().atMost(WAIT);
                assertThat(one.evicting()).isTrue();
                assertThat(one.maxmemoryPolicy()).contains("allkeys-lru");

                // The same for AOF: one node without it is reported as no AOF.
                assertThat(cluster.cliNode(last, "CONFIG", "SET", "appendonly", "no"))
                        .isEqualTo("OK");
                assertThat(settings.read().await().atMost(WAIT).aof()).contains(false);
            } finally {
                client.close();
            }
        }
    }

    @Test
    void aStandaloneRedisIsOneNodeWithTheBaseKey() {
        Redis client = Redis.createClient(vertx, RedisServer.shared().url());
        try {
            RedisNodes nodes = new RedisNodes(RedisAPI.api(client), config("gateway-svc"));
            assertThat(nodes.keys().await().atMost(WAIT))
                    .containsExactly("cxbridge:epoch:{gateway-svc}")
                    .containsExactly(nodes.baseKey());
            assertThat(nodes.info("persistence").await().atMost(WAIT))
                    .singleElement()
                    .satisfies(m -> assertThat(m).containsKey("aof_enabled"));
        } finally {
            client.close();
        }
    }

    /** The service's settings as Quarkus maps them, with only the name given. */
    private static ServiceConfig config(String name) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(ServiceConfig.class)
                // "2s" as Quarkus reads durations (plain SmallRye Config takes ISO-8601 only)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withDefaultValue("cxbridge.service.name", name)
                // a shared, loaded machine: more than the 1.5 s default for each node's answer
                .withDefaultValue("cxbridge.service.redis.info-timeout", "5s")
                .build();
        return config.getConfigMapping(ServiceConfig.class);
    }
}
