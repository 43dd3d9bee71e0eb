package io.cxbridge.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cxbridge.testkit.ServiceProcess;
import io.cxbridge.testkit.sim.SimControl;
import io.cxbridge.testkit.sim.SimStats;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.MemberDescription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue #16, fulfillment-svc: a second instance joins the consumer group and leaves it again (SIGTERM) while jobs
 * arrive at 50/s and the external API takes 1 s. The partitions that move are revoked cooperatively from a running
 * instance, so jobs are in flight at every move: each fulfillment must still reach the external API at most once (the
 * sim counts calls per {@code Idempotency-Key}) and its callback exactly once. The stack runs with the OAuth client's
 * rate budget at 6,000 a minute ({@link LocalStack}): the local stack's 300 cannot carry 50 callbacks a second.
 *
 * <p>The load starts when the second process configures its Kafka channel (just before it joins) and runs until the
 * first instance owns every partition again after the leave: on a loaded machine the second process takes minutes to
 * start, and a load over all that time would make a backlog no test budget drains.
 */
@Order(4)
@ExtendWith(StackExtension.class)
class FulfillmentRebalanceIT {

    private static final int JOBS_PER_SECOND = 50;
    private static final String GROUP = "fulfillment-svc";
    private static final String MODULE = "fulfillment-svc";

    private final LocalStack stack = StackExtension.stack();
    private final StackEndpoints endpoints = stack.endpoints();
    private final SimControl sim = StackExtension.flows().sim();

    @AfterEach
    void calmTheSim() {
        Load.calm(sim);
    }

    @Test
    void aSecondInstanceJoinsAndLeavesUnderLoadWithoutDuplicateCallsOrCallbacks() throws Exception {
        long pid = stack.pid(MODULE);
        sim.config(Map.of("externalLatencyMs", 1000));
        await("one member in the fulfillment group")
                .atMost(Duration.ofSeconds(30))
                .until(() -> members().size() == 1);
        Path logs = Path.of(System.getProperty("user.dir"), "target");
        Set<Path> logsBefore = Set.copyOf(serviceLogs(logs));
        CompletableFuture<ServiceProcess> starting = null;
        ServiceProcess second = null;
        try (JobLoad load = new JobLoad()) {
            starting = CompletableFuture.supplyAsync(() -> ServiceProcess.start(
                    MODULE, ServiceProcess.jarOf(MODULE), "256m", secondInstanceWiring(), Duration.ofSeconds(300)));
            // The join comes right after the second process configured its Kafka channel: the load starts there, so
            // the first instance has jobs in flight when partitions are revoked from it.
            await("the second instance configures its Kafka channel")
                    .atMost(Duration.ofSeconds(300))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> newLog(logs, logsBefore)
                            .map(FulfillmentRebalanceIT::read)
                            .filter(l -> l.contains("SRMSG18229"))
                            .isPresent());
            load.on();
            awaitGroup(
                    "the group rebalanced onto both instances",
                    m -> m.size() == 2
                            && m.stream()
                                    .noneMatch(d ->
                                            d.assignment().topicPartitions().isEmpty()));
            second = starting.get(300, TimeUnit.SECONDS);
            ServiceProcess joined = second;
            // Both own partitions; the second must have finished jobs of its own before it leaves (its log is the
            // only place that says which instance did a job).
            await("the second instance finishes jobs")
                    .atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> read(joined.logFile()).contains("external attempt(s)"));

            // The leave: 2 s more of load first, so both instances have jobs in flight when the second gets SIGTERM.
            int before = load.produced();
            await("2 s of load before the leave")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> load.produced() >= before + 2 * JOBS_PER_SECOND);
            second.terminate(); // SIGTERM: a cooperative revoke by the leaving member, not a crash
            assertThat(second.awaitExit(Duration.ofSeconds(60)))
                    .as("the second instance stopped gracefully")
                    .isTrue();
            awaitGroup(
                    "the first instance owns every partition again",
                    m -> m.size() == 1
                            && m.get(0).assignment().topicPartitions().size() == 3);
            int atLeave = load.produced();
            await("jobs keep coming after the leave")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> load.produced() >= atLeave + 2 * JOBS_PER_SECOND);
            load.off();

            List<String> ids = load.fulfillmentIds();
            System.out.printf("rebalance: %d jobs produced around the join and the leave%n", ids.size());
            assertThat(load.failures()).as("jobs the gateway never accepted").isEmpty();
            awaitEveryJobPostedOnce(ids);
            assertThat(stack.pid(MODULE))
                    .as("the first instance never restarted")
                    .isEqualTo(pid);
        } finally {
            if (second != null) {
                second.stop();
            } else if (starting != null) {
                starting.thenAccept(ServiceProcess::stop);
            }
        }
    }

    private void awaitEveryJobPostedOnce(List<String> ids) {
        await("every job answered")
                .atMost(Duration.ofSeconds(180))
                .pollInterval(Duration.ofSeconds(2))
                .until(() -> {
                    SimStats stats = sim.stats();
                    return ids.stream().allMatch(id -> stats.callbacks(id) >= 1);
                });
        SimStats stats = sim.stats();
        // A job may end without an external call (its deadline passed while it waited in Kafka): never with more.
        List<String> duplicateCalls = ids.stream()
                .filter(id -> stats.externalCalls(id) > 1)
                .map(id -> id + "=" + stats.externalCalls(id))
                .toList();
        List<String> notOnce = ids.stream()
                .filter(id -> stats.callbacks(id) != 1 || stats.duplicateCallbacks(id) != 0)
                .map(id -> id + "=" + stats.callbacks(id) + "/" + stats.duplicateCallbacks(id))
                .toList();
        assertThat(duplicateCalls)
                .as("external calls per Idempotency-Key above 1")
                .isEmpty();
        assertThat(ids.stream().filter(id -> stats.externalCalls(id) == 1).count())
                .as("jobs that reached the external API")
                .isGreaterThan(ids.size() / 2);
        assertThat(notOnce)
                .as("fulfillments posted other than once (callbacks/duplicates)")
                .isEmpty();
    }

    /** The stack's own wiring of fulfillment-svc ({@code ./stack} start_app), on ports of its own. */
    private Map<String, String> secondInstanceWiring() {
        Map<String, String> env = stack.env();
        String simUrl = endpoints.simUrl();
        Map<String, String> p = new HashMap<>();
        p.put("quarkus.profile", "local");
        p.put("kafka.bootstrap.servers", endpoints.kafkaBootstrap());
        p.put("quarkus.redis.hosts", "redis://127.0.0.1:" + env.get("REDIS_PORT"));
        p.put("cxbridge.genesys.base-url", simUrl);
        p.put("cxbridge.fulfillment.external.url", simUrl + "/external/api");
        p.put("cxbridge.fulfillment-url.test-hosts", simUrl.replaceFirst("^https?://", ""));
        // the stack's processes read it from their environment; this one is started by the test
        p.put("cxbridge.genesys.rate-limit.per-minute", env.get("CXBRIDGE_GENESYS_RATE_LIMIT_PER_MINUTE"));
        return p;
    }

    private static List<Path> serviceLogs(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> {
                        String n = f.getFileName().toString();
                        return n.startsWith(MODULE + "-") && n.endsWith(".log");
                    })
                    .toList();
        }
    }

    private static Optional<Path> newLog(Path dir, Set<Path> before) throws IOException {
        return serviceLogs(dir).stream().filter(f -> !before.contains(f)).findFirst();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until the fulfillment group's members (Kafka Admin) are as {@code settled} says. */
    private void awaitGroup(String what, Predicate<List<MemberDescription>> settled) {
        await(what)
                .atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> settled.test(members()));
    }

    private List<MemberDescription> members() throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrap());
        try (Admin admin = Admin.create(p)) {
            return new ArrayList<>(admin.describeConsumerGroups(Set.of(GROUP))
                    .all()
                    .get(10, TimeUnit.SECONDS)
                    .get(GROUP)
                    .members());
        }
    }

    /**
     * Jobs posted through the gateway (client {@code load}: the gateway seals each job's token, so jobs cannot be
     * produced straight to the topic) at {@link #JOBS_PER_SECOND} while switched on, each with its own fulfillmentId
     * and its result posted to the sim's receiver.
     */
    private final class JobLoad implements AutoCloseable {
        private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        private final ExecutorService senders =
                Executors.newFixedThreadPool(48); // a slow gateway answer must not slow the load
        private final Gateway gateway = new Gateway(endpoints.gatewayUrl(), "cxb_load_key");
        private final Trace trace = Trace.random();
        private final ConcurrentLinkedQueue<String> ids = new ConcurrentLinkedQueue<>();
        private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        private final AtomicInteger sequence = new AtomicInteger();
        private final AtomicBoolean on = new AtomicBoolean();
        private final String run = Trace.hex(4);

        JobLoad() {
            ticker.scheduleAtFixedRate(
                    () -> {
                        if (on.get()) {
                            String fulfillmentId = "ff-rebalance-" + run + "-" + sequence.incrementAndGet();
                            senders.submit(() -> send(fulfillmentId));
                        }
                    },
                    0,
                    1000 / JOBS_PER_SECOND,
                    TimeUnit.MILLISECONDS);
        }

        void on() {
            on.set(true);
        }

        void off() {
            on.set(false);
        }

        private void send(String fulfillmentId) {
            try {
                Load.job(gateway, endpoints, fulfillmentId, trace);
                ids.add(fulfillmentId);
            } catch (RuntimeException e) {
                failures.add(fulfillmentId + ": " + e);
            }
        }

        /** Jobs the ticker handed to the senders (accepted or about to be). */
        int produced() {
            return sequence.get();
        }

        /** The accepted jobs, once every post under way has ended. */
        List<String> fulfillmentIds() throws InterruptedException {
            off();
            ticker.shutdownNow();
            senders.shutdown();
            assertThat(senders.awaitTermination(180, TimeUnit.SECONDS))
                    .as("every job posted")
                    .isTrue();
            return List.copyOf(ids);
        }

        List<String> failures() {
            return List.copyOf(failures);
        }

        @Override
        public void close() {
            ticker.shutdownNow();
            senders.shutdownNow();
        }
    }
}
