package io.cxbridge.gateway.idempotency;

import io.cxbridge.gateway.config.GatewayConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.List;

/**
 * Refuses at start-up an idempotency budget no client could use, naming the key: a limit under 1 would refuse every
 * new Idempotency-Key with 429, which is better said once at start-up than to every client. A retention over
 * {@link UsageWindow#MAX_RETENTION} is refused too: the budget reads one hourly bucket per hour of it in one call.
 */
@ApplicationScoped
public class IdempotencyConfigCheck {

    static final String PREFIX = "cxbridge.gateway.idempotency.";

    void check(@Observes @Priority(1) StartupEvent ignored, GatewayConfig config) {
        List<String> problems = problems(config.idempotency());
        if (!problems.isEmpty()) {
            throw new IllegalStateException("invalid gateway configuration: " + String.join("; ", problems));
        }
    }

    /** What is wrong with {@code config}, one entry per key (empty when nothing). */
    static List<String> problems(GatewayConfig.Idempotency config) {
        List<String> problems = new ArrayList<>();
        if (config.maxRecordsPerClient() < 1) {
            problems.add(PREFIX + "max-records-per-client must be at least 1, was " + config.maxRecordsPerClient());
        }
        if (config.maxBytesPerClient().asLongValue() < 1) {
            problems.add(PREFIX + "max-bytes-per-client must be at least 1 byte, was "
                    + config.maxBytesPerClient().asLongValue());
        }
        if (config.retention().compareTo(UsageWindow.MAX_RETENTION) > 0) {
            problems.add(
                    PREFIX + "retention must be at most 7d (168h), was " + IdempotencyBudget.human(config.retention()));
        }
        return problems;
    }
}
