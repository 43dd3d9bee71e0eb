package io.cxbridge.retry.worker;

import io.cxbridge.genesys.retry.Backoff;
import io.cxbridge.retry.config.RetryConfig;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The one backoff of retry-svc ({@code cxbridge.retry.backoff.*}): the first wait and every later one. */
public class BackoffProducer {

    @Produces
    @Singleton
    Backoff backoff(RetryConfig config) {
        return new Backoff(
                config.backoff().base(),
                config.backoff().factor(),
                config.backoff().max(),
                config.backoff().jitter());
    }
}
