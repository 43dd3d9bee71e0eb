package io.cxbridge.directory.topics;

import io.cxbridge.common.kafka.ServiceTopics;
import io.cxbridge.model.Topics;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The topics directory-svc uses; created with the spec's retention when the service starts. */
public class DirectoryTopics {

    @Produces
    @Singleton
    ServiceTopics topics() {
        return ServiceTopics.of(Topics.AUDIT_SPEC, Topics.DIRECTORY_INVALIDATIONS_SPEC, Topics.DIRECTORY_UPDATES_SPEC);
    }
}
