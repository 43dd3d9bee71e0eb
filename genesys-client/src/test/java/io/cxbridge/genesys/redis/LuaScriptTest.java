package io.cxbridge.genesys.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cxbridge.model.redis.LuaScript;
import io.cxbridge.testkit.RedisServer;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisAPI;
import io.vertx.redis.client.RedisOptions;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Scripts kept as resources, run by SHA against a real redis-server, with the source sent once when unknown. */
class LuaScriptTest {

    private static Vertx vertx;
    private static Redis client;
    private static RedisAPI redis;

    @BeforeAll
    static void connect() {
        vertx = Vertx.vertx();
        client = Redis.createClient(
                vertx,
                new RedisOptions().setConnectionString(RedisServer.shared().url()));
        redis = RedisAPI.api(client);
    }

    @AfterAll
    static void close() {
        client.close();
        vertx.closeAndAwait();
    }

    private static String await(io.smallrye.mutiny.Uni<io.vertx.mutiny.redis.client.Response> u) {
        io.vertx.mutiny.redis.client.Response r = u.await().atMost(Duration.ofSeconds(5));
        return r == null ? null : r.toString();
    }

    @Test
    void theShaIsTheSha1OfTheResourceRedisComputesToo() {
        String loaded = await(redis.script(List.of(
                "LOAD",
                "if redis.call('GET', KEYS[1]) == ARGV[1] then return "
                        + "redis.call('DEL', KEYS[1]) end\nreturn 0\n")));
        assertThat(LuaScript.COMPARE_AND_DELETE.sha()).isEqualTo(loaded);
    }

    @Test
    void runsAfterRedisForgotItsScriptsAndDeletesOnlyTheOwnersValue() {
        String key = "lua-test:" + UUID.randomUUID();
        await(redis.set(List.of(key, "owner-a")));
        await(redis.script(List.of("FLUSH")));

        assertThat(await(LuaScript.COMPARE_AND_DELETE.run(redis, List.of("1", key, "owner-b"))))
                .isEqualTo("0");
        assertThat(await(redis.get(key))).isEqualTo("owner-a");
        assertThat(await(redis.script(List.of("EXISTS", LuaScript.COMPARE_AND_DELETE.sha()))))
                .as("the fallback cached the script")
                .contains("1");
        assertThat(await(LuaScript.COMPARE_AND_DELETE.run(redis, List.of("1", key, "owner-a"))))
                .isEqualTo("1");
        assertThat(await(redis.get(key))).isNull();
    }

    @Test
    void aMissingResourceIsAClearErrorNamingIt() {
        assertThatThrownBy(() -> LuaScript.load(LuaScript.class, "nope.lua"))
                .hasMessageContaining("nope.lua")
                .hasMessageContaining(LuaScript.class.getName());
    }

    @Test
    void anErrorInsideTheScriptReachesTheCaller() {
        String key = "lua-test:" + UUID.randomUUID();
        await(redis.hset(List.of(key, "f", "v")));
        assertThatThrownBy(() -> await(LuaScript.COMPARE_AND_DELETE.run(redis, List.of("1", key, "x"))))
                .hasMessageContaining("WRONGTYPE");
    }
}
