package io.cxbridge.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RedisClusterTest {

    @Test
    void threeMastersShareTheSlotsAndRefuseACrossSlotScript() {
        try (RedisCluster cluster = RedisCluster.start()) {
            assertThat(cluster.ports()).hasSize(3);
            assertThat(cluster.hosts()).startsWith("redis://127.0.0.1:").contains(",");
            assertThat(cluster.cli("CLUSTER", "INFO"))
                    .contains(
                            "cluster_state:ok",
                            "cluster_known_nodes:3",
                            "cluster_slots_assigned:16384",
                            "cluster_size:3");
            for (int port : cluster.ports()) {
                assertThat(cluster.cliNode(port, "CONFIG", "GET", "maxmemory-policy"))
                        .contains("noeviction");
                assertThat(cluster.cliNode(port, "CONFIG", "GET", "appendonly")).contains("yes");
            }
            // Keys on different slots: what a script without hash tags meets on a cluster.
            assertThat(cluster.cli("EVAL", "return redis.call('MSET', KEYS[1], 1, KEYS[2], 2)", "2", "a", "b"))
                    .contains("CROSSSLOT");
            assertThat(cluster.cli("EVAL", "return redis.call('MSET', KEYS[1], 1, KEYS[2], 2)", "2", "{t}:a", "{t}:b"))
                    .isEqualTo("OK");
            assertThat(cluster.cli("GET", "{t}:b")).isEqualTo("2");
        }
    }
}
