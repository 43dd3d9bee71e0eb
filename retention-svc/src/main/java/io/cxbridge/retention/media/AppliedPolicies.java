package io.cxbridge.retention.media;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxbridge.common.kafka.TopicReplay;
import io.cxbridge.model.Json;
import io.cxbridge.model.Topics;
import io.cxbridge.model.event.RetentionStateRecord;
import io.cxbridge.retention.state.RequestJournal;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * The last applied media retention policy set, read from the journal {@code cxbridge.retention.state.v1} (entries
 * of kind {@code policy-set}), never from Redis: a Redis loss neither fakes nor hides drift.
 */
@ApplicationScoped
public class AppliedPolicies {

    static final Duration READ_TIMEOUT = Duration.ofMinutes(1);

    private final Map<String, Object> kafkaConfig;

    public AppliedPolicies(@Identifier("default-kafka-broker") Map<String, Object> kafkaConfig) {
        this.kafkaConfig = kafkaConfig;
    }

    /** Policy name → {@code {name, policyId, policy}}, as last applied (removed policies are absent). */
    public Uni<Map<String, JsonNode>> read() {
        return Uni.createFrom()
                .item(() -> {
                    Map<String, JsonNode> last = new TreeMap<>();
                    TopicReplay.read(kafkaConfig, Topics.RETENTION_STATE, READ_TIMEOUT, r -> {
                        if (r.key() == null
                                || !r.key().startsWith(RequestJournal.POLICY_SET_KEY)
                                || r.value() == null) {
                            return;
                        }
                        try {
                            RetentionStateRecord entry = Json.mapper().readValue(r.value(), RetentionStateRecord.class);
                            JsonNode applied = entry.policySet();
                            if (!RetentionStateRecord.POLICY_SET.equals(entry.kind()) || applied == null) {
                                return;
                            }
                            String name = r.key().substring(RequestJournal.POLICY_SET_KEY.length());
                            if (applied.path("deleted").asBoolean(false)) {
                                last.remove(name);
                            } else {
                                last.put(name, applied);
                            }
                        } catch (Exception e) {
                            // an unreadable entry is skipped, as the request-state rebuild does
                        }
                    });
                    return last;
                })
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }
}
