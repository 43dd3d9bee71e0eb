package io.cxbridge.retry.worker;

import io.cxbridge.common.audit.AuditEmitter;
import io.cxbridge.genesys.breaker.CircuitOpenException;
import io.cxbridge.genesys.http.GenesysClient;
import io.cxbridge.genesys.http.GenesysRequest;
import io.cxbridge.genesys.http.GenesysResponse;
import io.cxbridge.genesys.retry.Backoff;
import io.cxbridge.genesys.retry.RetryAfter;
import io.cxbridge.genesys.shaping.RateLimitedException;
import io.cxbridge.model.Headers;
import io.cxbridge.model.audit.AuditTypes;
import io.cxbridge.retry.config.RetryConfig;
import io.cxbridge.retry.state.RunRecord;
import io.cxbridge.retry.state.RunState;
import io.cxbridge.retry.state.RunStore;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Resubmits due runs. Every {@code poll-interval} the due set in Redis is read; each due run is claimed (its score
 * moved a lease ahead, so another instance or a crash cannot lose or double it), resubmitted once through
 * {@link GenesysClient}, and its outcome stored atomically with its place in the due set:
 * <ul>
 * <li>2xx: {@code retry.succeeded}, state {@code succeeded} (kept {@code done-ttl});</li>
 * <li>408, 429, 5xx, no answer: {@code retry.attempt-failed} and the next attempt scheduled by {@link Backoff} (a longer
 * Retry-After wins); after {@code max-attempts} the run is dead-lettered ({@code retry.exhausted});</li>
 * <li>any other 4xx: dead-lettered at once with the upstream reason ({@code retry.dead-lettered});</li>
 * <li>not sent by the client (its breaker open, the shared rate budget spent): deferred by the client's hint,
 * not counted as an attempt.</li>
 * </ul>
 * Audit events and dead-letter records are acknowledged before the state is written; a failure on the way leaves
 * the run claimed, and it is attempted again after the lease (the requestId header lets Genesys-side logs join).
 */
@ApplicationScoped
public class Resubmitter {

    private static final Logger LOG = Logger.getLogger(Resubmitter.class);

    private final RunStore store;
    private final GenesysClient client;
    private final DeadLetters deadLetters;
    private final AuditEmitter audit;
    private final RetryConfig config;
    private final Clock clock;
    private final Backoff backoff;

    public Resubmitter(RunStore store, GenesysClient client, DeadLetters deadLetters, AuditEmitter audit,
                       RetryConfig config, Clock clock) {
        this.store = store;
        this.client = client;
        this.deadLetters = deadLetters;
        this.audit = audit;
        this.config = config;
        this.clock = clock;
        this.backoff = new Backoff(config.backoff().base(), config.backoff().factor(), config.backoff().max(),
                config.backoff().jitter());
    }

    @Scheduled(every = "${cxbridge.retry.poll-interval:500ms}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        try {
            runDue().await().atMost(Duration.ofMinutes(2));
        } catch (Exception e) {
            LOG.warnf("resubmitting due runs: %s", e.toString());
        }
    }

    /** Attempts every run due now (one batch), in parallel; completes when all are stored. */
    public Uni<Void> runDue() {
        Instant now = clock.instant();
        return store.due(now).chain(ids -> {
            if (ids.isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            List<Uni<Void>> attempts = ids.stream().map(id -> claimAndAttempt(id, now)
                    .onFailure().invoke(e -> LOG.warnf("run %s: %s; it is due again after the lease", id,
                            e.toString()))
                    .onFailure().recoverWithNull()).toList();
            return Uni.join().all(attempts).andFailFast().replaceWithVoid();
        });
    }

    private Uni<Void> claimAndAttempt(String requestId, Instant now) {
        return store.claim(requestId, now).chain(claimed -> {
            if (!claimed) {
                return Uni.createFrom().voidItem();
            }
            return store.get(requestId).chain(found -> {
                if (found.isEmpty()) {
                    return store.forget(requestId);
                }
                RunRecord record = found.get();
                if (record.state().terminal()) {
                    return store.save(record).replaceWithVoid();
                }
                return attempt(record);
            });
        });
    }

    Uni<Void> attempt(RunRecord record) {
        int n = record.attempts() + 1;
        String path = config.executePath().replace("{actionId}",
                URLEncoder.encode(record.actionId(), StandardCharsets.UTF_8));
        GenesysRequest request = GenesysRequest.json(HttpMethod.POST, path, record.run().requestPayload().toString())
                .withHeader(Headers.REQUEST_ID, record.requestId())
                .withHeader(Headers.ATTEMPT, String.valueOf(n));
        return client.send(request)
                .map(Outcome::of)
                .onFailure().recoverWithItem(e -> Outcome.noAnswer(e))
                .chain(o -> o.notSent() != null ? defer(record, o.notSent()) : decide(record, n, o));
    }

    /**
     * The client did not send the call (its breaker is open, or the shared rate budget is spent): not an attempt.
     * The run waits for the longer of the client's hint and the current backoff step, with its attempts unchanged.
     */
    private Uni<Void> defer(RunRecord record, Duration hint) {
        Instant now = clock.instant();
        Duration delay = backoff.delay(record.attempts(), hint);
        LOG.debugf("run %s deferred %d ms: the call was not sent", record.requestId(), delay.toMillis());
        return store.save(record.retryAt(record.attempts(), record.lastStatus(), record.error(), now.plus(delay), now))
                .replaceWithVoid();
    }

    record Outcome(GenesysResponse response, String error, Duration notSent) {
        static Outcome of(GenesysResponse r) {
            return new Outcome(r, null, null);
        }

        static Outcome noAnswer(Throwable e) {
            Duration notSent = e instanceof CircuitOpenException open ? open.retryAfter()
                    : e instanceof RateLimitedException limited ? limited.retryAfter() : null;
            return new Outcome(null, e.getClass().getSimpleName() + ": " + e.getMessage(), notSent);
        }

        Integer status() {
            return response == null ? null : response.status();
        }

        boolean retryable() {
            return response == null || response.status() == 408 || response.status() == 429 || response.status() >= 500;
        }

        String reason() {
            if (response == null) {
                return "no answer from Genesys: " + error;
            }
            String body = response.bodyAsString();
            if (body != null && body.length() > 500) {
                body = body.substring(0, 500);
            }
            return "HTTP " + response.status() + (body == null || body.isBlank() ? "" : " " + body);
        }
    }

    private Uni<Void> decide(RunRecord record, int n, Outcome o) {
        Instant now = clock.instant();
        if (o.response() != null && o.response().ok()) {
            RunRecord done = record.finished(RunState.succeeded, n, o.status(), null, now);
            Map<String, Object> data = data(record, n, o);
            return audit.emit(AuditTypes.RETRY_SUCCEEDED, record.requestId(), record.run().traceId(), data)
                    .chain(() -> store.save(done)).replaceWithVoid();
        }
        if (!o.retryable()) {
            return deadLetter(record, n, o, DeadLetters.REJECTED, AuditTypes.RETRY_DEAD_LETTERED,
                    "Genesys refused the run: " + o.reason(), now);
        }
        if (n >= config.maxAttempts()) {
            return deadLetter(record, n, o, DeadLetters.EXHAUSTED, AuditTypes.RETRY_EXHAUSTED,
                    n + " attempts failed, the last: " + o.reason(), now);
        }
        Duration retryAfter = o.response() == null ? null
                : RetryAfter.parse(o.response().headers().get("Retry-After"), now).orElse(null);
        Duration delay = backoff.delay(n - 1, retryAfter);
        Instant next = now.plus(delay);
        RunRecord pending = record.retryAt(n, o.status(), o.reason(), next, now);
        Map<String, Object> data = data(record, n, o);
        data.put("nextAttemptAt", next.toString());
        data.put("reason", o.reason());
        return audit.emit(AuditTypes.RETRY_ATTEMPT_FAILED, record.requestId(), record.run().traceId(), data)
                .chain(() -> store.save(pending)).replaceWithVoid();
    }

    private Uni<Void> deadLetter(RunRecord record, int n, Outcome o, String errorClass, String auditType,
                                 String reason, Instant now) {
        LOG.infof("dead-lettering run %s (%s): %s", record.requestId(), errorClass, reason);
        RunRecord done = record.finished(RunState.dead_lettered, n, o.status(), reason, now);
        Map<String, Object> data = data(record, n, o);
        data.put("errorClass", errorClass);
        data.put("reason", reason);
        return deadLetters.send(record.actionId(), record.originalPayload(), errorClass, reason, n,
                        record.firstSeen())
                .chain(() -> audit.emit(auditType, record.requestId(), record.run().traceId(), data))
                .chain(() -> store.save(done)).replaceWithVoid();
    }

    private static Map<String, Object> data(RunRecord record, int n, Outcome o) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("requestId", record.requestId());
        data.put("actionId", record.actionId());
        data.put("originalRunId", record.run().originalRunId());
        data.put("attempts", n);
        data.put("status", o.status());
        return data;
    }
}
