package io.cxbridge.retry.breaker;

import io.cxbridge.retry.config.RetryConfig;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;

/** One set of breakers per process. */
public class BreakerProducer {

    @Produces
    @Singleton
    Breakers breakers(RetryConfig config, Clock clock) {
        return new Breakers(config.breaker(), clock);
    }
}
