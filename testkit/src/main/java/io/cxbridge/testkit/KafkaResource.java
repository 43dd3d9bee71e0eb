package io.cxbridge.testkit;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Points a Quarkus test at the JVM's real KRaft broker. Stop does nothing: the broker lives as long
 * as the test JVM, so every test class of a module shares it.
 */
public class KafkaResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return Map.of("kafka.bootstrap.servers", KafkaBroker.shared().bootstrapServers());
    }

    @Override
    public void stop() {
        // shared for the whole JVM, see KafkaBroker.shared()
    }
}
