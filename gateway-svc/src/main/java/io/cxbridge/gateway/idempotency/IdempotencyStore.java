package io.cxbridge.gateway.idempotency;

import io.cxbridge.common.messaging.InfrastructureRetry;
import io.cxbridge.common.messaging.PermanentFailure;
import io.cxbridge.common.redis.StoredJson;
import io.cxbridge.gateway.config.GatewayConfig;
import io.cxbridge.model.redis.LuaScript;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.RedisAPI;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * Idempotency records in Redis, per client ({@code cxbridge:gateway:idem:<clientId>:<sha256(key)>}). A call
 * claims its key atomically ({@code SET NX}); the claim outlives the call's deadline only briefly, so a crashed
 * gateway does not block a key for the whole retention. {@link #claim} and {@link #release} fail with
 * {@link StoreUnavailable} when Redis does not answer, so a keyed write is refused rather than run unprotected.
 *
 * <p>A call's record (its answer, a {@code too-large} tombstone, an outcome-unknown) must outlive the claim, or a
 * repeat after the claim expired runs the write again. {@link #complete} and {@link #outcomeUnknown} therefore never
 * fail: a record Redis did not take (a blip, a restart, a failover) is retried in the background, with backoff, for
 * {@code idempotency.record-retry-for}, and written only over the call's own claim or an absent key
 * ({@code record-over-claim.lua}), so a late write never clobbers a newer record.
 *
 * <p>A new claim is also held against the client's storage budget ({@link IdempotencyBudget}): a client that has used
 * it up gets no new key ({@link IdempotencyBudget.UsedUp}); every record written is counted in it.
 */
@ApplicationScoped
public class IdempotencyStore {

    private static final Logger LOG = Logger.getLogger(IdempotencyStore.class);
    private static final Duration REDIS_TIMEOUT = Duration.ofSeconds(1);
    private static final LuaScript RECORD_OVER_CLAIM = LuaScript.load(IdempotencyStore.class, "record-over-claim.lua");

    private final RedisAPI redis;
    private final GatewayConfig config;
    private final InfrastructureRetry retry;
    private final Clock clock;
    private final IdempotencyBudget budget;

    public IdempotencyStore(
            RedisAPI redis, GatewayConfig config, InfrastructureRetry retry, Clock clock, IdempotencyBudget budget) {
        this.redis = redis;
        this.config = config;
        this.retry = retry;
        this.clock = clock;
        this.budget = budget;
    }

    /**
     * Empty when this call now owns the key; else the record already there (in flight or done). Fails with
     * {@link IdempotencyBudget.UsedUp} when the key would be new and the client has used up its budget, and with
     * {@link StoreUnavailable} when Redis does not answer the claim, or the budget check of a new key.
     *
     * <p>The budget is read first and the key claimed only within it; past it (or with no answer) the key is only
     * read, so a refusal leaves nothing to give back: a claim given back after the refusal could fail (a Redis
     * hiccup) and leave its repeat a 409 "in flight" instead of the same 429. That costs one Redis round trip more
     * per keyed write. The budget decides only a new key: a repeat of a stored key still gets its replay (or its 409
     * or 422) whatever the budget, so a client at its limit can still learn the outcome of what it sent. A key that
     * another call claims between the read and the refusal is that call's: this one is refused and claims nothing.
     */
    public Uni<Optional<IdempotencyRecord>> claim(String clientId, String key, String fingerprint, Duration claimFor) {
        return budget.check(clientId).onItemOrFailure().transformToUni((verdict, failure) -> {
            if (failure == null && !verdict.usedUp()) {
                return claimKey(clientId, key, fingerprint, claimFor);
            }
            RuntimeException refusal = failure == null
                    ? budget.usedUp(clientId, verdict)
                    : failure instanceof StoreUnavailable unavailable ? unavailable : new StoreUnavailable(failure);
            return guard(redis.get(redisKey(clientId, key)))
                    .onItem()
                    .transformToUni(r -> r == null
                            ? Uni.createFrom().<Optional<IdempotencyRecord>>failure(refusal)
                            : Uni.createFrom().item(Optional.of(parse(r.toString()))));
        });
    }

    private Uni<Optional<IdempotencyRecord>> claimKey(
            String clientId, String key, String fingerprint, Duration claimFor) {
        String redisKey = redisKey(clientId, key);
        return guard(redis.set(List.of(
                        redisKey,
                        json(IdempotencyRecord.inFlight(fingerprint)),
                        "NX",
                        "PX",
                        String.valueOf(claimFor.toMillis()))))
                .onItem()
                .transformToUni(ok -> ok != null
                        ? Uni.createFrom().item(Optional.<IdempotencyRecord>empty())
                        : guard(redis.get(redisKey))
                                .map(r -> r == null
                                        ? Optional.of(IdempotencyRecord.inFlight(
                                                fingerprint)) // expired between the two calls
                                        : Optional.of(parse(r.toString()))));
    }

    /**
     * Keeps {@code done} (an answer, or a {@code too-large} tombstone) for the retention, over this call's claim.
     * Ends after the first attempt, which is all the client's answer waits for, and never fails: a failed attempt
     * is retried in the background ({@link #keepTrying}).
     */
    public Uni<Void> complete(String clientId, String key, IdempotencyRecord done, String requestId) {
        return record(Pending.of(clientId, key, done, config.idempotency().retention(), requestId));
    }

    /**
     * The call was sent and no answer came: the key stays claimed (409 outcome-unknown) for a while. As
     * {@link #complete}: never fails, a failed attempt is retried in the background.
     */
    public Uni<Void> outcomeUnknown(String clientId, String key, String fingerprint, String requestId) {
        return record(Pending.of(
                clientId,
                key,
                IdempotencyRecord.outcomeUnknown(fingerprint),
                config.idempotency().outcomeUnknownRetention(),
                requestId));
    }

    /**
     * The record's first attempt, and its count in the client's budget alongside it (no added wait for the answer).
     * Counted once, at the first attempt, whatever comes of the write: a record written late by the background retry
     * is already counted, one that was left alone or never landed is over-counted (conservative).
     */
    private Uni<Void> record(Pending pending) {
        return Uni.combine()
                .all()
                .unis(firstAttempt(pending), budget.add(pending.clientId(), pending.bytes()))
                .discardItems();
    }

    private Uni<Void> firstAttempt(Pending pending) {
        return write(pending)
                .onItem()
                .invoke(written -> {
                    if (!written) {
                        logLeftAlone(pending);
                    }
                })
                .onFailure()
                .invoke(e -> {
                    LOG.warnf(
                            "the idempotency record of %s was not written (%s); retrying in the background for up to %d s",
                            pending.requestId(),
                            reason(e),
                            config.idempotency().recordRetryFor().toSeconds());
                    keepTrying(pending).subscribe().with(written -> {}, gaveUp -> {});
                })
                .onFailure()
                .recoverWithNull()
                .replaceWithVoid();
    }

    /**
     * Writes {@code pending} again, with {@link InfrastructureRetry}'s backoff (which logs failed attempts at most
     * once per 10 s for the whole process), until Redis takes it or {@code record-retry-for} has passed by the clock;
     * then gives up with one WARN. The item says whether the record was written ({@code false}: the key held a newer
     * record, left alone).
     *
     * <p>While this runs and the claim has expired, a repeat of the request claims the key and runs again: that window
     * lasts from the claim's expiry until the write lands, and {@code record-retry-for} is what bounds it; once
     * retrying gives up, the record is lost and a later repeat runs again too.
     */
    Uni<Boolean> keepTrying(Pending pending) {
        Instant until = clock.instant().plus(config.idempotency().recordRetryFor());
        AtomicReference<Throwable> last = new AtomicReference<>();
        return retry.<Boolean>untilDone(
                        () -> "the idempotency record of " + pending.requestId(),
                        () -> clock.instant().isAfter(until)
                                ? Uni.createFrom().failure(new GaveUp(last.get()))
                                : write(pending).onFailure().invoke(last::set))
                .onItem()
                .invoke(written -> {
                    if (written) {
                        LOG.infof("the idempotency record of %s was written late", pending.requestId());
                    } else {
                        logLeftAlone(pending);
                    }
                })
                .onFailure()
                .invoke(e -> LOG.warnf(
                        "the idempotency record of %s was not written: %s (%s); a repeat of that request after its"
                                + " claim expired runs again",
                        pending.requestId(),
                        e instanceof GaveUp
                                ? "gave up after "
                                        + config.idempotency().recordRetryFor().toSeconds() + " s"
                                : "retrying stopped",
                        reason(e)));
    }

    /** One attempt: the record over the call's own claim or an absent key; true when written, false when left alone. */
    private Uni<Boolean> write(Pending pending) {
        return guard(RECORD_OVER_CLAIM.run(
                        redis,
                        List.of(
                                "1",
                                pending.redisKey(),
                                pending.fingerprint(),
                                pending.json(),
                                String.valueOf(pending.retention().toMillis()))))
                .map(r -> r != null && r.toInteger() == 1);
    }

    private static void logLeftAlone(Pending pending) {
        LOG.infof(
                "the idempotency record of %s was not written: the key holds a newer record, left alone",
                pending.requestId());
    }

    /**
     * Why an attempt failed, in words fit for the log: the exception's class and Redis's or the client's message (the
     * last attempt's, when retrying gave up).
     */
    private static String reason(Throwable e) {
        Throwable t = e;
        while ((t instanceof StoreUnavailable || t instanceof GaveUp) && t.getCause() != null) {
            t = t.getCause();
        }
        return t.toString();
    }

    /**
     * Gives the key back (the answer is not to be replayed: a 5xx, a 429), only while it still holds this call's own
     * claim. A plain delete would also take what took the key after the claim expired: a repeat's claim, or the
     * record a late background write of an earlier call landed over it, so the next repeat would run the write again.
     */
    public Uni<Void> release(String clientId, String key, String fingerprint) {
        return guard(LuaScript.COMPARE_AND_DELETE.run(
                        redis, List.of("1", redisKey(clientId, key), json(IdempotencyRecord.inFlight(fingerprint)))))
                .replaceWithVoid();
    }

    public static String fingerprint(String method, String pathAndQuery, byte[] body) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update((method + " " + pathAndQuery + "\n").getBytes(StandardCharsets.UTF_8));
            d.update(body);
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String redisKey(String clientId, String key) {
        return "cxbridge:gateway:idem:" + clientId + ":" + fingerprint("", "", key.getBytes(StandardCharsets.UTF_8));
    }

    /** A Redis call that fails with {@link StoreUnavailable} when Redis refuses it or does not answer within 1 s. */
    static <T> Uni<T> guard(Uni<T> call) {
        return call.ifNoItem()
                .after(REDIS_TIMEOUT)
                .failWith(TimeoutException::new)
                .onFailure()
                .transform(StoreUnavailable::new);
    }

    private static String json(IdempotencyRecord record) {
        return StoredJson.write(record, "idempotency record");
    }

    private static IdempotencyRecord parse(String json) {
        return StoredJson.read(json, IdempotencyRecord.class, "idempotency record");
    }

    /** A call's record to write, its JSON made once for every attempt; {@code bytes} its size, for the budget. */
    record Pending(
            String clientId,
            String redisKey,
            String fingerprint,
            String json,
            long bytes,
            Duration retention,
            String requestId) {
        static Pending of(String clientId, String key, IdempotencyRecord record, Duration retention, String requestId) {
            String json = IdempotencyStore.json(record);
            return new Pending(
                    clientId,
                    IdempotencyStore.redisKey(clientId, key),
                    record.fingerprint(),
                    json,
                    json.getBytes(StandardCharsets.UTF_8).length,
                    retention,
                    requestId);
        }
    }

    /** {@code record-retry-for} has passed: permanent, so {@link InfrastructureRetry} stops with it. */
    static final class GaveUp extends PermanentFailure {
        GaveUp(Throwable last) {
            super("Redis did not take the record in time", last);
        }
    }

    /** Redis did not answer: the keyed write must not run. */
    public static final class StoreUnavailable extends RuntimeException {
        StoreUnavailable(Throwable cause) {
            super("the idempotency store (Redis) is unreachable", cause);
        }
    }
}
