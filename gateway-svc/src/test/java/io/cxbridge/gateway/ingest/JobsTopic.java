package io.cxbridge.gateway.ingest;

import io.cxbridge.model.Topics;
import io.cxbridge.testkit.KafkaBroker;
import io.cxbridge.testkit.TopicReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * What the fulfillment jobs topic holds once a marker job sent last is on it: a job refused before it is not there by
 * then, and never will be (one producer, one order).
 */
final class JobsTopic {

    /** Waits until a job whose value contains {@code marker} is on the topic, then the keys of every job there. */
    static List<String> keysOnceSeen(String marker) {
        String bootstrap = KafkaBroker.shared().bootstrapServers();
        TopicReader.await(
                bootstrap,
                Topics.FULFILLMENT_JOBS,
                1,
                r -> new String(r.value(), StandardCharsets.UTF_8).contains(marker),
                Duration.ofSeconds(10));
        return TopicReader.readAll(bootstrap, Topics.FULFILLMENT_JOBS, Duration.ofSeconds(10)).stream()
                .map(r -> r.key())
                .toList();
    }

    private JobsTopic() {}
}
