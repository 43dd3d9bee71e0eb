package io.cxbridge.genesys.shaping;

import io.cxbridge.genesys.config.GenesysConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.RedisAPI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * One token bucket per OAuth client in Redis, shared by every process of every service, so cxbridge
 * as a whole stays under the platform's per-client limit: capacity = capacity-fraction x the limit,
 * refilled evenly over the minute. The limit is lowered when the platform's {@code inin-ratelimit-allowed}
 * reports less, never below 10 % of the configured limit and only for a while (see {@link #observeAllowed(String,
 * String)}). A call that finds the bucket empty waits (up to max-wait and never past its deadline)
 * or fails with {@link RateLimitedException}. The bucket is a {@link TokenBucket} (in-process while Redis
 * is away).
 */
public final class RateShaper {

    private static final Logger LOG = Logger.getLogger(RateShaper.class);

    private final GenesysConfig.RateLimit settings;
    private final TokenBucket bucket;
    private final Clock clock;
    private final String key;
    private final Counter waited;
    private final Counter refused;
    /** The limit the platform reported, while it holds; null when the configured limit applies. */
    private final AtomicReference<Lowered> lowered = new AtomicReference<>();
    /** When the last "under the floor" line was logged (one per hold at most). */
    private volatile Instant floorWarnedAt;

    /** A platform-reported limit below the configured one, and until when it holds. */
    private record Lowered(int limit, Instant until) {}

    /** A platform-reported limit never lowers this process below this share of the configured one. */
    static final double FLOOR_FRACTION = 0.1;
    /** How long a lowered limit holds without a sane {@code inin-ratelimit-reset}. */
    static final Duration DEFAULT_HOLD = Duration.ofMinutes(5);

    public RateShaper(GenesysConfig config, RedisAPI redis, Clock clock, MeterRegistry registry) {
        this.settings = config.rateLimit();
        this.bucket = new TokenBucket(redis, clock);
        this.clock = clock;
        this.key = config.token().keyPrefix() + ":bucket:" + config.clientId();
        this.waited = Counter.builder("cxbridge.genesys.shaping.waits")
                .description("calls that waited for the shared upstream budget")
                .register(registry);
        this.refused = Counter.builder("cxbridge.genesys.shaping.refused")
                .description("calls refused as rate limited before reaching Genesys")
                .register(registry);
        Gauge.builder("cxbridge.genesys.shaping.limit", this, RateShaper::limitPerMinute)
                .description("the per-minute upstream limit cxbridge shapes to")
                .register(registry);
    }

    /** Completes when the call may go upstream; fails with {@link RateLimitedException} otherwise. */
    public Uni<Void> acquire(Instant deadline) {
        if (!settings.enabled()) {
            return Uni.createFrom().voidItem();
        }
        Instant maxWaitEnd = clock.instant().plus(settings.maxWait());
        return acquireUntil(maxWaitEnd.isBefore(deadline) ? maxWaitEnd : deadline);
    }

    /**
     * For calls that may wait longer than {@code max-wait} (work off the request path, e.g. a fulfillment result):
     * completes when the call may go upstream, waiting for room until {@code until}; fails with
     * {@link RateLimitedException} when there is none by then.
     */
    public Uni<Void> acquireWaitingUntil(Instant until) {
        if (!settings.enabled()) {
            return Uni.createFrom().voidItem();
        }
        return acquireUntil(until);
    }

    private Uni<Void> acquireUntil(Instant limit) {
        return take().onItem().transformToUni(waitMs -> {
            if (waitMs == 0) {
                return Uni.createFrom().voidItem();
            }
            if (clock.instant().plusMillis(waitMs).isAfter(limit)) {
                refused.increment();
                return Uni.createFrom().failure(new RateLimitedException(Duration.ofMillis(waitMs), capacity()));
            }
            waited.increment();
            // Wait out the refill, then compete again: another process may take that token first.
            return Uni.createFrom()
                    .voidItem()
                    .onItem()
                    .delayIt()
                    .by(Duration.ofMillis(waitMs))
                    .onItem()
                    .transformToUni(x -> acquireUntil(limit));
        });
    }

    /** Lowers the limit when the platform reports a smaller one ({@code inin-ratelimit-allowed}); see below. */
    public void observeAllowed(String allowedHeader) {
        observeAllowed(allowedHeader, null);
    }

    /**
     * Lowers the limit when the platform reports a smaller one ({@code inin-ratelimit-allowed}), for a while: until
     * {@code inin-ratelimit-reset} seconds from now when that is a sane value (1 s to {@link #DEFAULT_HOLD}), else for
     * {@link #DEFAULT_HOLD}; then the configured limit applies again. Each answer that reports the lowered limit again
     * holds it again, so a limit the platform keeps reporting stays. Within the hold the limit is never raised above
     * what was seen, also not by answers read at the same time (the update is a compare-and-set). A value under
     * {@link #FLOOR_FRACTION} of the configured limit is taken as that floor (and logged,
     * at most once per {@link #DEFAULT_HOLD}): one odd header must not throttle the OAuth client to a crawl, the less
     * so as the shared Redis bucket is clamped to the capacity of the process that takes from it (see
     * {@code token-bucket-reserve.lua}): the floor and the expiry bound what a lowered process does to the others.
     */
    public void observeAllowed(String allowedHeader, String resetHeader) {
        if (allowedHeader == null) {
            return;
        }
        int allowed;
        try {
            allowed = Integer.parseInt(allowedHeader.trim());
        } catch (NumberFormatException ignored) {
            return; // a malformed header says nothing about the limit
        }
        int configured = settings.perMinute();
        if (allowed <= 0 || allowed >= configured) {
            return;
        }
        int reported = allowed;
        int floor = floor();
        Instant now = clock.instant();
        if (allowed < floor) {
            Instant lastWarned = floorWarnedAt;
            if (lastWarned == null || !now.isBefore(lastWarned.plus(DEFAULT_HOLD))) {
                floorWarnedAt = now;
                LOG.warnf(
                        "Genesys reports a limit of %d requests a minute (configured %d): shaping to no less than %d"
                                + " (%d %% of the configured limit)",
                        reported, configured, floor, Math.round(FLOOR_FRACTION * 100));
            }
            allowed = floor;
        }
        Duration hold = hold(resetHeader);
        Lowered next = new Lowered(allowed, now.plus(hold));
        // Compare-and-set: answers read at the same time must not let a higher reading overwrite a lower one.
        while (true) {
            Lowered current = lowered.get();
            boolean holding = current != null && now.isBefore(current.until());
            if (holding && allowed > current.limit()) {
                return; // never raised above what was seen while the lowered limit holds
            }
            if (lowered.compareAndSet(current, next)) {
                if (!holding || allowed != current.limit()) {
                    LOG.infof(
                            "Genesys reports a limit of %d requests a minute (configured %d): shaping to %d for %s",
                            reported, configured, allowed, hold);
                }
                return;
            }
        }
    }

    /** How long a lowered limit holds: {@code inin-ratelimit-reset} seconds when sane, else {@link #DEFAULT_HOLD}. */
    private static Duration hold(String resetHeader) {
        if (resetHeader != null) {
            try {
                long seconds = Long.parseLong(resetHeader.trim());
                if (seconds >= 1 && seconds <= DEFAULT_HOLD.toSeconds()) {
                    return Duration.ofSeconds(seconds);
                }
            } catch (NumberFormatException ignored) {
                // not sane: the default hold
            }
        }
        return DEFAULT_HOLD;
    }

    /** The lowest limit a platform header can lower this process to. */
    private int floor() {
        return Math.max(1, (int) Math.ceil(settings.perMinute() * FLOOR_FRACTION));
    }

    /** The limit in force: a lowered one while it holds, else the configured one. */
    public int limitPerMinute() {
        Lowered current = lowered.get();
        if (current == null) {
            return settings.perMinute();
        }
        if (clock.instant().isBefore(current.until())) {
            return current.limit();
        }
        return settings.perMinute();
    }

    /** How many requests a minute cxbridge allows itself. */
    public int capacity() {
        return Math.max(1, (int) Math.floor(limitPerMinute() * settings.capacityFraction()));
    }

    private Uni<Long> take() {
        return bucket.take(key, capacity(), Duration.ofMinutes(1)).map(TokenBucket.Take::waitMs);
    }
}
