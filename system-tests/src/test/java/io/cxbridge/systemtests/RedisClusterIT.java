package io.cxbridge.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cxbridge.systemtests.Gateway.Reply;
import io.cxbridge.testkit.PrometheusText;
import io.cxbridge.testkit.RedisCluster;
import io.cxbridge.testkit.sim.SimControl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Issue #16, Redis Cluster: the packaged services of a second {@code ./stack} (its own broker, sim and services) on a
 * 3-master Redis Cluster, chosen the way a user chooses it ({@code CXBRIDGE_REDIS_HOSTS},
 * {@code CXBRIDGE_REDIS_CLIENT_TYPE=cluster}). One test, sharing one cluster: failed runs retried to success, a keyed
 * POST replayed, a Genesys token shared by the processes, a directory cached; no {@code CROSSSLOT} in any log; an epoch
 * marker on every master node (one node flushed alone is counted as a loss), and one evicting node makes retry-svc
 * unready.
 */
@Order(5)
class RedisClusterIT {

    private static final int RUNS = 10;
    private static final String SIM_CLIENT_ID = "cxbridge-local";

    private static RedisCluster cluster;
    private static LocalStack stack;

    @BeforeAll
    static void startClusterAndStack() {
        cluster = RedisCluster.start();
        try {
            stack = LocalStack.start(
                    "stack-cluster",
                    Map.of("CXBRIDGE_REDIS_HOSTS", cluster.hosts(), "CXBRIDGE_REDIS_CLIENT_TYPE", "cluster"));
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    @AfterAll
    static void stop() {
        try {
            if (stack != null) {
                stack.close();
            }
        } finally {
            cluster.close();
        }
    }

    @Test
    void theServicesWorkOnAThreeMasterClusterWithoutCrossSlotErrors() throws Exception {
        Gateway gateway = new Gateway(stack.endpoints().gatewayUrl(), Gateway.DEMO_KEY);
        SimControl sim = new SimControl(stack.endpoints().simUrl());

        // Failed runs, resubmitted from the schedule in the cluster. The first two executions answer 503, so those
        // runs are scheduled again and claimed a second time (two failures: under the breaker's threshold of three).
        String action = "cluster-" + Trace.hex(3);
        sim.fault(Map.of("method", "POST", "path", Flows.executePath(action), "status", 503, "count", 2));
        List<String> runs = new ArrayList<>();
        for (int i = 0; i < RUNS; i++) {
            Reply accepted = gateway.post(
                    "/v1/data-actions/failed-runs",
                    Map.of(
                            "actionId",
                            action,
                            "originalRunId",
                            "run-" + Trace.hex(4),
                            "lastStatus",
                            503,
                            "requestPayload",
                            Map.of("customerId", "c-" + i, "amount", 10)),
                    null);
            assertThat(accepted.status()).as("%s", accepted).isEqualTo(202);
            runs.add(accepted.json().path("requestId").asText());
        }
        for (String id : runs) {
            await("run " + id + " succeeded")
                    .atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> "succeeded"
                            .equals(gateway.get("/v1/data-actions/failed-runs/" + id, null)
                                    .json()
                                    .path("state")
                                    .asText()));
        }
        for (String id : runs) {
            assertThat(sim.stats().executions(id, 200))
                    .as("200 executions of %s", id)
                    .isEqualTo(1);
        }
        assertThat(runs.stream()
                        .mapToLong(id -> sim.stats().executions(id, 503))
                        .sum())
                .as("503 answers, each followed by a retry that succeeded")
                .isEqualTo(2);
        assertThat(cluster.cli("ZCARD", "{cxbridge:retry}:due"))
                .as("nothing left pending")
                .isEqualTo("0");

        // A keyed POST through the gateway: the second send is answered from the idempotency record in the cluster.
        String key = "cluster-key-" + Trace.hex(6);
        long postsBefore = sim.stats().requests("POST", "/api/v2/routing/queues");
        Map<String, Object> queue = Map.of("name", "cluster-queue-" + Trace.hex(4));
        Reply first = gateway.send("POST", "/api/v2/routing/queues", queue, null, Map.of("Idempotency-Key", key));
        Reply second = gateway.send("POST", "/api/v2/routing/queues", queue, null, Map.of("Idempotency-Key", key));
        assertThat(first.status()).as("%s", first).isBetween(200, 201);
        assertThat(second.status()).isEqualTo(first.status());
        assertThat(second.header("Idempotent-Replayed")).as("%s", second).contains("true");
        assertThat(second.json().path("id").asText())
                .isEqualTo(first.json().path("id").asText());
        assertThat(sim.stats().requests("POST", "/api/v2/routing/queues") - postsBefore)
                .as("queue creations reaching Genesys")
                .isEqualTo(1);

        // A directory read (its write script touches two keys of one directory) and a read from the cache.
        Gateway readonly = gateway.as(Gateway.READONLY_KEY);
        String directory = "/v1/directories/cluster_dir_" + Trace.hex(4) + "/entries";
        assertThat(readonly.get(directory, null).status()).isEqualTo(200);
        assertThat(readonly.get(directory, null).status()).isEqualTo(200);

        // One Genesys token, in the cluster, used by the gateway (the proxied POST) and retry-svc (the executions).
        assertThat(cluster.cli("EXISTS", "cxbridge:genesys:token:" + SIM_CLIENT_ID))
                .isEqualTo("1");
        assertThat(sim.stats().tokenRequests())
                .as("token requests at the sim, all processes together")
                .isEqualTo(1);

        List<String> crossSlot = new ArrayList<>();
        for (Path log : logs()) {
            if (Files.readString(log).contains("CROSSSLOT")) {
                crossSlot.add(log.toString());
            }
        }
        assertThat(crossSlot).as("logs with a CROSSSLOT error").isEmpty();

        // Every master node holds retry-svc's epoch marker: a node that loses its data alone is a loss too. The node
        // flushed is one without the first marker, which is all a single-node check would read.
        Map<Integer, List<String>> markers = new LinkedHashMap<>();
        for (int port : cluster.ports()) {
            markers.put(
                    port,
                    List.of(cluster.cliNode(port, "--scan", "--pattern", "cxbridge:epoch:{retry-svc*")
                            .split("\\s+")));
        }
        assertThat(markers.values())
                .as("retry-svc's markers per node")
                .allSatisfy(m -> assertThat(m).singleElement().asString().startsWith("cxbridge:epoch:{retry-svc"));
        int flushed = markers.entrySet().stream()
                .filter(e -> !e.getValue().contains("cxbridge:epoch:{retry-svc}"))
                .findFirst()
                .orElseThrow()
                .getKey();
        assertThat(cluster.cliNode(flushed, "FLUSHALL")).isEqualTo("OK");
        await("retry-svc counts the lost node")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> dataLosses("retry-svc") == 1);

        // One evicting node of three makes retry-svc unready, naming the setting.
        int evicting = cluster.ports().get(2);
        assertThat(cluster.cliNode(evicting, "CONFIG", "SET", "maxmemory-policy", "allkeys-lru"))
                .isEqualTo("OK");
        try {
            await("retry-svc unready on an evicting node")
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> {
                        var ready = Load.get(stack.endpoints().managementUrl("retry-svc") + "/q/health/ready");
                        return ready.statusCode() == 503 && ready.body().contains("maxmemory-policy");
                    });
        } finally {
            cluster.cliNode(evicting, "CONFIG", "SET", "maxmemory-policy", "noeviction");
        }
    }

    /** A service's {@code cxbridge_redis_data_loss_total}. */
    private static long dataLosses(String service) {
        return (long) PrometheusText.sum(
                Load.get(stack.endpoints().managementUrl(service) + "/q/metrics")
                        .body(),
                "cxbridge_redis_data_loss_total");
    }

    private static List<Path> logs() throws IOException {
        List<Path> all = new ArrayList<>();
        for (String part : List.of(
                "kafka",
                "genesys-sim",
                "gateway-svc",
                "retry-svc",
                "fulfillment-svc",
                "retention-svc",
                "directory-svc")) {
            Path log = stack.log(part);
            assertThat(log).as("the log of %s", part).exists();
            all.add(log);
        }
        cluster.ports().forEach(p -> all.add(cluster.log(p)));
        return all;
    }
}
