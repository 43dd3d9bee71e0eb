package io.cxbridge.retention.state;

import io.cxbridge.common.kafka.TopicReplay;
import io.cxbridge.common.problem.ProblemResponses;
import io.cxbridge.common.redis.RedisRebuild;
import io.cxbridge.model.Json;
import io.cxbridge.model.Topics;
import io.cxbridge.model.event.RetentionStateRecord;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jboss.logging.Logger;

/**
 * Rebuilds request states (and the report counters they add up to) from the journal,
 * {@code cxbridge.retention.state.v1}, after Redis lost its data (service-common's {@code RedisEpoch} calls it with
 * consumption held). The last entry of each requestId wins, an empty value forgets it, kinds other than
 * {@code request} are skipped (the policy sets of media retention are its own to rebuild). States written since the
 * loss are kept. An unfinished request resumes when its record is redelivered, or stays as journaled if its record
 * was already committed (it was then terminal: nothing is committed before its outcome is durable).
 */
@ApplicationScoped
public class RequestStateRebuild implements RedisRebuild {

    private static final Logger LOG = Logger.getLogger(RequestStateRebuild.class);
    static final Duration READ_TIMEOUT = Duration.ofMinutes(2);
    private static final int CONCURRENCY = 16;

    private final Map<String, Object> kafkaConfig;
    private final RequestStore store;
    private final Clock clock;

    public RequestStateRebuild(
            @Identifier("default-kafka-broker") Map<String, Object> kafkaConfig, RequestStore store, Clock clock) {
        this.kafkaConfig = kafkaConfig;
        this.store = store;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "retention request states";
    }

    private record Journaled(RequestRecord record, Instant at) {}

    @Override
    public Uni<Void> rebuild() {
        // Two passes (TopicReplay): memory holds requestIds, never states.
        return TopicReplay.restoreLastPerKey(
                        kafkaConfig,
                        Topics.RETENTION_STATE,
                        READ_TIMEOUT,
                        r -> r.key() == null || (r.value() != null && journaled(r, true) == null) ? null : r.key(),
                        (last, r) -> {
                            Journaled j = r.value() == null ? null : journaled(r, false);
                            // an empty value forgets the request
                            return j == null
                                    ? Uni.createFrom().item(false)
                                    : store.restore(j.record(), j.at(), clock.millis());
                        },
                        CONCURRENCY)
                .invoke(done -> LOG.infof(
                        "retention request states: %d journal entries read, %d requests, %d restored",
                        done.read(), done.keys(), done.restored()))
                .replaceWithVoid();
    }

    /**
     * A request's journaled state, or null for an entry of another kind or one that does not read (with a warning
     * when {@code warn}).
     */
    private static Journaled journaled(ConsumerRecord<String, String> r, boolean warn) {
        try {
            RetentionStateRecord entry = Json.mapper().readValue(r.value(), RetentionStateRecord.class);
            if (!RetentionStateRecord.REQUEST.equals(entry.kind()) || entry.request() == null) {
                return null;
            }
            return new Journaled(
                    Json.mapper().treeToValue(entry.request(), RequestRecord.class),
                    entry.journaledAt() != null ? entry.journaledAt() : Instant.ofEpochMilli(r.timestamp()));
        } catch (Exception e) {
            if (warn) {
                // the schema's words, not Jackson's message: that quotes the request's values
                LOG.warnf(
                        "skipping an unreadable journal entry at %s-%d@%d: %s",
                        r.topic(), r.partition(), r.offset(), ProblemResponses.unreadableDetail(e, "the entry"));
            }
            return null;
        }
    }
}
