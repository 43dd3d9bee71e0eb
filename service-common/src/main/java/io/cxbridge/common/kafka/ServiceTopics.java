package io.cxbridge.common.kafka;

import io.cxbridge.model.Topics.TopicSpec;
import java.util.List;

/** The topics a service produces to or consumes from; each service declares its own as a CDI bean. */
public record ServiceTopics(List<TopicSpec> topics) {

    public static ServiceTopics of(TopicSpec... topics) {
        return new ServiceTopics(List.of(topics));
    }
}
