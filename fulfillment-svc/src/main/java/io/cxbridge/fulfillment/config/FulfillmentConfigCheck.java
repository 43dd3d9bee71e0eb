package io.cxbridge.fulfillment.config;

import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Refuses at start-up settings no job could run with, naming the key: a per-attempt timeout of zero or less (every
 * attempt would time out at once, or Vert.x refuses the timer), fewer than one attempt, and an answer bound under one
 * byte (every answer would be refused), and a channel max age a job could outlast without waiting
 * ({@link HoldLimit#problem}). Runs before the job consumer starts.
 */
@ApplicationScoped
public class FulfillmentConfigCheck {

    void check(@Observes @Priority(1) StartupEvent ignored, FulfillmentConfig config, HoldLimit holdLimit) {
        List<String> problems = problems(config);
        holdLimit.problem().ifPresent(problems::add);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("invalid fulfillment configuration: " + String.join("; ", problems));
        }
    }

    /** What is wrong with {@code config}, one entry per key (empty when nothing). */
    public static List<String> problems(FulfillmentConfig config) {
        List<String> problems = new ArrayList<>();
        positive(
                problems,
                "cxbridge.fulfillment.external.timeout",
                config.external().timeout());
        positive(
                problems,
                "cxbridge.fulfillment.callback.timeout",
                config.callback().timeout());
        if (config.external().attempts() < 1) {
            problems.add("cxbridge.fulfillment.external.attempts must be at least 1, was "
                    + config.external().attempts());
        }
        if (config.external().maxAnswerBytes() < 1) {
            problems.add("cxbridge.fulfillment.external.max-answer-bytes must be at least 1, was "
                    + config.external().maxAnswerBytes());
        }
        if (config.callback().attempts() < 1) {
            problems.add("cxbridge.fulfillment.callback.attempts must be at least 1, was "
                    + config.callback().attempts());
        }
        long budget = config.dlq().payloadBudget().asLongValue();
        if (budget != 0 && budget < config.maxRecordBytes()) {
            problems.add("cxbridge.fulfillment.dlq.payload-budget must be 0 (keep no record value) or at least"
                    + " cxbridge.fulfillment.max-record-bytes (" + config.maxRecordBytes() + "), was " + budget);
        }
        if (config.inFlightBytes().asLongValue() < 1) {
            problems.add("cxbridge.fulfillment.in-flight-bytes must be at least 1, was "
                    + config.inFlightBytes().asLongValue());
        }
        return problems;
    }

    private static void positive(List<String> problems, String key, Duration value) {
        // under a millisecond is zero to the HTTP client's timeout
        if (value == null || value.compareTo(Duration.ofMillis(1)) < 0) {
            problems.add(key + " must be at least 1ms, was " + value);
        }
    }
}
