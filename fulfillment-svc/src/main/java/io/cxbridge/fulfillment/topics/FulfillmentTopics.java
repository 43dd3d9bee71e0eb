package io.cxbridge.fulfillment.topics;

import io.cxbridge.common.kafka.ServiceTopics;
import io.cxbridge.model.Topics;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The topics fulfillment-svc uses; created with the spec's retention when the service starts. */
public class FulfillmentTopics {

    @Produces
    @Singleton
    ServiceTopics topics() {
        return ServiceTopics.of(Topics.AUDIT_SPEC, Topics.FULFILLMENT_JOBS_SPEC, Topics.FULFILLMENT_JOBS_DLQ_SPEC);
    }
}
