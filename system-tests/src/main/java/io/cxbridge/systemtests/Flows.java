package io.cxbridge.systemtests;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxbridge.model.audit.AuditTypes;
import io.cxbridge.systemtests.AuditTail.AuditLine;
import io.cxbridge.systemtests.Gateway.Reply;
import io.cxbridge.testkit.sim.SimControl;
import io.cxbridge.testkit.sim.SimStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The end-to-end flows of the product, driven through the gateway as a client would (X-API-Key, JSON, a W3C
 * {@code traceparent} per flow), each checked against what the services answered, what genesys-sim saw and what
 * the audit topic carries for the flow's trace. One piece of code for the ITs (which assert on the results) and
 * {@code ./stack demo} (which prints them).
 *
 * <p>A flow never throws: whatever did not go as expected is a problem in its {@link FlowResult}. Status reads
 * made while waiting (polling a run, a job, a request) carry no {@code traceparent}: they watch the flow, they are
 * not part of it, so the flow's trace holds exactly the client's own requests and what they caused.
 */
public final class Flows {

    /** How long a flow waits for an outcome (asynchronous work, audit events). */
    public static final Duration WAIT = Duration.ofSeconds(60);

    private final StackEndpoints endpoints;
    private final Gateway gateway;
    private final SimControl sim;
    private final AuditTail audit;

    public Flows(StackEndpoints endpoints, AuditTail audit) {
        this.endpoints = endpoints;
        this.gateway = new Gateway(endpoints.gatewayUrl(), Gateway.DEMO_KEY);
        this.sim = new SimControl(endpoints.simUrl());
        this.audit = audit;
    }

    public Gateway gateway() {
        return gateway;
    }

    public SimControl sim() {
        return sim;
    }

    /** Every flow, in the order the demo tells them. */
    public List<FlowResult> all() {
        return List.of(
                proxy(),
                failedRunRetried(),
                deadLetterReplayed(),
                fulfillment(),
                retentionOverlap(),
                directoryInvalidation(),
                directoryAgents(),
                dataActionStale());
    }

    /** The sim's execute path of an action (faults are aimed at one flow's own action). */
    public static String executePath(String actionId) {
        return "/api/v2/integrations/actions/" + actionId + "/execute";
    }

    // ---------------------------------------------------------------------------------------------------------

    /**
     * The POSTs the sim answered with a creation. A POST it answered 401 (a token revoked earlier, then dropped,
     * refreshed and sent once more by genesys-client) created nothing, so it is not counted.
     */
    private long queueCreations() {
        SimStats stats = sim.stats();
        return stats.requests("POST", "/api/v2/routing/queues", 200)
                + stats.requests("POST", "/api/v2/routing/queues", 201);
    }

    /** 1. SDK-style calls through the transparent proxy; a read-only key may read but not write. */
    public FlowResult proxy() {
        return run("proxy", "SDK-style calls proxied to Genesys (GET/POST /api/v2/routing/queues)", List.of(), r -> {
            String name = "cxbridge-demo-queue-" + Trace.hex(4);
            long postsBefore = queueCreations();
            Reply created = r.expect(
                    r.call(
                            gateway,
                            "POST",
                            "/api/v2/routing/queues",
                            Map.of("name", name, "description", "created through the gateway")),
                    200,
                    201);
            String id = created.json().path("id").asText(null);
            r.check(id != null, "the created queue has no id: " + created);
            r.fact("queueId", id);
            Reply listed = r.expect(r.call(gateway, "GET", "/api/v2/routing/queues?name=" + name, null), 200);
            boolean found = false;
            for (JsonNode e : listed.json().path("entities")) {
                found |= e.path("id").asText("").equals(id);
            }
            r.check(found, "the new queue is not in the list: " + listed);
            Gateway readonly = gateway.as(Gateway.READONLY_KEY);
            Reply read = r.expect(r.call(readonly, "GET", "/api/v2/routing/queues/" + id, null), 200);
            r.check(name.equals(read.json().path("name").asText()), "the read-only client read " + read);
            Reply refused =
                    r.expect(r.call(readonly, "POST", "/api/v2/routing/queues", Map.of("name", name + "-x")), 403);
            r.fact("statuses", List.of(created.status(), listed.status(), read.status(), refused.status()));
            r.fact("upstreamAttempts", created.header("X-Upstream-Attempts").orElse(null));
            long posts = queueCreations() - postsBefore;
            r.fact("postsReachingGenesys", posts);
            r.check(
                    posts == 1,
                    "the sim saw " + posts + " queue creations, expected 1 (the refused one must not reach it)");
        });
    }

    /** 2. A failed run that Genesys refuses once (503) and accepts on the retry. */
    public FlowResult failedRunRetried() {
        return run(
                "failed-run-retried",
                "a failed Data Action run that succeeds on retry (sim: 503 once)",
                List.of(AuditTypes.RETRY_ATTEMPT_FAILED, AuditTypes.RETRY_SUCCEEDED),
                r -> {
                    String actionId = "demo-retry-" + Trace.hex(4);
                    sim.fault(Map.of("method", "POST", "path", executePath(actionId), "status", 503, "count", 1));
                    String requestId = r.submitFailedRun(actionId);
                    JsonNode run = r.await(
                            "run " + requestId + " succeeded",
                            () -> observe("/v1/data-actions/failed-runs/" + requestId),
                            j -> "succeeded".equals(j.path("state").asText()));
                    r.fact("state", run.path("state").asText());
                    r.fact("attempts", run.path("attempts").asInt());
                    long executions = sim.stats().executions(requestId);
                    r.fact("executions", executions);
                    r.check(
                            executions == 2,
                            "the sim executed run " + requestId + " " + executions + " times, expected 2");
                });
    }

    /** 3. A failed run Genesys refuses for good (400): dead-lettered, then replayed once the sim recovered. */
    public FlowResult deadLetterReplayed() {
        return run(
                "dead-letter-replayed",
                "a failed run that dead-letters (sim: 400) and is replayed after the sim recovers",
                List.of(AuditTypes.RETRY_DEAD_LETTERED, AuditTypes.RETRY_REPLAYED, AuditTypes.RETRY_SUCCEEDED),
                r -> {
                    String actionId = "demo-dlq-" + Trace.hex(4);
                    String faultId = sim.fault(
                            Map.of("method", "POST", "path", executePath(actionId), "status", 400, "count", 1));
                    String requestId = r.submitFailedRun(actionId);
                    JsonNode dead = r.await(
                            "run " + requestId + " dead-lettered",
                            () -> observe("/v1/data-actions/failed-runs/" + requestId),
                            j -> "dead-lettered".equals(j.path("state").asText()));
                    r.fact("stateBeforeReplay", dead.path("state").asText());
                    r.fact("error", dead.path("error").asText(null));
                    // The DLQ lists it through the gateway, in the Genesys envelope.
                    JsonNode listed = r.expect(
                                    r.call(gateway, "GET", "/v1/data-actions/dlq?requestId=" + requestId, null), 200)
                            .json();
                    r.fact("dlqSelfUri", listed.path("selfUri").asText(null));
                    r.check(
                            listed.path("total").asInt() == 1
                                    && requestId.equals(listed.path("entities")
                                            .path(0)
                                            .path("requestId")
                                            .asText()),
                            "the DLQ listing of " + requestId + " through the gateway: " + listed);
                    // The sim recovers (the fault is spent anyway); then the run is replayed from the DLQ.
                    sim.removeFault(faultId);
                    Reply replay = r.expect(
                            r.call(gateway, "POST", "/v1/data-actions/dlq/" + requestId + "/replay", null),
                            200,
                            201,
                            202);
                    r.fact("replayAnswer", replay.json().isMissingNode() ? null : replay.json());
                    r.awaitAudit(AuditTypes.RETRY_SUCCEEDED);
                    long executions = sim.stats().requests("POST", executePath(actionId));
                    r.fact("executions", executions);
                    r.check(
                            executions == 2,
                            "the sim executed action " + actionId + " " + executions
                                    + " times, expected 2 (the refused attempt and the replay)");
                });
    }

    /** 4. A fulfillment: the external API is called, then the result is posted to the fulfillment URL (the sim). */
    public FlowResult fulfillment() {
        return run(
                "fulfillment",
                "a Data Action fulfillment: external API, then the result posted to the fulfillment URL",
                List.of(AuditTypes.FULFILLMENT_COMPLETED),
                r -> {
                    String fulfillmentId = "ff-demo-" + Trace.hex(6);
                    String token = "ftok-" + Trace.hex(12);
                    r.secret(token);
                    String url = endpoints.simUrl() + "/api/v2/dataactions/fulfillments/" + fulfillmentId;
                    Reply accepted = r.expect(
                            r.call(
                                    gateway,
                                    "POST",
                                    "/v1/fulfillment/execute",
                                    Map.of(
                                            "fulfillmentUrl",
                                            url,
                                            "fulfillmentToken",
                                            token,
                                            "data",
                                            Map.of("orderId", "order-" + Trace.hex(3), "amount", 42))),
                            202);
                    String jobId = accepted.json().path("jobId").asText(null);
                    r.fact("jobId", jobId);
                    r.check(
                            fulfillmentId.equals(
                                    accepted.json().path("fulfillmentId").asText()),
                            "the gateway named another fulfillmentId: " + accepted);
                    JsonNode received = r.await(
                            "the sim's receiver got " + fulfillmentId,
                            () -> sim.fulfillment(fulfillmentId).orElse(null),
                            j -> j != null && j.path("callbacks").asInt() >= 1);
                    JsonNode job = null;
                    if (jobId != null) {
                        job = r.await(
                                "job " + jobId + " complete",
                                () -> observe("/v1/fulfillment/jobs/" + jobId),
                                j -> "complete".equals(j.path("state").asText()));
                    }
                    // Counted once the job is complete (its post is done), not at the first callback: a second post
                    // that arrives later is counted too.
                    received = sim.fulfillment(fulfillmentId).orElse(received);
                    r.fact("callbacks", received.path("callbacks").asInt());
                    r.fact(
                            "duplicateCallbacks",
                            received.path("duplicateCallbacks").asInt());
                    JsonNode last = received.path("last");
                    r.fact("resultStatus", last.path("body").path("status").asText(null));
                    r.check(
                            "complete".equals(last.path("body").path("status").asText()),
                            "the posted result is not complete: " + last.path("body"));
                    r.check(token.equals(last.path("fulfillmentToken").asText()), "X-Fulfillment-Token did not arrive");
                    r.check(
                            fulfillmentId.equals(last.path("idempotencyKey").asText()),
                            "Idempotency-Key is not the fulfillmentId");
                    if (job != null) {
                        r.fact("jobState", job.path("state").asText());
                    }
                });
    }

    /**
     * 7. The synchronous Data Action endpoint as Genesys calls it (the sim's runner): the local stack's action
     * {@code echo} answers, then, the external API slowed to 20 s, answers within its 8 s budget from the cache
     * (STALE); the cache dropped, it answers {@code EXTERNAL_TIMEOUT} in time. The runner records no timeout.
     */
    public FlowResult dataActionStale() {
        return run(
                "data-action-stale",
                "a Data Action call answered within its budget: STALE from the cache while the "
                        + "external API takes 20 s, then EXTERNAL_TIMEOUT once the cache is dropped",
                List.of(AuditTypes.ACTION_COMPLETED, AuditTypes.ACTION_SERVED_STALE, AuditTypes.ACTION_FAILED),
                r -> {
                    long latencyBefore = sim.config().path("externalLatencyMs").asLong(0);
                    long timeoutsBefore = sim.stats().actionRuns().timeout();
                    Map<String, Object> body = Map.of("customerId", "c-" + Trace.hex(4));
                    try {
                        sim.config(Map.of("externalLatencyMs", 0));
                        Reply first = r.expect(r.call(gateway, "POST", "/v1/actions/echo", body), 200);
                        r.fact("first", first.header("X-Cxbridge-Cache").orElse("-"));
                        sim.config(Map.of("externalLatencyMs", 20_000));
                        // HIT while the 5 s TTL lasts; the first answer after it is served STALE within the budget
                        Reply[] later = {first};
                        Awaitility.await("the cache entry past its TTL")
                                .atMost(WAIT)
                                .pollInterval(Duration.ofMillis(500))
                                .until(() -> {
                                    later[0] = r.call(gateway, "POST", "/v1/actions/echo", body);
                                    return !"HIT"
                                            .equals(later[0].header("X-Cxbridge-Cache")
                                                    .orElse(""));
                                });
                        r.check(
                                "STALE"
                                        .equals(later[0].header("X-Cxbridge-Cache")
                                                .orElse("")),
                                "past the TTL with the API slow, expected STALE: " + later[0]);
                        r.fact(
                                "pastTtl",
                                later[0].header("X-Cxbridge-Cache").orElse("-") + " (Age "
                                        + later[0].header("Age").orElse("-") + " s)");
                        SimControl.ActionRunResult stale = runAction(r, body);
                        r.check("success".equals(stale.outcome()), "the runner's call was not answered 200: " + stale);
                        r.fact(
                                "runnerStale",
                                stale.outcome() + " " + stale.status() + " in " + stale.durationMs() + " ms");
                        r.expect(r.call(gateway, "DELETE", "/v1/actions/echo/cache", null), 200);
                        SimControl.ActionRunResult timedOut = runAction(r, body);
                        r.check(
                                timedOut.status() != null
                                        && timedOut.status() == 504
                                        && "EXTERNAL_TIMEOUT"
                                                .equals(timedOut.body()
                                                        .path("errorCode")
                                                        .asText()),
                                "without the cache expected 504 EXTERNAL_TIMEOUT: " + timedOut);
                        r.fact(
                                "runnerNoCache",
                                timedOut.outcome() + " " + timedOut.status() + " "
                                        + timedOut.body().path("errorCode").asText("-") + " in " + timedOut.durationMs()
                                        + " ms");
                        long timeouts = sim.stats().actionRuns().timeout() - timeoutsBefore;
                        r.fact("runnerTimeouts", timeouts);
                        r.check(timeouts == 0, "the Data Action runner abandoned " + timeouts + " call(s)");
                    } finally {
                        sim.config(Map.of("externalLatencyMs", latencyBefore));
                    }
                });
    }

    /** The sim calls the action through the gateway the way a Data Action with a 10 s timeout does. */
    private SimControl.ActionRunResult runAction(Run r, Object body) {
        r.calls++;
        return sim.runAction(
                endpoints.gatewayUrl() + "/v1/actions/echo",
                Map.of("X-API-Key", Gateway.DEMO_KEY, "traceparent", r.trace.traceparent()),
                body,
                10_000);
    }

    /** 5. Two retention policies of one objectType within 15 days: the second is merged over the first. */
    public FlowResult retentionOverlap() {
        return run(
                "retention-overlap",
                "two retention policies within 15 days: the second overlaps, is merged and deployed",
                List.of(
                        AuditTypes.RETENTION_SUBMITTED,
                        AuditTypes.RETENTION_DEPLOYED,
                        AuditTypes.RETENTION_OVERLAP_DETECTED,
                        AuditTypes.RETENTION_SUBMITTED,
                        AuditTypes.RETENTION_DEPLOYED),
                r -> {
                    String objectType = "chat";
                    // Existing policies (earlier runs on this sim) must not overlap the first one.
                    Reply existing = r.expect(
                            r.call(gateway, "GET", "/api/v2/datamanagement/retention/policies?pageSize=1000", null),
                            200);
                    List<Integer> taken = new ArrayList<>();
                    for (JsonNode p : existing.json().path("entities")) {
                        if (objectType.equalsIgnoreCase(p.path("objectType").asText())) {
                            taken.add(p.path("retentionPeriod").asInt());
                        }
                    }
                    int first = IntStream.iterate(30, d -> d + 1)
                            .filter(d ->
                                    taken.stream().allMatch(t -> Math.abs(t - d) > 15 && Math.abs(t - (d + 10)) > 15))
                            .findFirst()
                            .orElseThrow();
                    int second = first + 10;
                    r.fact("retentionPeriods", List.of(first, second));
                    JsonNode a = r.deployPolicy(objectType, first);
                    String firstPolicy = a.path("policyId").asText(null);
                    r.fact("firstPolicyId", firstPolicy);
                    JsonNode b = r.deployPolicy(objectType, second);
                    r.fact("secondPolicyId", b.path("policyId").asText(null));
                    List<String> replaced = new ArrayList<>();
                    b.path("replacedPolicyIds").forEach(x -> replaced.add(x.asText()));
                    r.fact("replacedPolicyIds", replaced);
                    r.fact(
                            "mergedRetentionPeriod",
                            b.path("mergedRetentionPeriod").isNull()
                                    ? null
                                    : b.path("mergedRetentionPeriod").asInt());
                    r.check(
                            firstPolicy != null && replaced.contains(firstPolicy),
                            "the second policy does not replace the first: " + b);
                    r.check(
                            b.path("mergedRetentionPeriod").asInt() == second,
                            "merged retention is " + b.path("mergedRetentionPeriod") + ", expected " + second);
                });
    }

    /** 6. A directory read (MISS), read again (HIT-L1), invalidated, read again (MISS). */
    public FlowResult directoryInvalidation() {
        return run(
                "directory-invalidation",
                "a directory read, read again, invalidated and read again",
                List.of(
                        AuditTypes.DIRECTORY_POPULATED,
                        AuditTypes.DIRECTORY_INVALIDATED,
                        AuditTypes.DIRECTORY_POPULATED + "|" + AuditTypes.DIRECTORY_REFRESHED),
                r -> {
                    String directoryId = "demo_dir_" + Trace.hex(4);
                    Gateway readonly = gateway.as(Gateway.READONLY_KEY);
                    String path = "/v1/directories/" + directoryId + "/entries";
                    List<String> cache = new ArrayList<>();
                    Reply first = r.expect(r.call(readonly, "GET", path, null), 200);
                    cache.add(first.header("X-Cache").orElse("-"));
                    r.fact("entries", first.json().path("entries").size());
                    Reply second = r.expect(r.call(readonly, "GET", path, null), 200);
                    cache.add(second.header("X-Cache").orElse("-"));
                    r.expect(
                            r.call(gateway, "DELETE", "/v1/directories/" + directoryId + "/cache", null),
                            202,
                            200,
                            204);
                    Reply third = r.expect(r.call(readonly, "GET", path, null), 200);
                    cache.add(third.header("X-Cache").orElse("-"));
                    r.fact("xCache", cache);
                    r.check(
                            cache.equals(List.of("MISS", "HIT-L1", "MISS")),
                            "X-Cache was " + cache + ", expected [MISS, HIT-L1, MISS]");
                });
    }

    /**
     * 7. The {@code agents} directory, read from the platform's users listing (all pages), then served from memory;
     * the sources listing names it.
     */
    public FlowResult directoryAgents() {
        return run(
                "directory-agents",
                "the agents directory read from the platform's users, then from memory",
                List.of(),
                r -> {
                    Gateway readonly = gateway.as(Gateway.READONLY_KEY);
                    String path = "/v1/directories/agents/entries";
                    Reply first = r.expect(r.call(readonly, "GET", path, null), 200);
                    JsonNode entries = first.json().path("entries");
                    r.fact("entries", entries.size());
                    r.fact("xCache", first.header("X-Cache").orElse("-"));
                    r.check(entries.size() > 0, "the agents directory is empty");
                    r.check(entries.size() == 0 || entries.get(0).hasNonNull("email"), "the first agent has no e-mail");
                    Reply second = r.expect(r.call(readonly, "GET", path, null), 200);
                    r.check(
                            second.header("X-Cache").orElse("-").equals("HIT-L1"),
                            "the second read was " + second.header("X-Cache").orElse("-") + ", expected HIT-L1");
                    Reply sources = r.expect(r.call(readonly, "GET", "/v1/directories", null), 200);
                    boolean listed = false;
                    for (JsonNode s : sources.json().path("entities")) {
                        listed |= "agents".equals(s.path("id").asText())
                                && "users".equals(s.path("kind").asText());
                    }
                    r.check(listed, "GET /v1/directories does not list agents as a users source");
                });
    }

    // ---------------------------------------------------------------------------------------------------------

    /** A status read outside the flow's trace; null when it did not answer 200. */
    private JsonNode observe(String path) {
        Reply reply = gateway.get(path, null);
        return reply.status() == 200 ? reply.json() : null;
    }

    private FlowResult run(String name, String title, List<String> sequence, Consumer<Run> body) {
        Run r = new Run();
        try {
            body.accept(r);
        } catch (RuntimeException | AssertionError e) {
            r.problem("stopped: " + e);
        }
        Predicate<List<AuditLine>> complete =
                events -> missing(sequence, events).isEmpty() && count(events, AuditTypes.GATEWAY_REQUEST) >= r.calls;
        List<AuditLine> events =
                audit.await(r.trace.traceId(), complete, r.problems.isEmpty() ? WAIT : Duration.ofSeconds(5));
        List<String> missing = missing(sequence, events);
        if (!missing.isEmpty()) {
            r.problem("the audit topic is missing, in order: " + missing + "; it had " + types(events));
        }
        long gatewayEvents = count(events, AuditTypes.GATEWAY_REQUEST);
        if (gatewayEvents != r.calls) {
            r.problem(gatewayEvents + " io.cxbridge.gateway.request events for " + r.calls + " requests");
        }
        for (AuditLine e : events) {
            if (!r.trace.traceId().equals(e.dataTraceId())) {
                r.problem(e.type() + " carries traceId " + e.dataTraceId() + " in its data, but ce_traceid "
                        + e.traceId());
            }
            for (String secret : r.secrets) {
                if (e.data().toString().contains(secret)) {
                    r.problem(e.type() + " carries a secret in its data");
                }
            }
        }
        if (events.stream().map(AuditLine::service).distinct().count() < (sequence.isEmpty() ? 1 : 2)) {
            r.problem("the trace did not cross services: "
                    + events.stream().map(AuditLine::service).distinct().toList());
        }
        return new FlowResult(name, title, r.trace.traceId(), events, r.problems, r.facts);
    }

    /** What of {@code sequence} (types, "a|b" for either) is not found, in order, among the non-gateway events. */
    static List<String> missing(List<String> sequence, List<AuditLine> events) {
        List<String> seen = events.stream()
                .map(AuditLine::type)
                .filter(t -> !AuditTypes.GATEWAY_REQUEST.equals(t))
                .toList();
        int at = 0;
        for (int i = 0; i < sequence.size(); i++) {
            List<String> accepted = Arrays.asList(sequence.get(i).split("\\|"));
            while (at < seen.size() && !accepted.contains(seen.get(at))) {
                at++;
            }
            if (at >= seen.size()) {
                return sequence.subList(i, sequence.size());
            }
            at++;
        }
        return List.of();
    }

    private static long count(List<AuditLine> events, String type) {
        return events.stream().filter(e -> type.equals(e.type())).count();
    }

    private static List<String> types(List<AuditLine> events) {
        return events.stream().map(AuditLine::type).toList();
    }

    /** One flow in progress: its trace, the requests it made, its facts and problems. */
    private final class Run {
        final Trace trace = Trace.random();
        final List<String> problems = new ArrayList<>();
        final Map<String, Object> facts = new LinkedHashMap<>();
        final List<String> secrets = new ArrayList<>();
        int calls;

        /** A request of the flow itself (with its traceparent: it is on the flow's audit trail). */
        Reply call(Gateway via, String method, String path, Object body) {
            calls++;
            return via.send(method, path, body, trace, Map.of());
        }

        Reply expect(Reply reply, int... statuses) {
            if (IntStream.of(statuses).noneMatch(s -> s == reply.status())) {
                problem("expected " + Arrays.toString(statuses) + ": " + reply);
            }
            return reply;
        }

        boolean check(boolean ok, String problem) {
            if (!ok) {
                problem(problem);
            }
            return ok;
        }

        void problem(String p) {
            problems.add(p);
        }

        void fact(String key, Object value) {
            facts.put(key, value);
        }

        void secret(String s) {
            secrets.add(s);
        }

        /** Polls {@code read} until {@code done}; on timeout a problem, and the last value read (never null). */
        JsonNode await(String what, Supplier<JsonNode> read, Predicate<JsonNode> done) {
            JsonNode[] last = {null};
            try {
                Awaitility.await(what)
                        .atMost(WAIT)
                        .pollInterval(Duration.ofMillis(250))
                        .until(() -> {
                            last[0] = read.get();
                            return last[0] != null && done.test(last[0]);
                        });
            } catch (ConditionTimeoutException e) {
                problem("timed out waiting for " + what + "; last seen: " + last[0]);
            }
            return last[0] == null ? io.cxbridge.model.Json.mapper().missingNode() : last[0];
        }

        void awaitAudit(String type) {
            List<AuditLine> events =
                    audit.await(trace.traceId(), es -> es.stream().anyMatch(e -> type.equals(e.type())), WAIT);
            check(
                    events.stream().anyMatch(e -> type.equals(e.type())),
                    "no " + type + " on the audit topic; saw " + types(events));
        }

        String submitFailedRun(String actionId) {
            String originalRunId = "run-" + Trace.hex(4);
            Reply accepted = expect(
                    call(
                            gateway,
                            "POST",
                            "/v1/data-actions/failed-runs",
                            Map.of(
                                    "actionId",
                                    actionId,
                                    "originalRunId",
                                    originalRunId,
                                    "lastStatus",
                                    503,
                                    "requestPayload",
                                    Map.of("customerId", "c-" + Trace.hex(3), "amount", 10))),
                    202);
            String requestId = accepted.json().path("requestId").asText(null);
            if (requestId == null) {
                throw new IllegalStateException("no requestId in " + accepted);
            }
            fact("requestId", requestId);
            fact("actionId", actionId);
            return requestId;
        }

        /** Submits a policy and waits until its request is deployed (or failed); answers the request's state. */
        JsonNode deployPolicy(String objectType, int days) {
            Map<String, Object> policy = new LinkedHashMap<>();
            policy.put("name", "demo-" + objectType + "-" + days + "d-" + Trace.hex(3));
            policy.put("description", "cxbridge demo: keep " + objectType + " " + days + " days");
            policy.put("objectType", objectType);
            policy.put("retentionPeriod", days);
            policy.put("enabled", true);
            policy.put("schedule", Map.of("frequency", "DAILY", "timezone", "UTC"));
            policy.put("dailyVolumeGB", 2.5);
            Reply accepted = expect(call(gateway, "POST", "/v1/retention/policies", policy), 202);
            String requestId = accepted.json().path("requestId").asText(null);
            if (requestId == null) {
                throw new IllegalStateException("no requestId in " + accepted);
            }
            JsonNode state = await(
                    "retention request " + requestId + " finished",
                    () -> observe("/v1/retention/requests/" + requestId),
                    j -> List.of("deployed", "failed").contains(j.path("state").asText()));
            check(
                    "deployed".equals(state.path("state").asText()),
                    "retention request " + requestId + " ended " + state);
            return state;
        }
    }
}
