package io.cxbridge.common.redis;

/**
 * Fired (CDI, synchronously) when this instance has finished rebuilding Redis and reopened it for work: what the
 * {@link RedisRebuild} hooks restored is there now. A service that sleeps between reads of that state (retry-svc's
 * due-set poll) observes it to look at once.
 *
 * @param epoch the new epoch marker
 */
public record RedisRebuilt(String epoch) {}
