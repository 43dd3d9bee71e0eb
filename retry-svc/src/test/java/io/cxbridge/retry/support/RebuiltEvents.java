package io.cxbridge.retry.support;

import io.cxbridge.common.redis.RedisRebuilt;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records each {@link RedisRebuilt} the application fires, for the tests that make Redis lose its data. */
@ApplicationScoped
public class RebuiltEvents {

    private final List<RedisRebuilt> seen = new CopyOnWriteArrayList<>();

    void on(@Observes RedisRebuilt event) {
        seen.add(event);
    }

    public List<RedisRebuilt> seen() {
        return List.copyOf(seen);
    }
}
