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
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.time.Clock;
import java.util.Set;
import java.util.stream.Collectors;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Invalidations: {@link #issue} applies one to this replica at once, then publishes it (with an audit event) for
 * every replica; {@link #consume} applies every record of {@code cxbridge.directory.invalidations.v1}, the echo
 * of our own included (harmless: an entry loaded after {@code issuedAt} stays). Each replica consumes in its own
 * group (SmallRye's generated group id), from the latest offset: a replica that starts has nothing to drop.
 */
@ApplicationScoped
public class Invalidations {

    private static final Logger LOG = Logger.getLogger(Invalidations.class);

    private final DirectoryCache cache;
    private final MutinyEmitter<String> emitter;
    private final AuditEmitter audit;
    private final DirectoryConfig config;
    private final Validator validator;
    private final Clock clock;
    private final Redactor redactor;

    public Invalidations(
            DirectoryCache cache,
            @Channel(Channels.DIRECTORY_INVALIDATIONS_OUT) MutinyEmitter<String> emitter,
            AuditEmitter audit,
            DirectoryConfig config,
            Validator validator,
            Clock clock,
            Redactor redactor) {
        this.redactor = redactor;
        this.cache = cache;
        this.emitter = emitter;
        this.audit = audit;
        this.config = config;
        this.validator = validator;
        this.clock = clock;
    }

    /**
     * Applies locally (both levels), then completes once the broker has the record and the audit event. The reason
     * is a caller's free text and goes to every replica and the audit stream: it is redacted as a log line is first.
     * When Redis did not run the delete, the record is still published (every replica drops its L1 copy and takes
     * no Redis copy loaded before it), but the answer fails with {@link SharedCopyNotDroppedException}: the Redis
     * copy may still be there (e.g. for a replica that starts, or once Redis is back with its data).
     */
    public Uni<DirectoryInvalidation> issue(String directoryId, String reason, String traceId) {
        DirectoryInvalidation inv = new DirectoryInvalidation(
                directoryId, redactor.text(reason), clock.instant(), "directory-svc/" + config.instanceId(), traceId);
        return cache.invalidate(inv)
                .chain(sharedDropped -> Uni.combine()
                        .all()
                        .unis(publish(inv), audit.emit(AuditTypes.DIRECTORY_INVALIDATED, directoryId, traceId, inv))
                        .discardItems()
                        .replaceWith(sharedDropped))
                .ifNoItem()
                .after(config.ackTimeout())
                .fail()
                .map(sharedDropped -> {
                    if (!sharedDropped) {
                        throw new SharedCopyNotDroppedException(directoryId);
                    }
                    return inv;
                });
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
