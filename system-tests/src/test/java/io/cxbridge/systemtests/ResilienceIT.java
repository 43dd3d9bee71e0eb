package io.cxbridge.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cxbridge.model.audit.AuditTypes;
import io.cxbridge.systemtests.AuditTail.AuditLine;
import io.cxbridge.systemtests.Gateway.Reply;
import io.cxbridge.testkit.sim.SimControl;
import io.cxbridge.testkit.sim.SimStats;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Parts of the stack fail under a small load: Redis restarts, retry-svc and fulfillment-svc are SIGKILLed, the
 * Kafka broker restarts. Nothing is lost, nothing is done twice where the spec forbids it, and the services that
 * were not killed recover on their own.
 */
@Order(2)
@ExtendWith(StackExtension.class)
class ResilienceIT {

    /** Runs and jobs of the SIGKILL load: small in the suite, the 500 with -Dcxbridge.systemtests.load=500. */
    private static final int LOAD = Integer.getInteger("cxbridge.systemtests.load", 50);

    private static final Duration SETTLE = Duration.ofMinutes(3 + LOAD / 100);

    private final LocalStack stack = StackExtension.stack();
    private final Gateway gateway = StackExtension.flows().gateway();
    private final SimControl sim = StackExtension.flows().sim();

    @AfterEach
    void calmTheSim() {
        Load.calm(sim);
    }

    @Test
    @Order(1)
    void whileRedisRestartsTheGatewayProxiesRefusesIdempotentWritesAndDirectoriesServeFromMemory() {
        String directory = "resilience_dir_" + Trace.hex(3);
        String entries = "/v1/directories/" + directory + "/entries";
        assertThat(gateway.get(entries, null).header("X-Cache")).contains("MISS");
        assertThat(gateway.get(entries, null).header("X-Cache")).contains("HIT-L1");

        stack.stop("redis");
        try {
            Reply proxied = gateway.get("/api/v2/routing/queues?pageSize=5", null);
            assertThat(proxied.status()).as(proxied.toString()).isEqualTo(200);
            await("POST with Idempotency-Key refused while Redis is away")
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(300))
                    .untilAsserted(() -> {
                        Reply keyed = gateway.send(
                                "POST",
                                "/api/v2/routing/queues",
                                Map.of("name", "while-redis-away"),
                                null,
                                Map.of("Idempotency-Key", "k-" + UUID.randomUUID()));
                        assertThat(keyed.status()).as(keyed.toString()).isEqualTo(503);
                    });
            Reply cached = gateway.get(entries, null);
            assertThat(cached.status()).as(cached.toString()).isEqualTo(200);
            assertThat(cached.header("X-Cache")).contains("HIT-L1");
            assertThat(cached.json().path("entries").size()).isPositive();
        } finally {
            stack.up();
        }

        String key = "k-" + UUID.randomUUID();
        Map<String, String> keyHeader = Map.of("Idempotency-Key", key);
        await("idempotent writes work again")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(300))
                .untilAsserted(() -> assertThat(gateway.send(
                                        "POST",
                                        "/api/v2/routing/queues",
                                        Map.of("name", "after-redis"),
                                        null,
                                        keyHeader)
                                .status())
                        .isEqualTo(200));
        Reply replayed = gateway.send("POST", "/api/v2/routing/queues", Map.of("name", "after-redis"), null, keyHeader);
        assertThat(replayed.header("Idempotent-Replayed")).contains("true");
    }

    @Test
    @Order(2)
    void retryAndFulfillmentSurviveASigkillInTheMiddleOfTheLoad() {
        // The external API and Genesys answer slowly, so work is in flight when the processes die.
        Trace load = Trace.random();
        String actionId = "crash-" + Trace.hex(3);
        sim.config(Map.of("externalLatencyMs", 3000));
        sim.fault(Map.of("method", "POST", "path", Flows.executePath(actionId), "latencyMs", 1500));
        long externalBefore = sim.stats().externalCalls();
        List<String> runs = submitRuns(actionId, LOAD, load);
        Map<String, String> jobs = submitJobs("ff-crash-" + Trace.hex(3), LOAD, load);

        await("the load under way")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    SimStats s = sim.stats();
                    return runs.stream().anyMatch(id -> s.executions(id) > 0) && s.externalCalls() > externalBefore;
                });
        stack.kill("retry-svc", "fulfillment-svc");
        long doneAtKill = StackExtension.audit().events(load.traceId()).stream()
                .filter(e -> e.type().equals(AuditTypes.RETRY_SUCCEEDED)
                        || e.type().equals(AuditTypes.FULFILLMENT_COMPLETED))
                .count();
        stack.up();

        assertSettled(load, runs, jobs, 1);
        // The kill did fall in the middle of the load (else this test proves nothing).
        assertThat(doneAtKill).as("runs and jobs finished before the kill").isLessThan(runs.size() + jobs.size());
    }

    @Test
    @Order(3)
    void theServicesRecoverFromABrokerRestartWithoutBeingRestarted() {
        Map<String, Long> pids = new LinkedHashMap<>();
        for (String part : List.of("gateway-svc", "retry-svc", "fulfillment-svc", "retention-svc", "directory-svc")) {
            pids.put(part, stack.pid(part));
        }
        sim.config(Map.of("externalLatencyMs", 1000));
        Trace load = Trace.random();
        String actionId = "broker-" + Trace.hex(3);
        List<String> runs = new ArrayList<>(submitRuns(actionId, 20, load));
        Map<String, String> jobs = new LinkedHashMap<>(submitJobs("ff-broker-" + Trace.hex(3), 20, load));

        stack.stop("kafka");
        stack.up();

        // New work after the restart goes through too (the gateway answers 503 until its producer reconnects).
        runs.addAll(submitRuns(actionId, 10, load));
        jobs.putAll(submitJobs("ff-broker-after-" + Trace.hex(3), 10, load));
        assertSettled(load, runs, jobs, 2);
        for (Map.Entry<String, Long> p : pids.entrySet()) {
            assertThat(stack.pid(p.getKey()))
                    .as(p.getKey() + " was not restarted")
                    .isEqualTo(p.getValue());
        }
        // And a whole flow, audit trail included, works again.
        FlowResult flow = StackExtension.flows().failedRunRetried();
        assertThat(flow.problems()).as(flow.toString()).isEmpty();
    }

    // ---------------------------------------------------------------------------------------------------------

    /** Posts {@code n} failed runs (8 clients at once), each with its own requestId (a 503 is retried with it). */
    private List<String> submitRuns(String actionId, int n, Trace trace) {
        return parallel(n, i -> {
            String requestId = UUID.randomUUID().toString();
            Map<String, Object> run = Map.of(
                    "requestId",
                    requestId,
                    "actionId",
                    actionId,
                    "originalRunId",
                    "run-" + i,
                    "requestPayload",
                    Map.of("i", i));
            accepted("failed run " + requestId, () -> gateway.post("/v1/data-actions/failed-runs", run, trace));
            return requestId;
        });
    }

    /** Posts {@code n} fulfillment jobs (8 clients at once); answers jobId -> fulfillmentId. */
    private Map<String, String> submitJobs(String prefix, int n, Trace trace) {
        Map<String, String> jobs = new LinkedHashMap<>();
        for (String[] job : parallel(n, i -> {
            String fulfillmentId = prefix + "-" + i;
            // A deadline beyond the test's waits: a job delayed by the crash still ends complete, not
            // DEADLINE_EXCEEDED.
            Map<String, Object> job = Map.of(
                    "fulfillmentUrl",
                    stack.endpoints().simUrl() + "/api/v2/dataactions/fulfillments/" + fulfillmentId,
                    "fulfillmentToken",
                    "tok-" + i,
                    "data",
                    Map.of("i", i),
                    "deadline",
                    Instant.now().plus(Duration.ofMinutes(10)).toString());
            Reply reply = accepted("job " + fulfillmentId, () -> gateway.post("/v1/fulfillment/execute", job, trace));
            return new String[] {reply.json().path("jobId").asText(), fulfillmentId};
        })) {
            jobs.put(job[0], job[1]);
        }
        return jobs;
    }

    private static <T> List<T> parallel(int n, java.util.function.IntFunction<T> task) {
        return Load.parallel(n, task);
    }

    private static Reply accepted(String what, Supplier<Reply> post) {
        Reply[] last = {null};
        await(what + " accepted")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> (last[0] = post.get()).status() == 202);
        return last[0];
    }

    /**
     * Every run and job ends (success or DLQ: seen on the audit topic, then confirmed by the services' APIs), no
     * callback is accepted twice, no run executes more often than its attempts allow: its recorded attempts plus
     * {@code repeatsAllowed}, the executions the failure may explain (an attempt sent, then its outcome lost with the
     * process, or not recorded while the broker was away, is sent again after the claim lease).
     */
    private void assertSettled(Trace trace, List<String> runs, Map<String, String> jobs, int repeatsAllowed) {
        Set<String> runEnds =
                Set.of(AuditTypes.RETRY_SUCCEEDED, AuditTypes.RETRY_DEAD_LETTERED, AuditTypes.RETRY_EXHAUSTED);
        Set<String> jobEnds = Set.of(
                AuditTypes.FULFILLMENT_COMPLETED, AuditTypes.FULFILLMENT_FAILED, AuditTypes.FULFILLMENT_DEAD_LETTERED);
        Set<String> open = new HashSet<>(runs);
        open.addAll(jobs.values());
        try {
            await("every run and job ended")
                    .atMost(SETTLE)
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> {
                        for (AuditLine e : StackExtension.audit().events(trace.traceId())) {
                            if (runEnds.contains(e.type()) || jobEnds.contains(e.type())) {
                                open.remove(e.subject());
                            }
                        }
                        return open.isEmpty();
                    });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(
                    open.size() + " runs/jobs never ended, e.g. "
                            + open.stream().limit(5).toList(),
                    e);
        }
        // The audit event is acknowledged before the state is written: the APIs may lag by a moment.
        Map<String, String> runStates = new LinkedHashMap<>();
        Map<String, String> jobStates = new LinkedHashMap<>();
        Map<String, Long> runAttempts = new LinkedHashMap<>();
        await("the APIs agree")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> {
                    for (String id : runs) {
                        if (!List.of("succeeded", "dead-lettered").contains(runStates.getOrDefault(id, ""))) {
                            Reply reply = gateway.get("/v1/data-actions/failed-runs/" + id, null);
                            runStates.put(id, state(reply));
                            runAttempts.put(
                                    id,
                                    reply.status() == 200
                                            ? reply.json().path("attempts").asLong()
                                            : 0L);
                        }
                    }
                    for (String jobId : jobs.keySet()) {
                        if (!List.of("complete", "failed", "dead-lettered", "duplicate")
                                .contains(jobStates.getOrDefault(jobId, ""))) {
                            jobStates.put(jobId, state(gateway.get("/v1/fulfillment/jobs/" + jobId, null)));
                        }
                    }
                    assertThat(runStates.values()).allMatch(st -> st.equals("succeeded") || st.equals("dead-lettered"));
                    // A job posted just before the kill is settled on redelivery (its outcome recorded, nothing posted
                    // again). A job sent again after a 503 whose first send reached the broker after all is a
                    // duplicate of that first one: the fulfillment's result is posted once either way.
                    assertThat(jobStates)
                            .allSatisfy((jobId, st) -> assertThat(st)
                                    .as("job " + jobId)
                                    .isIn("complete", "failed", "dead-lettered", "duplicate"));
                });
        SimStats s = sim.stats();
        for (String id : runs) {
            assertThat(s.executions(id))
                    .as("executions of run " + id + " (" + runStates.get(id) + ")")
                    .isBetween(1L, runAttempts.get(id) + repeatsAllowed);
        }
        for (Map.Entry<String, String> job : jobs.entrySet()) {
            String fulfillmentId = job.getValue();
            assertThat(s.callbacks(fulfillmentId))
                    .as("accepted callbacks of " + fulfillmentId)
                    .isLessThanOrEqualTo(1L);
            if (!"dead-lettered".equals(jobStates.get(job.getKey()))) {
                assertThat(s.callbacks(fulfillmentId))
                        .as("the result of " + fulfillmentId + " reached the receiver")
                        .isEqualTo(1L);
            }
        }
        System.out.printf(
                "settled: runs %s, jobs %s, duplicate callbacks refused by the receiver %d%n",
                count(runStates),
                count(jobStates),
                jobs.values().stream().mapToLong(s::duplicateCallbacks).sum());
    }

    private static Map<String, Long> count(Map<String, String> outcomes) {
        Map<String, Long> c = new java.util.TreeMap<>();
        outcomes.values().forEach(v -> c.merge(v, 1L, Long::sum));
        return c;
    }

    private static String state(Reply reply) {
        return reply.status() == 200 ? reply.json().path("state").asText() : "HTTP " + reply.status();
    }
}
