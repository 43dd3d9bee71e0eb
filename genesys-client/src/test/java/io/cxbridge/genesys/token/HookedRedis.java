package io.cxbridge.genesys.token;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import java.util.function.Supplier;

/**
 * A token provider's Redis with a test's hook on every command: the hook sends it (or not yet, or after another
 * command), so a test puts two processes' Redis steps in the order it means to check, without sleeping.
 */
final class HookedRedis implements RedisAPI {

    /** Decides how one command goes: {@code send} sends it unchanged. */
    @FunctionalInterface
    interface Hook {
        Future<Response> apply(Command command, String[] args, Supplier<Future<Response>> send);
    }

    private final RedisAPI delegate;
    private final Hook hook;

    HookedRedis(RedisAPI delegate, Hook hook) {
        this.delegate = delegate;
        this.hook = hook;
    }

    /** Whether {@code command} is {@code name} on {@code key}. */
    static boolean is(Command command, String[] args, String name, String key) {
        return command.toString().equalsIgnoreCase(name) && args.length > 0 && args[0].equals(key);
    }

    @Override
    public Future<Response> send(Command command, String... args) {
        return hook.apply(command, args, () -> delegate.send(command, args));
    }

    @Override
    public void close() {
        delegate.close();
    }
}
