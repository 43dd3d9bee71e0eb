package io.cxbridge.fulfillment.worker;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.MultiSubscriber;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * Works a stream's items with at most {@code slots} at once and at most {@code budget} bytes of them at once (a
 * semaphore of bytes taken when an item starts, given back when its work ends). Demand is one item at a time, asked
 * only while a slot is free, the bytes in flight are under the budget and no item waits: an item that does not fit
 * waits (the only one held) until enough work has ended; one bigger than the budget runs alone. So the upstream (the
 * Kafka connector, {@code pause-if-no-requests}) stops fetching while the budget is spent, and the backlog stays in
 * Kafka. A failed work item fails the gate ({@code onFailure}) and cancels the upstream, as {@code merge} does.
 */
final class ByteBudgetGate<T> implements MultiSubscriber<T> {

    private final int slots;
    private final long budget;
    private final ToLongFunction<T> size;
    private final Function<T, Uni<Void>> work;
    private final Consumer<Throwable> onFailure;
    private final Runnable onCompletion;
    /** Bytes of the items being worked: a gauge. */
    private final AtomicLong inFlightBytes;

    private final AtomicInteger wip = new AtomicInteger();
    private Flow.Subscription upstream;
    private int running;
    private long bytes;
    private boolean requested;
    private T held;
    private long heldSize;
    private boolean done;

    ByteBudgetGate(
            int slots,
            long budget,
            ToLongFunction<T> size,
            Function<T, Uni<Void>> work,
            AtomicLong inFlightBytes,
            Consumer<Throwable> onFailure,
            Runnable onCompletion) {
        this.slots = Math.max(1, slots);
        this.budget = Math.max(1, budget);
        this.size = size;
        this.work = work;
        this.inFlightBytes = inFlightBytes;
        this.onFailure = onFailure;
        this.onCompletion = onCompletion;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        synchronized (this) {
            upstream = subscription;
        }
        pump();
    }

    @Override
    public void onItem(T item) {
        long n = Math.max(0, size.applyAsLong(item));
        boolean start;
        synchronized (this) {
            requested = false;
            start = fits(n);
            if (start) {
                take(n);
            } else {
                held = item;
                heldSize = n;
            }
        }
        if (start) {
            run(item, n);
        }
        pump();
    }

    /** A free slot, and the bytes fit the budget or nothing runs (a record bigger than the budget runs alone). */
    private boolean fits(long n) {
        return running < slots && (running == 0 || bytes + n <= budget);
    }

    private void take(long n) {
        running++;
        bytes += n;
        inFlightBytes.addAndGet(n);
    }

    private void run(T item, long n) {
        Uni<Void> job;
        try {
            job = work.apply(item);
        } catch (RuntimeException e) {
            fail(e);
            ended(n);
            return;
        }
        job.subscribe().with(ok -> ended(n), failure -> {
            fail(failure); // first: the slot it frees takes nothing more
            ended(n);
        });
    }

    private void ended(long n) {
        T next = null;
        long nextSize = 0;
        synchronized (this) {
            running--;
            bytes -= n;
            inFlightBytes.addAndGet(-n);
            if (held != null && !done && fits(heldSize)) {
                next = held;
                nextSize = heldSize;
                held = null;
                take(nextSize);
            }
        }
        if (next != null) {
            run(next, nextSize);
        }
        pump();
    }

    /** Asks for one more item when one could start now; a trampoline, as an item may arrive within request(). */
    private void pump() {
        if (wip.getAndIncrement() != 0) {
            return;
        }
        do {
            Flow.Subscription ask = null;
            synchronized (this) {
                if (upstream != null
                        && !done
                        && !requested
                        && held == null
                        && running < slots
                        && (running == 0 || bytes < budget)) {
                    requested = true;
                    ask = upstream;
                }
            }
            if (ask != null) {
                ask.request(1);
            }
        } while (wip.decrementAndGet() != 0);
    }

    private void fail(Throwable failure) {
        Flow.Subscription cancel;
        synchronized (this) {
            if (done) {
                return;
            }
            done = true;
            cancel = upstream;
        }
        if (cancel != null) {
            cancel.cancel();
        }
        onFailure.accept(failure);
    }

    @Override
    public void onFailure(Throwable failure) {
        synchronized (this) {
            if (done) {
                return;
            }
            done = true;
        }
        onFailure.accept(failure);
    }

    @Override
    public void onCompletion() {
        synchronized (this) {
            if (done) {
                return;
            }
            done = true;
        }
        onCompletion.run();
    }
}
