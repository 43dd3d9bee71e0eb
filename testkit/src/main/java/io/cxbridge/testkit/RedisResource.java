package io.cxbridge.testkit;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** Points a Quarkus test at the JVM's real redis-server; shared by every test class of a module. */
public class RedisResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return Map.of("quarkus.redis.hosts", RedisServer.shared().url());
    }

    @Override
    public void stop() {
        // shared for the whole JVM, see RedisServer.shared()
    }
}
