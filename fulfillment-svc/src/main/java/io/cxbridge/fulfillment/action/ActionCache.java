package io.cxbridge.fulfillment.action;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cxbridge.common.health.Dependency;
import io.cxbridge.common.health.DependencyMonitor;
import io.cxbridge.fulfillment.config.FulfillmentConfig;
import io.cxbridge.model.Json;
import io.cxbridge.model.crypto.TokenCipher;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.RedisAPI;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The optional answer cache, in Redis so every replica shares it: {@code <prefix>:action:<name>:<sha-256 of the
 * canonical JSON key>} holds the answer sealed with the service's AES-GCM cipher (answers may carry personal data),
 * the key bound in as associated data so an entry cannot be moved to another key. Kept for TTL + stale-for. Every
 * operation gives up after a short time: without Redis an action answers, only without its cache.
 */
@ApplicationScoped
public class ActionCache {

    private static final Logger LOG = Logger.getLogger(ActionCache.class);
    private static final ObjectWriter CANONICAL =
            Json.mapper().writer().with(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
    /** Longest a cache read or write may hold up an answer. */
    static final Duration MAX_WAIT = Duration.ofMillis(300);

    /** A cached answer and when it was stored. */
    public record Entry(Instant storedAt, String body) {
        Duration age(Instant now) {
            Duration d = Duration.between(storedAt, now);
            return d.isNegative() ? Duration.ZERO : d;
        }
    }

    private final RedisAPI redis;
    private final TokenCipher cipher;
    private final DependencyMonitor monitor;
    private final String prefix;

    public ActionCache(RedisAPI redis, TokenCipher cipher, DependencyMonitor monitor, FulfillmentConfig config) {
        this.redis = redis;
        this.cipher = cipher;
        this.monitor = monitor;
        this.prefix = config.keyPrefix() + ":action:";
    }

    /** The Redis key of a body for an action: the whole body, or only {@code keyFields}, as canonical JSON. */
    String key(String action, JsonNode body, Optional<List<String>> keyFields) {
        JsonNode keyed = body;
        if (keyFields.isPresent() && body.isObject()) {
            ObjectNode narrowed = Json.mapper().createObjectNode();
            keyFields.get().forEach(f -> narrowed.set(f, body.get(f)));
            keyed = narrowed;
        }
        try {
            Object plain = Json.mapper().treeToValue(keyed, Object.class);
            byte[] canonical = CANONICAL.writeValueAsBytes(plain);
            return prefix + action + ":"
                    + HexFormat.of()
                            .formatHex(MessageDigest.getInstance("SHA-256").digest(canonical));
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot build an action cache key", e);
        }
    }

    /** The entry under {@code key}; empty when there is none, Redis is away or the entry cannot be opened. */
    Uni<Optional<Entry>> get(String key, Duration maxWait) {
        if (!monitor.isUp(Dependency.REDIS)) {
            return Uni.createFrom().item(Optional.empty());
        }
        return redis.get(key)
                .ifNoItem()
                .after(bounded(maxWait))
                .fail()
                .map(r -> r == null ? Optional.<Entry>empty() : open(key, r.toString()))
                .onFailure()
                .recoverWithItem(e -> {
                    LOG.debugf("action cache read skipped: %s", e.getClass().getSimpleName());
                    return Optional.empty();
                });
    }

    /** Stores an answer for {@code keep}; completes (never fails) once Redis took it or gave up. */
    Uni<Boolean> put(String key, Entry entry, Duration keep) {
        if (!monitor.isUp(Dependency.REDIS) || keep.toMillis() <= 0) {
            return Uni.createFrom().item(false);
        }
        ObjectNode json = Json.mapper().createObjectNode();
        json.put("storedAt", entry.storedAt().toEpochMilli());
        json.put("body", entry.body());
        String sealed = cipher.encrypt(json.toString(), key);
        return redis.set(List.of(key, sealed, "PX", Long.toString(keep.toMillis())))
                .ifNoItem()
                .after(Duration.ofSeconds(2))
                .fail()
                .map(r -> true)
                .onFailure()
                .recoverWithItem(e -> {
                    LOG.warnf("action cache write failed: %s", e.getClass().getSimpleName());
                    return false;
                });
    }

    /** Drops every entry of an action (SCAN, never KEYS); the number of entries removed. */
    Uni<Long> clear(String action) {
        return scanAndUnlink(prefix + action + ":*", "0", 0L);
    }

    private Uni<Long> scanAndUnlink(String pattern, String cursor, long removed) {
        return redis.scan(List.of(cursor, "MATCH", pattern, "COUNT", "500")).chain(r -> {
            String next = r.get(0).toString();
            List<String> keys = new ArrayList<>();
            for (Response k : r.get(1)) {
                keys.add(k.toString());
            }
            Uni<Long> unlinked = keys.isEmpty()
                    ? Uni.createFrom().item(0L)
                    : redis.unlink(keys).map(n -> n == null ? 0L : n.toLong());
            return unlinked.chain(n ->
                    "0".equals(next) ? Uni.createFrom().item(removed + n) : scanAndUnlink(pattern, next, removed + n));
        });
    }

    private Optional<Entry> open(String key, String sealed) {
        try {
            JsonNode json = Json.mapper().readTree(cipher.decrypt(sealed, key));
            return Optional.of(new Entry(
                    Instant.ofEpochMilli(json.path("storedAt").asLong()),
                    json.path("body").asText()));
        } catch (JsonProcessingException | RuntimeException e) {
            // A key rotated away or a damaged entry: a miss, never an error for the caller.
            LOG.warnf(
                    "action cache entry could not be opened (%s); treated as a miss",
                    e.getClass().getSimpleName());
            return Optional.empty();
        }
    }

    private static Duration bounded(Duration maxWait) {
        if (maxWait.compareTo(MAX_WAIT) > 0) {
            return MAX_WAIT;
        }
        return maxWait.toMillis() < 1 ? Duration.ofMillis(1) : maxWait;
    }
}
