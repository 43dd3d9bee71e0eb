package io.cxbridge.gateway.topics;

import io.cxbridge.common.kafka.ServiceTopics;
import io.cxbridge.model.Topics;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The topics gateway-svc uses; created with the spec's retention when the service starts. */
public class GatewayTopics {

    @Produces
    @Singleton
    ServiceTopics topics() {
        return ServiceTopics.of(Topics.AUDIT_SPEC, Topics.FAILED_RUNS_SPEC, Topics.FULFILLMENT_JOBS_SPEC);
    }
}
