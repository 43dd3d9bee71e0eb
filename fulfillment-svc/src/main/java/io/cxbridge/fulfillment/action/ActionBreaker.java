package io.cxbridge.fulfillment.action;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;

/**
 * One action's circuit breaker: it opens when {@code failures} failures (5xx, timeouts, connection failures) fall
 * within a sliding {@code window}, refuses calls for {@code halfOpenAfter}, then lets one probe through: success
 * closes it, failure opens it again. A time window rather than MicroProfile's count window (SmallRye Fault
 * Tolerance's breaker judges the last N calls whatever their age), because the rule is "5 failures within 30 s".
 */
final class ActionBreaker {

    enum State {
        CLOSED,
        OPEN,
        HALF_OPEN
    }

    private final int threshold;
    private final Duration window;
    private final Duration halfOpenAfter;
    private final Clock clock;
    private final ArrayDeque<Instant> failures = new ArrayDeque<>();
    private State state = State.CLOSED;
    private Instant openedAt;
    private boolean probeOut;

    ActionBreaker(int threshold, Duration window, Duration halfOpenAfter, Clock clock) {
        if (threshold < 1) {
            throw new IllegalArgumentException("breaker.failures must be at least 1");
        }
        this.threshold = threshold;
        this.window = window;
        this.halfOpenAfter = halfOpenAfter;
        this.clock = clock;
    }

    /** Permission for one call: false while open, or while the half-open probe is out. */
    synchronized boolean tryAcquire() {
        if (state == State.OPEN) {
            if (clock.instant().isBefore(openedAt.plus(halfOpenAfter))) {
                return false;
            }
            state = State.HALF_OPEN;
            probeOut = false;
        }
        if (state == State.HALF_OPEN) {
            if (probeOut) {
                return false;
            }
            probeOut = true;
        }
        return true;
    }

    synchronized void onSuccess() {
        if (state != State.CLOSED) {
            state = State.CLOSED;
            failures.clear();
        }
        probeOut = false;
    }

    synchronized void onFailure() {
        Instant now = clock.instant();
        if (state == State.HALF_OPEN) {
            open(now);
            return;
        }
        if (state == State.OPEN) {
            return;
        }
        failures.addLast(now);
        Instant since = now.minus(window);
        while (!failures.isEmpty() && failures.peekFirst().isBefore(since)) {
            failures.removeFirst();
        }
        if (failures.size() >= threshold) {
            open(now);
        }
    }

    /** The permitted call said nothing about the API's health (a 4xx, or it never left): free the probe. */
    synchronized void release() {
        probeOut = false;
    }

    synchronized State state() {
        if (state == State.OPEN && !clock.instant().isBefore(openedAt.plus(halfOpenAfter))) {
            return State.HALF_OPEN;
        }
        return state;
    }

    private void open(Instant now) {
        state = State.OPEN;
        openedAt = now;
        probeOut = false;
        failures.clear();
    }
}
