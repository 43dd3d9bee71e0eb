package io.cxbridge.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cxbridge.systemtests.Gateway.Reply;
import io.cxbridge.testkit.ServiceProcess;
import io.cxbridge.testkit.sim.SimControl;
import io.cxbridge.testkit.sim.SimStats;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue #16, fulfillment-svc: a second instance joins the consumer group and leaves it again (SIGTERM) while jobs
 * arrive at 50/s and the external API takes 1 s. The partitions that move are revoked cooperatively from a running
 * instance, so jobs are in flight at every move: each fulfillment must still reach the external API once (the sim
 * counts calls per {@code Idempotency-Key}) and its callback once.
 */
@Order(4)
@ExtendWith(StackExtension.class)
class FulfillmentRebalanceIT {

    private static final int JOBS_PER_SECOND = 50;
    private static final String GROUP = "fulfillment-svc";

    private final LocalStack stack = StackExtension.stack();
    private final SimControl sim = StackExtension.flows().sim();
    private final Gateway loader = StackExtension.flows().gateway().as("cxb_load_key");

    @AfterEach
    void calmTheSim() {
        sim.config(Map.of("externalLatencyMs", 0));
    }

    @Test
    void aSecondInstanceJoinsAndLeavesUnderLoadWithoutDuplicateCallsOrCallbacks() throws Exception {
        long pid = stack.pid("fulfillment-svc");
        sim.config(Map.of("externalLatencyMs", 1000));
        await("one member in the fulfillment group").atMost(Duration.ofSeconds(30))
                .until(() -> members().size() == 1);
        Load load = new Load();
        ServiceProcess second = null;
        try {
            load.start();
            // The first callbacks wait for a Genesys token and a loaded machine: a generous first wait.
            await("jobs flowing through the first instance").atMost(Duration.ofSeconds(90))
                    .until(() -> callbacksSoFar(load.accepted()) >= 50);

            second = ServiceProcess.start("fulfillment-svc", ServiceProcess.jarOf("fulfillment-svc"), "256m",
                    secondInstanceWiring(), Duration.ofSeconds(240));
            ServiceProcess joined = second;
            await("the group rebalanced onto both instances").atMost(Duration.ofSeconds(60))
                    .until(() -> {
                        List<MemberDescription> m = members();
                        return m.size() == 2 && m.stream().allMatch(d -> !d.assignment().topicPartitions().isEmpty());
                    });
            // Both own partitions: the leave must come while the second has jobs of its own in flight, so wait until
            // it finished some (its log is the only place that says which instance did a job), then 2 s more.
            await("the second instance finishes jobs").atMost(Duration.ofSeconds(90))
                    .until(() -> Files.readString(joined.logFile()).contains("external attempt(s)"));
            int working = load.accepted().size();
            await("jobs flowing through both instances").atMost(Duration.ofSeconds(30))
                    .until(() -> load.accepted().size() >= working + 2 * JOBS_PER_SECOND);

            second.terminate(); // SIGTERM: a cooperative revoke from the leaving member, not a crash
            assertThat(second.awaitExit(Duration.ofSeconds(45))).as("the second instance stopped gracefully").isTrue();
            await("the first instance owns every partition again").atMost(Duration.ofSeconds(60))
                    .until(() -> {
                        List<MemberDescription> m = members();
                        return m.size() == 1 && m.get(0).assignment().topicPartitions().size() == 3;
                    });
            int atLeave = load.accepted().size();
            await("jobs keep flowing after the leave").atMost(Duration.ofSeconds(30))
                    .until(() -> load.accepted().size() >= atLeave + 3 * JOBS_PER_SECOND);
        } finally {
            load.stop();
            if (second != null) {
                second.stop();
            }
        }

        List<String> ids = List.copyOf(load.accepted());
        assertThat(load.refused()).as("every job accepted by the gateway").isEmpty();
        assertThat(ids).hasSizeGreaterThan(10 * JOBS_PER_SECOND);
        await("every job answered").atMost(Duration.ofSeconds(300)).pollInterval(Duration.ofSeconds(1))
                .until(() -> callbacksSoFar(ids) == ids.size());
        SimStats stats = sim.stats();
        // A job may end without an external call (its deadline passed while it waited in Kafka): never more than one.
        List<String> duplicateCalls = ids.stream().filter(id -> stats.externalCalls(id) > 1)
                .map(id -> id + "=" + stats.externalCalls(id)).toList();
        List<String> duplicateCallbacks = ids.stream()
                .filter(id -> stats.callbacks(id) != 1 || stats.duplicateCallbacks(id) != 0)
                .map(id -> id + "=" + stats.callbacks(id)).toList();
        assertThat(duplicateCalls).as("external calls per Idempotency-Key above 1").isEmpty();
        assertThat(ids.stream().filter(id -> stats.externalCalls(id) == 1).count())
                .as("jobs that reached the external API").isGreaterThan(ids.size() / 2);
        assertThat(duplicateCallbacks).as("callbacks per fulfillment other than 1").isEmpty();
        assertThat(stack.pid("fulfillment-svc")).as("the first instance never restarted").isEqualTo(pid);
    }

    /** The stack's own wiring of fulfillment-svc (./stack start_app), on another port. */
    private Map<String, String> secondInstanceWiring() {
        Map<String, String> env = stack.env();
        String sim = "http://127.0.0.1:" + env.get("SIM_PORT");
        Map<String, String> p = new HashMap<>();
        p.put("quarkus.profile", "local");
        p.put("kafka.bootstrap.servers", stack.endpoints().kafkaBootstrap());
        p.put("quarkus.redis.hosts", "redis://127.0.0.1:" + env.get("REDIS_PORT"));
        p.put("cxbridge.genesys.base-url", sim);
        p.put("cxbridge.fulfillment.external.url", sim + "/external/api");
        p.put("cxbridge.fulfillment-url.test-hosts", "127.0.0.1:" + env.get("SIM_PORT"));
        return p;
    }

    private long callbacksSoFar(java.util.Collection<String> ids) {
        SimStats stats = sim.stats();
        return ids.stream().filter(id -> stats.callbacks(id) >= 1).count();
    }

    private List<MemberDescription> members() throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.endpoints().kafkaBootstrap());
        try (Admin admin = Admin.create(p)) {
            ConsumerGroupDescription d = admin.describeConsumerGroups(Set.of(GROUP)).all().get(10, TimeUnit.SECONDS)
                    .get(GROUP);
            return new ArrayList<>(d.members());
        }
    }

    /** Jobs through the gateway at {@link #JOBS_PER_SECOND}, each with its own fulfillmentId. */
    private final class Load {
        private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        private final ExecutorService senders = Executors.newFixedThreadPool(16);
        private final ConcurrentLinkedQueue<String> accepted = new ConcurrentLinkedQueue<>();
        private final ConcurrentLinkedQueue<String> refused = new ConcurrentLinkedQueue<>();
        private final AtomicInteger sequence = new AtomicInteger();
        private final String run = Trace.hex(4);

        void start() {
            ticker.scheduleAtFixedRate(() -> senders.submit(this::sendOne), 0, 1000 / JOBS_PER_SECOND,
                    TimeUnit.MILLISECONDS);
        }

        private void sendOne() {
            String fulfillmentId = "ff-rebalance-" + run + "-" + sequence.incrementAndGet();
            String url = stack.endpoints().simUrl() + "/api/v2/dataactions/fulfillments/" + fulfillmentId;
            Reply r = loader.post("/v1/fulfillment/execute", Map.of("fulfillmentUrl", url,
                    "fulfillmentToken", "ftok-" + Trace.hex(8), "data", Map.of("orderId", fulfillmentId)), null);
            if (r.status() == 202) {
                accepted.add(fulfillmentId);
            } else {
                refused.add(fulfillmentId + ": " + r);
            }
        }

        List<String> accepted() {
            return List.copyOf(accepted);
        }

        List<String> refused() {
            return List.copyOf(refused);
        }

        void stop() throws InterruptedException {
            ticker.shutdownNow();
            senders.shutdown();
            senders.awaitTermination(60, TimeUnit.SECONDS);
        }
    }
}
