package io.cxbridge.common.messaging;

import io.smallrye.mutiny.Uni;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Lets records be worked concurrently while two with the same key never are: work for a key starts when the work
 * subscribed before it for that key has ended (however it ended). Turns are taken in subscription order, so a
 * consumer that subscribes its records in offset order works each key's records in offset order. Only keys with
 * work pending are held (the map empties as work ends).
 */
public final class PerKeyTurns {

    private final ConcurrentHashMap<String, CompletableFuture<Void>> lastOfKey = new ConcurrentHashMap<>();

    /** Runs {@code work} when the previous work of {@code key} has ended; at once for a null key. */
    public <T> Uni<T> run(String key, Supplier<? extends Uni<? extends T>> work) {
        if (key == null) {
            return Uni.createFrom().<T>deferred(work::get);
        }
        return Uni.createFrom().<T>deferred(() -> {
            CompletableFuture<Void> mine = new CompletableFuture<>();
            CompletableFuture<Void> previous = lastOfKey.put(key, mine);
            Uni<Void> turn = previous == null
                    ? Uni.createFrom().voidItem()
                    : Uni.createFrom()
                            .completionStage(previous)
                            .onFailure()
                            .recoverWithNull()
                            .replaceWithVoid();
            return turn.chain(() -> Uni.createFrom().<T>deferred(work::get)).eventually(() -> {
                lastOfKey.remove(key, mine);
                mine.complete(null);
            });
        });
    }

    /** Keys with work running or waiting (for tests and gauges). */
    public int keysHeld() {
        return lastOfKey.size();
    }
}
