package io.cxbridge.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cxbridge.model.Headers;
import io.cxbridge.model.Topics;
import io.cxbridge.systemtests.Load.Job;
import io.cxbridge.testkit.PrometheusText;
import io.cxbridge.testkit.TopicReader;
import io.cxbridge.testkit.sim.SimControl;
import io.cxbridge.testkit.sim.SimStats;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue #16 beyond retry-svc's own durability, with packaged processes on the shared stack: poison records for
 * fulfillment-svc and retention-svc, the sim's tokens revoked twice under load, the broker stopped right after a
 * successful execute, Redis away longer than the connector's 60 s limit under load, {@code max-pending} keeping the
 * backlog in Kafka, and a stopped consumer channel making liveness DOWN. Counts are taken at the sim per requestId
 * (200 executions) and per fulfillmentId (callbacks, duplicate callbacks).
 */
@Order(4)
@ExtendWith(StackExtension.class)
class DurabilityIT {

    /** Seconds of the 20 runs/s + 20 jobs/s load around the Redis outage (half before Redis goes, half during). */
    private static final int OUTAGE_LOAD_SECONDS = Integer.getInteger("cxbridge.systemtests.outage-load-seconds", 10);

    private static final int PER_SECOND = 20;
    /** Longer than the Kafka connector's default unprocessed-record limit (60 s) that used to close the consumer. */
    private static final Duration REDIS_AWAY = Duration.ofSeconds(75);

    private static final List<String> STATEFUL = List.of("retry-svc", "fulfillment-svc", "retention-svc");
    private static final List<String> SERVICES =
            List.of("gateway-svc", "retry-svc", "fulfillment-svc", "retention-svc", "directory-svc");
    private static final List<String> OBJECT_TYPES = List.of("call", "chat", "email", "task", "interaction", "sms");
    /** Retention periods handed out one by one, 20 days apart: no request overlaps another of this class. */
    private static final AtomicInteger NEXT_PERIOD = new AtomicInteger(400);

    private final LocalStack stack = StackExtension.stack();
    private final StackEndpoints endpoints = stack.endpoints();
    // A client of its own: the load is over the demo client's 1,200 requests a minute.
    private final Gateway gateway = new Gateway(endpoints.gatewayUrl(), "cxb_load_key");
    private final SimControl sim = StackExtension.flows().sim();

    @AfterEach
    void calmTheSim() {
        Load.calm(sim);
    }

    @Test
    @Order(1)
    void poisonRecordsForFulfillmentAndRetentionGoToTheirDlqsBetweenValidWork() throws Exception {
        Map<String, Long> pids = pids();
        String tag = Trace.hex(4);
        Trace trace = Trace.random();
        String validJob = """
                {"jobId": "%s", "fulfillmentId": "ff-poison-%s", "fulfillmentUrl": "%s/api/v2/dataactions/fulfillments/x",
                 "fulfillmentToken": "t", "data": {}, "receivedAt": "%s", "deadline": "%s"}""".formatted(
                        UUID.randomUUID(),
                        tag,
                        endpoints.simUrl(),
                        Instant.now(),
                        Instant.now().plusSeconds(600));
        String validRequest = """
                {"requestId": "%s", "policy": {"name": "poison-%s", "objectType": "call", "retentionPeriod": 90,
                 "enabled": true}, "dryRun": false}""".formatted(UUID.randomUUID(), tag);
        // Each poison: key, value, header (name, value) or null, the error class its dead letter must carry.
        List<String[]> jobPoisons = List.of(
                new String[] {"p-header-" + tag, validJob, Headers.TRACEPARENT, "not-a-trace", "malformed-header"},
                new String[] {"p-notjson-" + tag, "<job>not json</job>", null, null, "invalid-job"},
                new String[] {"p-huge-" + tag, Load.twoMiB(validJob), null, null, "record-too-large"},
                new String[] {
                    "p-invalid-" + tag,
                    validJob.replaceFirst("\"jobId\": \"[^\"]+\"", "\"jobId\": \"x\""),
                    null,
                    null,
                    "invalid-job"
                });
        List<String[]> requestPoisons = List.of(
                new String[] {"p-header-" + tag, validRequest, Headers.TRACEPARENT, "00-nope", "malformed-header"},
                new String[] {"p-notjson-" + tag, "{not json", null, null, "invalid-request"},
                new String[] {"p-huge-" + tag, Load.twoMiB(validRequest), null, null, "record-too-large"},
                new String[] {
                    "p-invalid-" + tag,
                    validRequest.replaceFirst("\"requestId\": \"[^\"]+\"", "\"requestId\": \"x\""),
                    null,
                    null,
                    "invalid-request"
                });

        List<Job> jobs = new ArrayList<>();
        List<String> requests = new ArrayList<>();
        try (KafkaProducer<String, String> producer = Load.producer(endpoints)) {
            for (int i = 0; i < 4; i++) {
                // valid work before and after each poison, on the same topics
                for (int k = 0; k < 3; k++) {
                    jobs.add(Load.job(gateway, endpoints, "ff-poison-" + tag + "-" + i + "-" + k, trace));
                }
                requests.add(Load.retention(gateway, objectType(), NEXT_PERIOD.getAndAdd(20), trace));
                send(producer, Topics.FULFILLMENT_JOBS, jobPoisons.get(i));
                send(producer, Topics.RETENTION_REQUESTS, requestPoisons.get(i));
            }
            jobs.add(Load.job(gateway, endpoints, "ff-poison-" + tag + "-last", trace));
            requests.add(Load.retention(gateway, objectType(), NEXT_PERIOD.getAndAdd(20), trace));
        }

        assertDeadLettered(Topics.FULFILLMENT_JOBS_DLQ, tag, jobPoisons);
        assertDeadLettered(Topics.RETENTION_REQUESTS_DLQ, tag, requestPoisons);
        awaitJobsPostedOnce(jobs, Duration.ofSeconds(90));
        awaitDeployed(requests, Duration.ofSeconds(90));
        assertThat(pids()).as("no process restarted").isEqualTo(pids);
        for (String service : STATEFUL) {
            assertThat(Load.get(mgmt(service, "/q/health/live")).statusCode())
                    .as(service + " live")
                    .isEqualTo(200);
        }
    }

    @Test
    @Order(2)
    void tokensRevokedTwiceASecondApartChangeNoOutcome() throws Exception {
        String action = "revoke-" + Trace.hex(3);
        // Runs answer slowly, so executions are in flight when the tokens die.
        sim.fault(Map.of("method", "POST", "path", Flows.executePath(action), "latencyMs", 1500));
        Trace trace = Trace.random();
        ExecutorService clients = Executors.newFixedThreadPool(8);
        List<String> runs;
        List<String> requests;
        try {
            List<Future<String>> r = new ArrayList<>();
            List<Future<String>> q = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                int index = i;
                r.add(clients.submit(() -> Load.run(gateway, action, index, trace)));
                q.add(clients.submit(() -> Load.retention(gateway, objectType(), NEXT_PERIOD.getAndAdd(20), trace)));
            }
            runs = Load.collect(r);
            requests = Load.collect(q);
        } finally {
            clients.shutdownNow();
        }
        await("runs in flight at the sim")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> runs.stream().anyMatch(id -> sim.stats().executions(id) > 0));
        int first = sim.revokeTokens();
        Instant firstAt = Instant.now();
        // The second revocation a second later: the tokens fetched after the first 401s die too.
        await("a second")
                .pollDelay(Duration.ofSeconds(1))
                .atMost(Duration.ofSeconds(2))
                .until(() -> Duration.between(firstAt, Instant.now()).toMillis() >= 1000);
        int second = sim.revokeTokens();
        System.out.printf("tokens revoked: %d, then %d%n", first, second);
        assertThat(first).as("tokens were in use when revoked").isPositive();

        awaitRunsSucceededOnce(runs, Duration.ofSeconds(120));
        awaitDeployed(requests, Duration.ofSeconds(120));
    }

    @Test
    @Order(3)
    void aBrokerStoppedRightAfterASuccessfulExecuteDoesNotRunItAgain() {
        Map<String, Long> pids = pids();
        String action = "broker-exec-" + Trace.hex(3);
        // The execute answers 200 after 8 s: the broker is stopped while the calls are in flight, so the 2xx
        // arrives with the broker gone and the audit event (and journal write) cannot be sent.
        sim.fault(Map.of("method", "POST", "path", Flows.executePath(action), "latencyMs", 8000));
        Trace trace = Trace.random();
        List<String> runs = Load.parallel(3, i -> Load.run(gateway, action, i, trace));
        await("the executes reached the sim")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    SimStats s = sim.stats();
                    return runs.stream().allMatch(id -> s.executions(id) > 0);
                });
        stack.stop("kafka");
        try {
            await("the sim answered 200 while the broker was away")
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        SimStats s = sim.stats();
                        return runs.stream().allMatch(id -> s.executions(id, 200) == 1);
                    });
            assertThat(stack.pid("kafka")).as("the broker is still stopped").isEqualTo(-1L);
        } finally {
            stack.up();
        }
        for (String id : runs) {
            await("run " + id + " succeeded")
                    .atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> "succeeded".equals(runState(id)));
        }
        // Longer than the claim lease (15 s in the tests' stack): a run that was going to go again has gone.
        await("no second execution")
                .during(Duration.ofSeconds(20))
                .atMost(Duration.ofSeconds(25))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> {
                    SimStats s = sim.stats();
                    return runs.stream().allMatch(id -> s.executions(id) == 1);
                });
        assertThat(pids()).as("no service restarted").isEqualTo(pids);
    }

    @Test
    @Order(4)
    void redisAwayLongerThanTheConnectorLimitLosesNothingAndDoesNothingTwice() throws Exception {
        Map<String, Long> pids = pids();
        String action = "outage-" + Trace.hex(3);
        String jobPrefix = "ff-outage-" + Trace.hex(3);
        Trace trace = Trace.random();
        List<Future<String>> runs = new CopyOnWriteArrayList<>();
        List<Future<Job>> jobs = new CopyOnWriteArrayList<>();
        AtomicInteger ticks = new AtomicInteger();
        ExecutorService clients = Executors.newFixedThreadPool(32);
        ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
        Map<String, List<Integer>> readiness = new ConcurrentHashMap<>();
        try {
            clock.scheduleAtFixedRate(
                    () -> {
                        int tick = ticks.getAndIncrement();
                        if (tick >= OUTAGE_LOAD_SECONDS) {
                            return;
                        }
                        for (int i = 0; i < PER_SECOND; i++) {
                            int index = tick * PER_SECOND + i;
                            runs.add(clients.submit(() -> Load.run(gateway, action, index, trace)));
                            jobs.add(
                                    clients.submit(() -> Load.job(gateway, endpoints, jobPrefix + "-" + index, trace)));
                        }
                    },
                    0,
                    1,
                    TimeUnit.SECONDS);
            await("half the load sent")
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> ticks.get() >= OUTAGE_LOAD_SECONDS / 2);

            stack.stop("redis");
            Instant away = Instant.now();
            try {
                // Readiness sampled every second for the whole outage; the first 15 s are the services noticing.
                await("Redis away " + REDIS_AWAY.toSeconds() + " s")
                        .pollInterval(Duration.ofSeconds(1))
                        .atMost(REDIS_AWAY.plusSeconds(30))
                        .until(() -> {
                            if (Duration.between(away, Instant.now()).toSeconds() >= 15) {
                                for (String service : STATEFUL) {
                                    readiness
                                            .computeIfAbsent(service, s -> new CopyOnWriteArrayList<>())
                                            .add(status(mgmt(service, "/q/health/ready")));
                                }
                            }
                            return Duration.between(away, Instant.now()).compareTo(REDIS_AWAY) >= 0;
                        });
            } finally {
                stack.up();
            }
        } finally {
            clock.shutdownNow();
        }
        List<String> runIds = Load.collect(runs);
        List<Job> jobList = Load.collect(jobs);
        clients.shutdownNow();
        assertThat(runIds).hasSize(OUTAGE_LOAD_SECONDS * PER_SECOND);
        for (String service : STATEFUL) {
            assertThat(readiness.get(service))
                    .as(service + " readiness while Redis was away")
                    .isNotEmpty()
                    .allMatch(s -> s == 503);
        }

        awaitRunsSucceededOnce(runIds, Duration.ofSeconds(150));
        awaitJobsPostedOnce(jobList, Duration.ofSeconds(60));
        assertThat(pids()).as("consumption resumed without a restart").isEqualTo(pids);
    }

    @Test
    @Order(5)
    void maxPendingKeepsTheBacklogInKafkaAndEveryRunStillSucceeds() {
        // Every admitted run waits 15 s before its first attempt (the benchmark's way to hold runs pending without
        // calling Genesys), so the schedule fills faster than it empties on any machine: the limit is reached and
        // held while the rest of the 400 wait in Kafka. The one consumer admits runs one by one (four round trips
        // each): about 10 a second on a loaded 2-core machine, so 15 s of wait fill 100 places with room to spare.
        // Without it the schedule never went above 47 (the limit was never tested); with 5 s, 50.
        stack.restart("retry-svc", Map.of("CXBRIDGE_RETRY_MAX_PENDING", "100", "CXBRIDGE_RETRY_INITIAL_DELAY", "15s"));
        AtomicLong most = new AtomicLong();
        AtomicLong mostLag = new AtomicLong();
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        try {
            // The limit counts every run in the schedule: runs of earlier tests still pending take their share.
            await("room in the schedule")
                    .atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> dueSetSize() < 100);
            String action = "max-pending-" + Trace.hex(3);
            sampler.scheduleAtFixedRate(
                    () -> {
                        try {
                            most.accumulateAndGet(dueSetSize(), Math::max);
                        } catch (RuntimeException e) {
                            // a sample lost to a busy redis-cli start; the next one comes 100 ms later
                        }
                    },
                    0,
                    100,
                    TimeUnit.MILLISECONDS);
            // Straight to the topic, all at once (the gateway would feed them slower than retry-svc works them off).
            List<String> runs = new ArrayList<>();
            try (KafkaProducer<String, String> producer = Load.producer(endpoints)) {
                List<Future<?>> sent = new ArrayList<>();
                for (int i = 0; i < 400; i++) {
                    String id = UUID.randomUUID().toString();
                    runs.add(id);
                    sent.add(producer.send(
                            new ProducerRecord<>(Topics.FAILED_RUNS, action, """
                            {"requestId": "%s", "actionId": "%s", "originalRunId": "run-%d", "requestPayload": {}}""".formatted(id, action, i))));
                }
                for (Future<?> f : sent) {
                    f.get();
                }
            } catch (Exception e) {
                throw new IllegalStateException("the runs could not be produced", e);
            }
            // The backlog waits in Kafka, and the lag metric says so (refreshed every 5 s).
            await("consumer lag reported")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> mostLag.accumulateAndGet(consumerLag(), Math::max) >= 100);
            awaitRunsSucceededOnce(runs, Duration.ofSeconds(150));
        } finally {
            sampler.shutdownNow();
            stack.restart("retry-svc", unset("CXBRIDGE_RETRY_MAX_PENDING", "CXBRIDGE_RETRY_INITIAL_DELAY"));
        }
        System.out.printf(
                "max-pending 100: at most %d runs pending in Redis, a consumer lag of %d reported%n",
                most.get(), mostLag.get());
        assertThat(most.get())
                .as("most runs pending in Redis at once")
                .isLessThanOrEqualTo(100)
                // else the limit was never reached and this test proves nothing
                .isGreaterThanOrEqualTo(90);
    }

    /** retry-svc's schedule: {@code ZCARD} of its due set (pending runs, claimed ones included). */
    private long dueSetSize() {
        return Long.parseLong(Load.redisCli(stack, "ZCARD", RETRY_DUE_SET));
    }

    /** retry-svc's {@code cxbridge_retry_consumer_lag} gauge; 0 when absent. */
    private long consumerLag() {
        return (long)
                PrometheusText.max(Load.get(mgmt("retry-svc", "/q/metrics")).body(), "cxbridge_retry_consumer_lag", "")
                        .orElse(0);
    }

    @Test
    @Order(6)
    void aConsumerChannelThatStopsMakesLivenessDown() {
        // Forced the way retry-svc's ConsumerLivenessTest does, with deployment settings only: a schedule that never
        // has room (max-pending 0) holds the record in hand, and an unprocessed-record limit of 2 s makes the Kafka
        // connector fail the channel. Nothing else can stop a channel from outside without a test-only hook.
        // The channel's setting as a system property: an environment variable spelling of a channel name with
        // dashes (FAILED_RUNS_IN) is read back as a channel "failed" and stops start-up.
        stack.restart(
                "retry-svc",
                Map.of(
                        "CXBRIDGE_RETRY_MAX_PENDING",
                        "0",
                        "JAVA_TOOL_OPTIONS",
                        "-Dmp.messaging.incoming.failed-runs-in.throttled.unprocessed-record-max-age.ms=2000"));
        try {
            assertThat(status(mgmt("retry-svc", "/q/health/live")))
                    .as("live before")
                    .isEqualTo(200);
            String action = "stuck-" + Trace.hex(3);
            Load.run(gateway, action, 0, Trace.random());
            await("liveness DOWN")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> status(mgmt("retry-svc", "/q/health/live")) == 503);
            assertThat(Load.get(mgmt("retry-svc", "/q/health/live")).body()).contains("failed-runs-in");
        } finally {
            stack.restart("retry-svc", unset("CXBRIDGE_RETRY_MAX_PENDING", "JAVA_TOOL_OPTIONS"));
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    /** retry-svc's due set (README "100,000 pending runs": {@code ZCARD {cxbridge:retry}:due}, hash-tagged for Redis Cluster). */
    private static final String RETRY_DUE_SET = "{cxbridge:retry}:due";

    /** A service's health or metrics URL (the one place to change when they move to a management port). */
    private String mgmt(String service, String path) {
        // Health and metrics answer on the service's management port, not its API port.
        return stack.endpoints().managementUrl(service) + path;
    }

    /** Environment changes that remove these variables (back to the service's defaults). */
    private static Map<String, String> unset(String... variables) {
        Map<String, String> changes = new HashMap<>();
        for (String v : variables) {
            changes.put(v, null);
        }
        return changes;
    }

    private static int status(String url) {
        try {
            return Load.get(url).statusCode();
        } catch (RuntimeException e) {
            return 0;
        }
    }

    private Map<String, Long> pids() {
        Map<String, Long> pids = new LinkedHashMap<>();
        SERVICES.forEach(s -> pids.put(s, stack.pid(s)));
        return pids;
    }

    private static String objectType() {
        return OBJECT_TYPES.get((NEXT_PERIOD.get() / 20) % OBJECT_TYPES.size());
    }

    private String runState(String requestId) {
        return Load.state(gateway, "/v1/data-actions/failed-runs/" + requestId);
    }

    private static void send(KafkaProducer<String, String> producer, String topic, String[] poison) throws Exception {
        RecordHeaders headers = new RecordHeaders();
        if (poison[2] != null) {
            headers.add(poison[2], poison[3].getBytes(StandardCharsets.UTF_8));
        }
        producer.send(new ProducerRecord<>(topic, null, poison[0], poison[1], headers))
                .get();
    }

    /** Each poison is on the DLQ topic under its key with its error class and a reason. */
    private void assertDeadLettered(String dlqTopic, String tag, List<String[]> poisons) {
        List<ConsumerRecord<String, byte[]>> dead = TopicReader.await(
                endpoints.kafkaBootstrap(),
                dlqTopic,
                poisons.size(),
                r -> r.key() != null && r.key().endsWith(tag),
                Duration.ofSeconds(60));
        Map<String, Map<String, String>> byKey = new HashMap<>();
        dead.forEach(r -> byKey.put(r.key(), TopicReader.headers(r)));
        for (String[] poison : poisons) {
            Map<String, String> headers = byKey.get(poison[0]);
            assertThat(headers)
                    .as("dead letter of %s on %s", poison[0], dlqTopic)
                    .isNotNull();
            assertThat(headers.get(Headers.ERROR_CLASS)).as(poison[0]).isEqualTo(poison[4]);
            assertThat(headers.get(Headers.ERROR_REASON)).as(poison[0]).isNotBlank();
        }
    }

    /** Every run ends succeeded, each executed exactly once with a 200 at the sim. */
    private void awaitRunsSucceededOnce(List<String> runs, Duration within) {
        Set<String> open = ConcurrentHashMap.newKeySet();
        open.addAll(runs);
        try {
            await("every run succeeded")
                    .atMost(within)
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> {
                        SimStats s = sim.stats();
                        // the sim's 200 first (one stats call), then the service's own word on each run
                        open.removeIf(id -> s.executions(id, 200) > 0 && "succeeded".equals(runState(id)));
                        return open.isEmpty();
                    });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(
                    open.size() + " of " + runs.size() + " runs did not succeed, e.g. "
                            + open.stream()
                                    .limit(5)
                                    .map(id -> id + " " + runState(id))
                                    .toList(),
                    e);
        }
        SimStats s = sim.stats();
        Map<String, Long> twice = new LinkedHashMap<>();
        runs.forEach(id -> {
            if (s.executions(id, 200) != 1) {
                twice.put(id, s.executions(id, 200));
            }
        });
        assertThat(twice).as("runs not executed exactly once with a 200").isEmpty();
    }

    /** Every job's result reached the receiver exactly once, no repeat refused by it either. */
    private void awaitJobsPostedOnce(List<Job> jobs, Duration within) {
        try {
            await("every job posted")
                    .atMost(within)
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> {
                        SimStats s = sim.stats();
                        return jobs.stream().allMatch(j -> s.callbacks(j.fulfillmentId()) > 0);
                    });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            SimStats s = sim.stats();
            throw new AssertionError(
                    "jobs never posted: "
                            + jobs.stream()
                                    .filter(j -> s.callbacks(j.fulfillmentId()) == 0)
                                    .limit(5)
                                    .map(j -> j + " " + Load.state(gateway, "/v1/fulfillment/jobs/" + j.jobId()))
                                    .toList(),
                    e);
        }
        SimStats s = sim.stats();
        for (Job j : jobs) {
            assertThat(s.callbacks(j.fulfillmentId())).as("callbacks of " + j).isEqualTo(1);
            assertThat(s.duplicateCallbacks(j.fulfillmentId()))
                    .as("duplicate callbacks of " + j)
                    .isZero();
        }
    }

    private void awaitDeployed(List<String> requests, Duration within) {
        Map<String, String> states = new ConcurrentHashMap<>();
        await("every retention request ended")
                .atMost(within)
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> {
                    for (String id : requests) {
                        if (!Set.of("deployed", "failed").contains(states.getOrDefault(id, ""))) {
                            states.put(id, Load.state(gateway, "/v1/retention/requests/" + id));
                        }
                    }
                    return states.values().stream().allMatch(v -> v.equals("deployed") || v.equals("failed"));
                });
        assertThat(states)
                .as("retention requests")
                .allSatisfy((id, state) -> assertThat(state).as(id).isEqualTo("deployed"));
    }
}
