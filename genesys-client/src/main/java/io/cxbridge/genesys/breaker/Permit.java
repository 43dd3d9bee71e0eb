package io.cxbridge.genesys.breaker;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One call's permission from a breaker. Exactly one outcome counts: the first of {@link #success},
 * {@link #failure} or {@link #release}; later ones are ignored. So a caller may release on every way out
 * (failure, cancellation, a synchronous throw) without undoing an outcome already recorded, and a
 * half-open probe can never keep its slot forever.
 */
public final class Permit {

    private final CircuitBreaker breaker;
    private final boolean probe;
    private final AtomicBoolean settled = new AtomicBoolean();

    Permit(CircuitBreaker breaker, boolean probe) {
        this.breaker = breaker;
        this.probe = probe;
    }

    /** The upstream answered with anything but a 5xx. */
    public void success() {
        if (settled.compareAndSet(false, true)) {
            breaker.onSuccess();
        }
    }

    /** A 5xx, a timeout or a connection failure. */
    public void failure() {
        if (settled.compareAndSet(false, true)) {
            breaker.onFailure();
        }
    }

    /** The call ended without telling anything about the upstream (refused locally, cancelled, threw). */
    public void release() {
        if (settled.compareAndSet(false, true) && probe) {
            breaker.release();
        }
    }

    public String family() {
        return breaker.name();
    }
}
