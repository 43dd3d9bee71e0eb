package io.cxbridge.retention.topics;

import io.cxbridge.common.kafka.ServiceTopics;
import io.cxbridge.model.Topics;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The topics retention-svc uses; created with the spec's retention when the service starts. */
public class RetentionTopics {

    @Produces
    @Singleton
    ServiceTopics topics() {
        return ServiceTopics.of(
                Topics.AUDIT_SPEC,
                Topics.RETENTION_REQUESTS_SPEC,
                Topics.RETENTION_REQUESTS_DLQ_SPEC,
                Topics.RETENTION_STATE_SPEC);
    }
}
