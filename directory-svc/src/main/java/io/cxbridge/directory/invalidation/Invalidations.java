package io.cxbridge.directory.invalidation;

import io.cxbridge.common.audit.AuditEmitter;
import io.cxbridge.directory.cache.DirectoryCache;
import io.cxbridge.directory.config.DirectoryConfig;
import io.cxbridge.genesys.redaction.Redactor;
import io.cxbridge.model.Channels;
import io.cxbridge.model.Json;
import io.cxbridge.model.audit.AuditTypes;
import io.cxbridge.model.event.DirectoryInvalidation;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Invalidations: {@link #issue} sends its audit event, applies it to this replica, then publishes it for every
 * replica; {@link #consume} applies every record of {@code cxbridge.directory.invalidations.v1}, the echo
 * of our own included (harmless: an entry loaded after {@code issuedAt} stays). Each replica consumes in its own
 * group (SmallRye's generated group id), from the latest offset: a replica that starts has nothing to drop.
 */
@ApplicationScoped
public class Invalidations {

    private static final Logger LOG = Logger.getLogger(Invalidations.class);

    private final DirectoryCache cache;
    private final Function<DirectoryInvalidation, Uni<Void>> beforeApply;
    /** Per directory, the invalidation this replica is issuing (see {@link #issue}). */
    private final ConcurrentHashMap<String, Flight> flights = new ConcurrentHashMap<>();

    private final MutinyEmitter<String> emitter;
    private final AuditEmitter audit;
    private final DirectoryConfig config;
    private final Validator validator;
    private final Clock clock;
    private final Redactor redactor;

    @Inject
    public Invalidations(
            DirectoryCache cache,
            @Channel(Channels.DIRECTORY_INVALIDATIONS_OUT) MutinyEmitter<String> emitter,
            AuditEmitter audit,
            DirectoryConfig config,
            Validator validator,
            Clock clock,
            Redactor redactor) {
        this(cache, inv -> Uni.createFrom().voidItem(), emitter, audit, config, validator, clock, redactor);
    }

    /** {@code beforeApply} runs between the audit event and the change of the levels: a test holds the change there. */
    Invalidations(
            DirectoryCache cache,
            Function<DirectoryInvalidation, Uni<Void>> beforeApply,
            MutinyEmitter<String> emitter,
            AuditEmitter audit,
            DirectoryConfig config,
            Validator validator,
            Clock clock,
            Redactor redactor) {
        this.redactor = redactor;
        this.cache = cache;
        this.beforeApply = beforeApply;
        this.emitter = emitter;
        this.audit = audit;
        this.config = config;
        this.validator = validator;
        this.clock = clock;
    }

    /**
     * Sends the audit event, applies the invalidation locally (both levels), then publishes it for every replica;
     * completes once the broker has the record and the audit event. The audit event goes first, as the brief wants
     * of every audit event but the gateway's: it is on the audit topic before any replica drops anything (the others
     * apply the record, published after it). When the broker does not take the event within {@code ack-timeout}
     * (Kafka away), that is logged (the emitter counts the failure) and the invalidation goes on: dropping the copy
     * matters more than its audit line; the answer then fails with {@link AuditNotTakenException}. The reason is a
     * caller's free text and goes to every replica and the audit stream: it is redacted as a log line is first. When
     * Redis did not run the delete, the record is still published (every replica drops its L1 copy and takes no
     * Redis copy loaded before it), but the answer fails with {@link SharedCopyNotDroppedException}: the Redis copy
     * may still be there (e.g. for a replica that starts, or once Redis is back with its data).
     *
     * <p>Concurrent calls for one directory are coalesced: a call that comes while an invalidation of the directory is
     * still sending its audit event (not applied here yet) joins it and gets its answer (its reason and trace id) once
     * it is published; a load starting meanwhile counts as loaded at its {@code issuedAt} ({@link
     * DirectoryCache#issuing}), so the joined invalidation drops everything the caller's own would have. A call after
     * the drop starts the next one. Once started, an invalidation runs to its end even if every caller went away.
     */
    public Uni<DirectoryInvalidation> issue(String directoryId, String reason, String traceId) {
        // each caller its own copy: a caller going away cancels its copy, not the answer the others wait for
        return Uni.createFrom()
                .deferred(() -> Uni.createFrom()
                        .completionStage(join(directoryId, reason, traceId).copy()));
    }

    /** The answer of the invalidation of {@code directoryId} this call joins, or of the one it starts. */
    private CompletableFuture<DirectoryInvalidation> join(String directoryId, String reason, String traceId) {
        while (true) {
            Flight running = flights.get(directoryId);
            if (running != null && !running.applied) {
                return running.answer;
            }
            Flight flight = new Flight();
            boolean mine = running == null
                    ? flights.putIfAbsent(directoryId, flight) == null
                    : flights.replace(directoryId, running, flight);
            if (mine) {
                DirectoryInvalidation inv = new DirectoryInvalidation(
                        directoryId,
                        redactor.text(reason),
                        clock.instant(),
                        "directory-svc/" + config.instanceId(),
                        traceId);
                run(inv, flight).subscribe().with(flight.answer::complete, flight.answer::completeExceptionally);
                flight.answer.whenComplete((x, e) -> flights.remove(directoryId, flight));
                return flight.answer;
            }
        }
    }

    /** How many directories have an invalidation of this replica in flight (bounded by the callers waiting). */
    int inFlight() {
        return flights.size();
    }

    /** One invalidation of a directory on its way; callers join it until it is applied here. */
    private static final class Flight {
        final CompletableFuture<DirectoryInvalidation> answer = new CompletableFuture<>();
        volatile boolean applied;
    }

    private Uni<DirectoryInvalidation> run(DirectoryInvalidation inv, Flight flight) {
        Duration ackTimeout = config.ackTimeout();
        AtomicBoolean ended = new AtomicBoolean();
        Runnable issued = () -> {
            if (ended.compareAndSet(false, true)) {
                cache.issued(inv);
            }
        };
        return Uni.createFrom()
                .deferred(() -> {
                    long started = System.nanoTime();
                    cache.issuing(inv);
                    return audited(inv, ackTimeout)
                            .call(() -> beforeApply.apply(inv))
                            .chain(audited -> {
                                flight.applied = true; // from here a caller starts the next invalidation
                                return cache.invalidate(inv)
                                        .onItemOrFailure()
                                        .invoke(issued::run)
                                        .chain(sharedDropped -> {
                                            Duration left = ackTimeout.minusNanos(System.nanoTime() - started);
                                            Duration wait =
                                                    left.compareTo(MIN_PUBLISH_WAIT) < 0 ? MIN_PUBLISH_WAIT : left;
                                            return publish(inv)
                                                    .ifNoItem()
                                                    .after(wait)
                                                    .fail()
                                                    .map(x -> {
                                                        if (!sharedDropped) {
                                                            throw new SharedCopyNotDroppedException(inv.directoryId());
                                                        }
                                                        if (!audited) {
                                                            throw new AuditNotTakenException(inv.directoryId());
                                                        }
                                                        return inv;
                                                    });
                                        });
                            });
                })
                .onTermination()
                .invoke(issued);
    }

    /** The least the publish is waited for when the audit event took the whole {@code ack-timeout}. */
    private static final Duration MIN_PUBLISH_WAIT = Duration.ofMillis(100);

    /** The invalidation's audit event: true once the broker has it; false (logged) when it did not take it in time. */
    private Uni<Boolean> audited(DirectoryInvalidation inv, Duration wait) {
        return audit.emit(AuditTypes.DIRECTORY_INVALIDATED, inv.directoryId(), inv.traceId(), inv)
                .ifNoItem()
                .after(wait)
                .fail()
                .replaceWith(Boolean.TRUE)
                .onFailure()
                .recoverWithItem(e -> {
                    LOG.warnf(
                            "invalidation of directory %s: the broker did not take its audit event (%s); applied and"
                                    + " published all the same",
                            inv.directoryId(),
                            e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
                    return Boolean.FALSE;
                });
    }

    /** The broker did not take an invalidation's audit event, which was applied and published all the same (503). */
    public static final class AuditNotTakenException extends RuntimeException {
        AuditNotTakenException(String directoryId) {
            super("the invalidation of directory " + directoryId + " was applied and published to every replica, but"
                    + " the broker did not take its audit event; repeat the request");
        }
    }

    /** Redis did not run the delete of an invalidation: the shared copy may still be there (503, repeat). */
    public static final class SharedCopyNotDroppedException extends RuntimeException {
        SharedCopyNotDroppedException(String directoryId) {
            super("the invalidation of directory " + directoryId + " was applied to this replica and published to the"
                    + " others, but Redis did not answer, so the shared copy was not deleted; repeat the request");
        }
    }

    private Uni<Void> publish(DirectoryInvalidation inv) {
        String json;
        try {
            json = Json.mapper().writeValueAsString(inv);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return Uni.createFrom().failure(e);
        }
        Message<String> record = Message.of(json)
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                        .withKey(inv.directoryId())
                        .build());
        return Uni.createFrom().deferred(() -> emitter.sendMessage(record));
    }

    /**
     * Applies a record; an unreadable or invalid one is logged and skipped (it cannot become valid later). An
     * {@code issuedAt} from the future (the issuer's clock runs ahead) is taken as now by {@link DirectoryCache#invalidate}.
     */
    @Incoming(Channels.DIRECTORY_INVALIDATIONS_IN)
    public Uni<Void> consume(String value) {
        DirectoryInvalidation inv;
        try {
            inv = Json.mapper().readValue(value, DirectoryInvalidation.class);
        } catch (Exception e) {
            LOG.warnf(
                    "skipped an invalidation record that is not a DirectoryInvalidation: %s",
                    e.getClass().getSimpleName());
            return Uni.createFrom().voidItem();
        }
        Set<ConstraintViolation<DirectoryInvalidation>> violations = inv == null ? Set.of() : validator.validate(inv);
        if (inv == null || !violations.isEmpty()) {
            LOG.warnf(
                    "skipped an invalid invalidation record: %s",
                    violations.stream()
                            .map(v -> v.getPropertyPath() + " " + v.getMessage())
                            .collect(Collectors.joining(", ")));
            return Uni.createFrom().voidItem();
        }
        return cache.invalidate(inv).replaceWithVoid();
    }
}
