package io.cxbridge.model.redis;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.RedisAPI;
import io.vertx.mutiny.redis.client.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A Lua script kept as a resource next to the class that runs it, read once and run by its SHA-1
 * ({@code EVALSHA}); a Redis that does not know it yet ({@code NOSCRIPT}, after a restart or on another cluster
 * node) gets the source once with {@code EVAL}, which also caches it there. Every multi-key script names its keys
 * with one hash tag, so Redis Cluster runs it on one node.
 */
public final class LuaScript {

    /** Deletes KEYS[1] only while it still holds ARGV[1] (a lock's owner, a token): never someone else's value. */
    public static final LuaScript COMPARE_AND_DELETE = load(LuaScript.class, "compare-and-delete.lua");

    private final String name;
    private final String source;
    private final String sha;

    private LuaScript(String name, String source) {
        this.name = name;
        this.source = source;
        this.sha = sha1(source);
    }

    /** Reads {@code resource} relative to {@code anchor}'s package; a missing script is a build error, so it throws. */
    public static LuaScript load(Class<?> anchor, String resource) {
        try (InputStream in = anchor.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("Lua script " + resource + " is missing next to " + anchor.getName());
            }
            return new LuaScript(resource, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read Lua script " + resource, e);
        }
    }

    /** Runs the script; {@code numKeysKeysAndArgs} as after the script in {@code EVAL}: key count, keys, arguments. */
    public Uni<Response> run(RedisAPI redis, List<String> numKeysKeysAndArgs) {
        return redis.evalsha(with(sha, numKeysKeysAndArgs))
                .onFailure(LuaScript::noScript)
                .recoverWithUni(() -> redis.eval(with(source, numKeysKeysAndArgs)));
    }

    public String sha() {
        return sha;
    }

    @Override
    public String toString() {
        return "LuaScript[" + name + " " + sha + "]";
    }

    private static boolean noScript(Throwable e) {
        return e.getMessage() != null && e.getMessage().startsWith("NOSCRIPT");
    }

    private static List<String> with(String first, List<String> rest) {
        List<String> args = new ArrayList<>(rest.size() + 1);
        args.add(first);
        args.addAll(rest);
        return args;
    }

    private static String sha1(String source) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 unavailable", e);
        }
    }
}
