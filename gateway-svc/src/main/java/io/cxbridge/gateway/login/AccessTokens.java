package io.cxbridge.gateway.login;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.cxbridge.gateway.auth.ClientRegistry;
import io.cxbridge.gateway.auth.GatewayClient;
import io.cxbridge.gateway.auth.KeysFile;
import io.cxbridge.model.Json;
import io.cxbridge.model.redis.LuaScript;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.RedisAPI;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/**
 * Gateway-issued access tokens: opaque ({@code cxbt_} and 256 random bits), kept in Redis only as
 * {@code cxbridge:gateway:token:<sha256(token)>} with the client id, the hash of the key it was issued against and
 * its expiry (the entry also expires in Redis). A token is good while it has not expired and that key still
 * belongs to that client in the keys file, so removing or rotating a key revokes its tokens at the next reload.
 *
 * <p>Each client's live tokens are also indexed by expiry ({@code cxbridge:gateway:tokens:<client id>}), and a
 * login past {@code max-tokens-per-client} revokes the client's oldest: a client logging in in a loop cannot fill the
 * Redis every service shares. The token and the index are written one after the other, not atomically (they may
 * live on different Redis Cluster nodes): a gateway that stops in between leaves one token unindexed until it expires.
 */
@ApplicationScoped
public class AccessTokens {

    /** Tells a token from a key without a Redis round trip (keys never start with it: see the keys file). */
    public static final String PREFIX = "cxbt_";

    private static final String KEY_PREFIX = "cxbridge:gateway:token:";
    private static final String INDEX_PREFIX = "cxbridge:gateway:tokens:";
    private static final LuaScript ADMIT = LuaScript.load(AccessTokens.class, "admit-token.lua");
    private static final Duration REDIS_TIMEOUT = Duration.ofSeconds(1);

    private final RedisAPI redis;
    private final ClientRegistry clients;
    private final SdkGatewayConfig config;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public AccessTokens(RedisAPI redis, ClientRegistry clients, SdkGatewayConfig config, Clock clock) {
        this.redis = redis;
        this.clients = clients;
        this.config = config;
        this.clock = clock;
    }

    /** A new token and its lifetime. */
    public record Issued(String accessToken, Duration lifetime) {
        @Override
        public String toString() {
            return "Issued[lifetime=" + lifetime + "]"; // never the token
        }
    }

    public static boolean isToken(String credential) {
        return credential.startsWith(PREFIX);
    }

    /** Issues a token to {@code client}, bound to the key (by hash) it presented; the client's oldest may go. */
    public Uni<Issued> issue(GatewayClient client, String keyHash) {
        Duration lifetime = client.tokenLifetime().orElse(config.tokenLifetime());
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String token = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        String key = redisKey(token);
        long now = clock.millis();
        long expiresAt = now + lifetime.toMillis();
        TokenRecord record = new TokenRecord(client.id(), keyHash, expiresAt);
        return guard(redis.set(List.of(key, json(record), "PX", String.valueOf(lifetime.toMillis()))))
                .chain(() -> guard(ADMIT.run(
                        redis,
                        List.of(
                                "1",
                                indexKey(client.id()),
                                key,
                                String.valueOf(expiresAt),
                                String.valueOf(now),
                                String.valueOf(config.maxTokensPerClient()),
                                String.valueOf(lifetime.toMillis())))))
                .chain(this::deletePushedOut)
                .replaceWith(new Issued(token, lifetime));
    }

    /** Deletes the tokens the cap pushed out ({@code ZPOPMIN}'s flat answer: key, score, key, score...). */
    private Uni<Void> deletePushedOut(Response popped) {
        if (popped == null || popped.size() == 0) {
            return Uni.createFrom().voidItem();
        }
        List<Uni<Response>> deletes = new ArrayList<>();
        for (int i = 0; i < popped.size(); i += 2) {
            // one key a command: the tokens hash to different Redis Cluster slots
            deletes.add(guard(redis.del(List.of(popped.get(i).toString()))));
        }
        return Uni.join().all(deletes).andFailFast().replaceWithVoid();
    }

    /** The client a token stands for now; empty when unknown, expired, revoked or its key is gone. */
    public Uni<Optional<GatewayClient>> clientFor(String token) {
        return guard(redis.get(redisKey(token))).map(stored -> {
            if (stored == null) {
                return Optional.<GatewayClient>empty();
            }
            TokenRecord record = parse(stored.toString());
            if (record == null || clock.millis() >= record.expiresAtMillis()) {
                return Optional.<GatewayClient>empty();
            }
            return clients.byKeyHash(record.keyHash()).filter(c -> c.id().equals(record.clientId()));
        });
    }

    /** Revokes a token (and drops it from its client's index); true when there was one to revoke. */
    public Uni<Boolean> revoke(String token) {
        String key = redisKey(token);
        return guard(redis.get(key)).chain(stored -> {
            TokenRecord record = stored == null ? null : parse(stored.toString());
            return guard(redis.del(List.of(key)))
                    .call(deleted -> record == null
                            ? Uni.createFrom().voidItem()
                            : guard(redis.zrem(List.of(indexKey(record.clientId()), key))))
                    .map(r -> r != null && r.toLong() > 0);
        });
    }

    private static String indexKey(String clientId) {
        return INDEX_PREFIX + clientId;
    }

    private static String redisKey(String token) {
        return KEY_PREFIX + KeysFile.sha256(token);
    }

    private static <T> Uni<T> guard(Uni<T> call) {
        return call.ifNoItem()
                .after(REDIS_TIMEOUT)
                .failWith(TimeoutException::new)
                .onFailure()
                .transform(TokensUnavailable::new);
    }

    private static String json(TokenRecord record) {
        try {
            return Json.mapper().writeValueAsString(record);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static TokenRecord parse(String json) {
        try {
            return Json.mapper().readValue(json, TokenRecord.class);
        } catch (JsonProcessingException e) {
            return null; // not ours: treated as unknown
        }
    }
}
