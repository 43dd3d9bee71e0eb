package io.cxbridge.retry.topics;

import io.cxbridge.common.kafka.ServiceTopics;
import io.cxbridge.model.Topics;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The topics retry-svc uses; created with the spec's retention when the service starts. */
public class RetryTopics {

    @Produces
    @Singleton
    ServiceTopics topics() {
        return ServiceTopics.of(
                Topics.AUDIT_SPEC, Topics.FAILED_RUNS_SPEC, Topics.FAILED_RUNS_DLQ_SPEC, Topics.RETRY_STATE_SPEC);
    }
}
