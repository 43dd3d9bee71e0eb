package io.cxbridge.fulfillment.config;

import io.cxbridge.model.Channels;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;

/**
 * How long a job may hold its record. The connector's {@code throttled} commit strategy fails the channel (liveness
 * DOWN, the same record again after the restart) when a record it handed out stays unacknowledged past
 * {@code throttled.unprocessed-record-max-age.ms}, counted from when a job slot took it. So every wait a job chooses
 * (a failed DNS lookup tried again, a {@code Retry-After}, the rate budget before a result post), which the job's
 * deadline alone let run for up to 24 hours, ends by {@link #waitsEndBy}: the max age less {@link #reserve}, the
 * longest a job can still take after its last wait. Infrastructure outages are not counted: their retries hold the
 * fetch, and only one longer than the max age stops the channel, by design.
 */
@ApplicationScoped
public class HoldLimit {

    /** The jobs channel's own max age; the connector's ({@link #CONNECTOR_MAX_AGE}, 10 min in service-common) else. */
    public static final String CHANNEL_MAX_AGE =
            "mp.messaging.incoming." + Channels.FULFILLMENT_JOBS_IN + ".throttled.unprocessed-record-max-age.ms";

    public static final String CONNECTOR_MAX_AGE =
            "mp.messaging.connector.smallrye-kafka.throttled.unprocessed-record-max-age.ms";

    /** The SmallRye Kafka connector's own default, when neither key is set. */
    static final long CONNECTOR_DEFAULT_MS = 60_000;

    /** The longest {@code Retry-After} honoured between two result posts. */
    public static final Duration MAX_CALLBACK_RETRY_AFTER = Duration.ofSeconds(30);

    /**
     * Room for what no setting bounds: Redis and Kafka writes after the post (state, mark, audit, a dead letter), a
     * blocking DNS lookup begun just before the limit, and the connector's check, which runs every few seconds.
     */
    static final Duration MARGIN = Duration.ofSeconds(30);

    /** Null: the max age is off (0 or less), so nothing fails a slow record and the deadline alone bounds waits. */
    private final Duration maxAge;

    private final Duration reserve;

    @Inject
    public HoldLimit(Config mp, FulfillmentConfig config) {
        this(maxAge(mp), config);
    }

    public HoldLimit(Duration maxAge, FulfillmentConfig config) {
        this.maxAge = maxAge;
        this.reserve = reserve(config);
    }

    /** The max age the channel runs with, or null when it is off. */
    static Duration maxAge(Config mp) {
        long ms = mp.getOptionalValue(CHANNEL_MAX_AGE, Long.class)
                .or(() -> mp.getOptionalValue(CONNECTOR_MAX_AGE, Long.class))
                .orElse(CONNECTOR_DEFAULT_MS);
        return ms <= 0 ? null : Duration.ofMillis(ms);
    }

    /**
     * The longest a job takes after its last chosen wait: an external attempt begun just before the limit, then every
     * result post with the delays between them (a {@code Retry-After} up to {@link #MAX_CALLBACK_RETRY_AFTER} or the
     * backoff), plus {@link #MARGIN}.
     */
    public static Duration reserve(FulfillmentConfig config) {
        int posts = Math.max(1, config.callback().attempts());
        Duration backoff =
                Duration.ofMillis((long) Math.ceil(config.retry().maxDelay().toMillis()
                        * (1 + Math.max(0, config.retry().jitter()))));
        Duration between = backoff.compareTo(MAX_CALLBACK_RETRY_AFTER) > 0 ? backoff : MAX_CALLBACK_RETRY_AFTER;
        return config.external()
                .timeout()
                .plus(config.callback().timeout().multipliedBy(posts))
                .plus(between.multipliedBy(posts - 1L))
                .plus(MARGIN);
    }

    /** When the waits of a job whose record a slot took at {@code taken} must have ended (far away when no limit). */
    public Instant waitsEndBy(Instant taken) {
        return maxAge == null ? Instant.MAX : taken.plus(maxAge).minus(reserve);
    }

    /** Why the settings cannot work together: a job could outlast the max age without waiting at all. */
    public Optional<String> problem() {
        if (maxAge == null || maxAge.compareTo(reserve) > 0) {
            return Optional.empty();
        }
        return Optional.of(CHANNEL_MAX_AGE + " (or " + CONNECTOR_MAX_AGE + ") is " + maxAge.toMillis()
                + " ms: it must be longer than the " + reserve.toMillis()
                + " ms a job may take after its last wait (cxbridge.fulfillment.external.timeout + "
                + "cxbridge.fulfillment.callback.attempts x cxbridge.fulfillment.callback.timeout + the delays between"
                + " posts + " + MARGIN.toSeconds() + " s), or the channel stops on a job that is merely slow");
    }
}
