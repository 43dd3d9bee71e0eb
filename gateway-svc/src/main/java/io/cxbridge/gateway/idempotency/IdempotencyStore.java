package io.cxbridge.gateway.idempotency;

import io.cxbridge.common.redis.StoredJson;
import io.cxbridge.gateway.config.GatewayConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.RedisAPI;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/**
 * Idempotency records in Redis, per client ({@code cxbridge:gateway:idem:<clientId>:<sha256(key)>}). A call
 * claims its key atomically ({@code SET NX}); the claim outlives the call's deadline only briefly, so a crashed
 * gateway does not block a key for the whole retention. Every method fails with {@link StoreUnavailable} when
 * Redis does not answer, so a keyed write is refused rather than run unprotected.
 */
@ApplicationScoped
public class IdempotencyStore {

    private static final Duration REDIS_TIMEOUT = Duration.ofSeconds(1);

    private final RedisAPI redis;
    private final GatewayConfig config;

    public IdempotencyStore(RedisAPI redis, GatewayConfig config) {
        this.redis = redis;
        this.config = config;
    }

    /** Empty when this call now owns the key; else the record already there (in flight or done). */
    public Uni<Optional<IdempotencyRecord>> claim(String clientId, String key, String fingerprint, Duration claimFor) {
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

    /** Keeps {@code done} (an answer, or a {@code too-large} tombstone) for the retention. */
    public Uni<Void> complete(String clientId, String key, IdempotencyRecord done) {
        return keep(clientId, key, done, config.idempotency().retention());
    }

    /** The call was sent and no answer came: the key stays claimed (409 outcome-unknown) for a while. */
    public Uni<Void> outcomeUnknown(String clientId, String key, String fingerprint) {
        return keep(
                clientId,
                key,
                IdempotencyRecord.outcomeUnknown(fingerprint),
                config.idempotency().outcomeUnknownRetention());
    }

    private Uni<Void> keep(String clientId, String key, IdempotencyRecord record, Duration retention) {
        return guard(redis.set(
                        List.of(redisKey(clientId, key), json(record), "PX", String.valueOf(retention.toMillis()))))
                .replaceWithVoid();
    }

    /** Gives the key back (the answer is not to be replayed: a 5xx, a 429, or too large to keep). */
    public Uni<Void> release(String clientId, String key) {
        return guard(redis.del(List.of(redisKey(clientId, key)))).replaceWithVoid();
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

    private static String redisKey(String clientId, String key) {
        return "cxbridge:gateway:idem:" + clientId + ":" + fingerprint("", "", key.getBytes(StandardCharsets.UTF_8));
    }

    private <T> Uni<T> guard(Uni<T> call) {
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

    /** Redis did not answer: the keyed write must not run. */
    public static final class StoreUnavailable extends RuntimeException {
        StoreUnavailable(Throwable cause) {
            super("the idempotency store (Redis) is unreachable", cause);
        }
    }
}
