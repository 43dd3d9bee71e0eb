package io.cxbridge.genesys.breaker;

import java.time.Duration;

/** The breaker is open: the call was not sent. {@link #retryAfter()} is when a probe will be let through. */
public class CircuitOpenException extends RuntimeException {

    private final Duration retryAfter;

    public CircuitOpenException(String name, Duration retryAfter) {
        super("circuit '" + name + "' is open after repeated upstream failures; next probe in " + retryAfter.toMillis()
                + " ms");
        this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
