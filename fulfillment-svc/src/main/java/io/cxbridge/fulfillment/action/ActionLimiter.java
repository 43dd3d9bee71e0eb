package io.cxbridge.fulfillment.action;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.mutiny.subscription.Cancellable;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Bounded concurrency for one action's external calls: {@code limit} run at once, the rest wait in a queue, each no
 * longer than it is told (what is left of its answer budget), so a queued call never outlives its budget. A slot is
 * held by the call's own subscription, not by the caller's, so a caller that gives up never leaks one.
 */
final class ActionLimiter {

    /** No slot freed up in time. */
    static final class QueueTimeout extends RuntimeException {
        QueueTimeout() {
            super("no call slot freed up within the answer budget", null, false, false);
        }
    }

    private record Waiter(Runnable start, AtomicBoolean taken) {}

    private final int limit;
    private final ArrayDeque<Waiter> waiting = new ArrayDeque<>();
    private int inFlight;

    ActionLimiter(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1");
        }
        this.limit = limit;
    }

    /** Runs {@code call} in a slot, at once or when one frees up; fails with {@link QueueTimeout} after {@code maxWait}. */
    <T> Uni<T> run(Duration maxWait, Supplier<Uni<T>> call) {
        return Uni.createFrom().emitter(emitter -> {
            AtomicReference<Cancellable> running = new AtomicReference<>();
            AtomicBoolean ended = new AtomicBoolean();
            Runnable start = () -> {
                Uni<T> uni;
                try {
                    uni = call.get();
                } catch (RuntimeException e) {
                    release();
                    emitter.fail(e);
                    return;
                }
                Cancellable c =
                        uni.onTermination().invoke(this::release).subscribe().with(emitter::complete, emitter::fail);
                running.set(c);
                if (ended.get()) {
                    c.cancel(); // the caller went away while it was starting
                }
            };
            Waiter waiter = new Waiter(start, new AtomicBoolean());
            // The caller went away (or the call ended): a queued call never starts, a running one is cancelled (its
            // slot freed, its breaker permit released by the caller), rather than run on for nobody.
            emitter.onTermination(() -> {
                ended.set(true);
                if (waiter.taken().compareAndSet(false, true)) {
                    synchronized (this) {
                        waiting.remove(waiter);
                    }
                }
                Cancellable c = running.get();
                if (c != null) {
                    c.cancel();
                }
            });
            boolean now;
            synchronized (this) {
                now = inFlight < limit;
                if (now) {
                    inFlight++;
                    waiter.taken().set(true);
                } else {
                    waiting.addLast(waiter);
                }
            }
            if (now) {
                start.run();
                return;
            }
            long ms = Math.max(0, maxWait.toMillis());
            Infrastructure.getDefaultWorkerPool()
                    .schedule(
                            () -> {
                                if (waiter.taken().compareAndSet(false, true)) {
                                    synchronized (this) {
                                        waiting.remove(waiter);
                                    }
                                    emitter.fail(new QueueTimeout());
                                }
                            },
                            ms,
                            TimeUnit.MILLISECONDS);
        });
    }

    /** Frees a slot: handed straight to the oldest waiter that has not given up. */
    private void release() {
        while (true) {
            Waiter next;
            synchronized (this) {
                next = waiting.pollFirst();
                if (next == null) {
                    inFlight--;
                    return;
                }
            }
            if (next.taken().compareAndSet(false, true)) {
                next.start().run();
                return;
            }
        }
    }

    synchronized int inFlight() {
        return inFlight;
    }

    synchronized int queued() {
        return waiting.size();
    }
}
