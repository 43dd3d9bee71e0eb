package io.cxbridge.genesys.breaker;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * A consecutive-failure circuit breaker. CLOSED counts failures; at the threshold it OPENs and refuses
 * calls for {@code delay}; then it lets exactly one probe through (HALF_OPEN): success closes it, failure
 * opens it again. Time comes from the injected clock, so tests move it instead of waiting.
 */
public final class CircuitBreaker {

    public enum State {
        CLOSED,
        OPEN,
        HALF_OPEN
    }

    private final String name;
    private final int threshold;
    private final Duration delay;
    private final Clock clock;
    // Written under the lock; read without it on the paths every call takes while the breaker is closed and well.
    private volatile State state = State.CLOSED;
    private volatile int failures;
    private Instant openedAt;
    private boolean probeInFlight;

    public CircuitBreaker(String name, int threshold, Duration delay, Clock clock) {
        if (threshold < 1) {
            throw new IllegalArgumentException("breaker threshold must be at least 1");
        }
        this.name = name;
        this.threshold = threshold;
        this.delay = delay;
        this.clock = clock;
    }

    /**
     * Permission for one call; throws {@link CircuitOpenException} while open (or while the probe is out).
     * Returns true when the permitted call is the half-open probe: only its {@link #release} frees the slot.
     */
    public boolean acquire() {
        if (state == State.CLOSED) {
            return false; // no lock: nearly every call
        }
        return acquireSlowly();
    }

    private synchronized boolean acquireSlowly() {
        if (state == State.OPEN) {
            Instant probeAt = openedAt.plus(delay);
            Instant now = clock.instant();
            if (now.isBefore(probeAt)) {
                throw new CircuitOpenException(name, Duration.between(now, probeAt));
            }
            state = State.HALF_OPEN;
            probeInFlight = true;
            return true;
        }
        if (state == State.HALF_OPEN) {
            if (probeInFlight) {
                throw new CircuitOpenException(name, delay);
            }
            probeInFlight = true;
            return true;
        }
        return false;
    }

    /** The upstream answered in a way that shows it is healthy (any status but 5xx: a 4xx is the caller's doing). */
    public void onSuccess() {
        if (state == State.CLOSED && failures == 0) {
            return; // nothing to reset: no lock
        }
        reset();
    }

    private synchronized void reset() {
        state = State.CLOSED;
        failures = 0;
        probeInFlight = false;
    }

    /** A 5xx, a timeout or a connection failure. */
    public synchronized void onFailure() {
        probeInFlight = false;
        if (state == State.HALF_OPEN) {
            open();
            return;
        }
        failures++;
        if (state == State.CLOSED && failures >= threshold) {
            open();
        }
    }

    /** The permitted call never reached the upstream (refused locally): it says nothing about its health. */
    public synchronized void release() {
        probeInFlight = false;
    }

    public synchronized State state() {
        if (state == State.OPEN && !clock.instant().isBefore(openedAt.plus(delay))) {
            return State.HALF_OPEN;
        }
        return state;
    }

    public String name() {
        return name;
    }

    private void open() {
        state = State.OPEN;
        openedAt = clock.instant();
        failures = 0;
    }
}
