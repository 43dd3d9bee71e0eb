package io.cxbridge.retry.worker;

import io.cxbridge.common.audit.AuditEmitter;
import io.cxbridge.common.trace.TraceIds;
import io.cxbridge.model.Channels;
import io.cxbridge.model.Headers;
import io.cxbridge.model.Json;
import io.cxbridge.model.audit.AuditTypes;
import io.cxbridge.model.event.FailedRun;
import io.cxbridge.model.problem.Violation;
import io.cxbridge.model.validation.Violations;
import io.cxbridge.retry.config.RetryConfig;
import io.cxbridge.retry.dlq.DlqEntry;
import io.cxbridge.model.retry.RunRecord;
import io.cxbridge.retry.state.RunStore;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.validation.Validator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Consumes {@code cxbridge.dataactions.failed-runs.v1}. An invalid record (not JSON, missing fields, bad actionId)
 * is dead-lettered at once; a valid run is stored in Redis as pending and due now, and the {@link Resubmitter}
 * does every attempt. The record is committed when the returned Uni completes: after the run is in Redis, or after
 * the dead-letter record and its audit event are acknowledged. A requestId already known (pending, or finished in
 * the last {@code done-ttl}) is skipped, so a redelivered record is never resubmitted.
 */
@ApplicationScoped
public class FailedRunConsumer {

    private static final Logger LOG = Logger.getLogger(FailedRunConsumer.class);

    static final Duration RETRY_BASE = Duration.ofMillis(500);
    static final Duration RETRY_MAX = Duration.ofSeconds(30);
    static final int RETRY_ATTEMPTS = 8;

    private final RunStore store;
    private final DeadLetters deadLetters;
    private final AuditEmitter audit;
    private final Validator validator;
    private final Clock clock;
    private final RetryConfig config;

    public FailedRunConsumer(RunStore store, DeadLetters deadLetters, AuditEmitter audit, Validator validator,
                             Clock clock, RetryConfig config) {
        this.config = config;
        this.store = store;
        this.deadLetters = deadLetters;
        this.audit = audit;
        this.validator = validator;
        this.clock = clock;
    }

    @Incoming(Channels.FAILED_RUNS_IN)
    public Uni<Void> consume(ConsumerRecord<String, String> record) {
        // Redis or the broker away: retried with backoff rather than committing work that is not durable; if it
        // still fails the Uni fails, nothing is committed and the channel stops (failure-strategy=fail).
        Header replayed = record.headers() == null ? null : record.headers().lastHeader(Headers.REPLAYED_AT);
        Instant replayedAt = replayed == null ? null
                : Instant.parse(new String(replayed.value(), java.nio.charset.StandardCharsets.UTF_8));
        return Uni.createFrom().deferred(() -> handle(record.key(), record.value(), replayedAt))
                .onFailure().invoke(e -> LOG.warnf("failed-run record at offset %d: %s; retrying", record.offset(),
                        e.getMessage()))
                .onFailure().retry().withBackOff(RETRY_BASE, RETRY_MAX).atMost(RETRY_ATTEMPTS);
    }

    Uni<Void> handle(String key, String value) {
        return handle(key, value, null);
    }

    Uni<Void> handle(String key, String value, Instant replayedAt) {
        Instant now = clock.instant();
        FailedRun parsed;
        try {
            parsed = value == null ? null : Json.mapper().readValue(value, FailedRun.class);
        } catch (Exception e) {
            return invalid(key, value, null, "not a FailedRun JSON object: " + firstLine(e.getMessage()), now);
        }
        if (parsed == null) {
            return invalid(key, value, null, "empty record", now);
        }
        FailedRun run = parsed.withDefaults(clock, TraceIds::current);
        List<Violation> violations = Violations.of(validator, run);
        if (!violations.isEmpty()) {
            String reason = violations.stream().map(v -> v.field() + " " + v.message())
                    .collect(Collectors.joining("; "));
            return invalid(key != null ? key : run.actionId(), value, run, reason, now);
        }
        RunRecord pending = RunRecord.pending(run, value, now, now.plus(config.initialDelay()), replayedAt);
        return store.admit(pending).invoke(admitted -> {
            if (!admitted) {
                LOG.debugf("failed run %s is already known; skipping the redelivered record", run.requestId());
            }
        }).replaceWithVoid();
    }

    private Uni<Void> invalid(String key, String value, FailedRun run, String reason, Instant now) {
        LOG.infof("dead-lettering an invalid failed-run record: %s", reason);
        Map<String, Object> data = new LinkedHashMap<>();
        String subject = run != null && run.requestId() != null ? run.requestId() : key != null ? key : "unknown";
        data.put("requestId", run == null ? null : run.requestId());
        data.put("actionId", run == null ? key : run.actionId());
        data.put("errorClass", DeadLetters.INVALID);
        data.put("reason", reason);
        data.put("attempts", 0);
        String requestId = run == null ? null : run.requestId();
        DlqEntry entry = new DlqEntry(requestId != null ? requestId : "invalid-" + UUID.randomUUID(), requestId,
                run == null ? key : run.actionId(), run == null ? null : run.originalRunId(), DeadLetters.INVALID,
                reason, 0, now, now, run == null ? null : run.traceId(), null, value == null ? "" : value, null);
        return deadLetters.send(key, entry)
                .chain(() -> audit.emit(AuditTypes.RETRY_DEAD_LETTERED, subject,
                        run == null ? TraceIds.current() : run.traceId(), data));
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
