package io.cxbridge.genesys.shaping;

import io.cxbridge.genesys.shaping.TokenBucket.Reservation;
import io.cxbridge.genesys.shaping.TokenBucket.Take;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * A shared {@link TokenBucket} with an in-process bucket per key in front: the process reserves a batch of tokens
 * from Redis (at most {@link #MAX_BATCH_FRACTION} of the capacity, at least one) and spends it without touching
 * Redis, so most takes cost no round trip. A batch is held at most as long as the shared bucket needs to refill
 * it; the first take after that gives its unused tokens back in the same script call that reserves the next batch
 * (a process that goes quiet keeps its last batch until its next take: the shared bucket refills meanwhile).
 *
 * <p>Every token spent was taken from Redis first, so all processes together never spend more than the shared
 * bucket allows; what one process holds unspent shifts up to one batch of the budget in time. {@code remaining}
 * is Redis's count at the last reservation plus the tokens held here, so it may be off by up to one batch per
 * process. One reservation per key is in flight at a time: concurrent takes that find the batch spent wait for it.
 * While Redis is away the batches come from {@link TokenBucket}'s in-process fallback (never given back to Redis).
 */
public final class BatchedTokenBucket {

    /** The largest batch one process reserves, as a fraction of the bucket's capacity. */
    public static final double MAX_BATCH_FRACTION = 0.05;

    private final TokenBucket shared;
    private final Clock clock;
    private final double batchFraction;
    /** One entry per key (gateway clients: as many as the keys file names). */
    private final Map<String, Held> held = new ConcurrentHashMap<>();

    public BatchedTokenBucket(TokenBucket shared, Clock clock) {
        this(shared, clock, MAX_BATCH_FRACTION);
    }

    public BatchedTokenBucket(TokenBucket shared, Clock clock, double batchFraction) {
        if (!(batchFraction > 0 && batchFraction <= MAX_BATCH_FRACTION)) {
            throw new IllegalArgumentException(
                    "a batch is more than 0 and at most " + MAX_BATCH_FRACTION + " of the capacity: " + batchFraction);
        }
        this.shared = shared;
        this.clock = clock;
        this.batchFraction = batchFraction;
    }

    /** Tokens reserved from Redis at once for a bucket of {@code capacity}: the fraction of it, at least one. */
    public int batchSize(int capacity) {
        return Math.max(1, (int) Math.floor(capacity * batchFraction));
    }

    /**
     * A token from the batch this process holds for {@code key}, or null when it holds none (then {@link #take}).
     * No Redis call, no allocation but the answer: the path most requests take.
     */
    public Take takeHeld(String key, int capacity) {
        Held h = held.get(key);
        return h == null ? null : h.takeHeld(capacity, clock.millis());
    }

    /**
     * Takes one token from the bucket {@code key} of {@code capacity}, refilled evenly over {@code period}. Called on
     * a Vert.x context, the answer comes on that same context: takes waiting for one reservation are all resumed by
     * its answer, which arrives on whichever context made it (or a timer thread), and a request's CDI request scope
     * lives on its own.
     */
    public Uni<Take> take(String key, int capacity, Duration period) {
        Context caller = Vertx.currentContext();
        Uni<Take> take = takeFromBatch(key, capacity, period);
        return caller == null ? take : take.emitOn(onContext(caller));
    }

    /** Runs a step on {@code context}: at once when already there, else queued to it. */
    private static Executor onContext(Context context) {
        return step -> {
            if (Vertx.currentContext() == context) {
                step.run();
            } else {
                context.runOnContext(ignored -> step.run());
            }
        };
    }

    private Uni<Take> takeFromBatch(String key, int capacity, Duration period) {
        Held h = held.get(key);
        if (h == null) {
            h = held.computeIfAbsent(key, k -> new Held());
        }
        Uni<Settled> inFlight;
        synchronized (h) {
            Take local = h.takeHeld(capacity, clock.millis());
            if (local != null) {
                return Uni.createFrom().item(local);
            }
            if (h.pending == null) {
                h.pending = reserve(h, key, capacity, period);
                return h.pending.map(Settled::first);
            }
            inFlight = h.pending;
        }
        // Another take is reserving: wait for it, then take from its batch (or share its refusal).
        return inFlight.onItem()
                .transformToUni(s -> s.reservation().granted() == 0
                        ? Uni.createFrom().item(s.first())
                        : takeFromBatch(key, capacity, period));
    }

    private Uni<Settled> reserve(Held h, String key, int capacity, Duration period) {
        int batch = batchSize(capacity);
        long giveBack = h.shared ? h.tokens : 0;
        h.tokens = 0;
        long holdMs = Math.max(1, batch * period.toMillis() / capacity);
        Uni<Settled> once = shared.reserve(key, capacity, period, batch, giveBack)
                .map(r -> h.settle(r, capacity, clock.millis() + holdMs))
                .onFailure()
                .invoke(e -> h.settle(null, capacity, 0))
                .memoize()
                .indefinitely();
        // Each take waits through a CompletionStage of its own. A memoized Uni adds a late subscriber to its waiters
        // before calling its onSubscribe, so an answer arriving on another thread in between reaches the subscriber
        // first; a transformToUni whose inner Uni is this one then took the Take for its own item (a
        // ClassCastException in SharedClientLimitTest). A CompletionStage settles whatever the order, and the Uni made
        // from it subscribes before it emits.
        return Uni.createFrom().completionStage(once::subscribeAsCompletionStage);
    }

    /** A reservation's outcome and the answer of the take that made it (which spent the batch's first token). */
    private record Settled(Reservation reservation, Take first) {}

    /** The batch this process holds for one key; guarded by itself. */
    private static final class Held {
        private long tokens;
        private int capacity;
        private long expiresAt;
        private long sharedRemaining;
        /** The batch came from Redis (its unused tokens go back there), not from the in-process fallback. */
        private boolean shared;

        private Uni<Settled> pending;

        synchronized Take takeHeld(int cap, long now) {
            if (tokens <= 0 || cap != capacity || now >= expiresAt) {
                return null;
            }
            tokens--;
            return new Take(0, sharedRemaining + tokens);
        }

        synchronized Settled settle(Reservation r, int cap, long expires) {
            pending = null;
            if (r == null) {
                return null;
            }
            capacity = cap;
            sharedRemaining = r.remaining();
            shared = r.shared();
            if (r.granted() == 0) {
                tokens = 0;
                return new Settled(r, new Take(r.waitMs(), r.remaining()));
            }
            tokens = r.granted() - 1;
            expiresAt = expires;
            return new Settled(r, new Take(0, sharedRemaining + tokens));
        }
    }
}
