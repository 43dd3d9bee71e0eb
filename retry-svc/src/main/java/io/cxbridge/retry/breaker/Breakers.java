package io.cxbridge.retry.breaker;

import io.cxbridge.retry.config.RetryConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * retry-svc's circuit breakers: one per actionId and a global one, kept in this instance's memory (see the README
 * for why not in Redis). Time comes from the injected clock.
 * <ul>
 * <li>Action breaker: {@code failure-threshold} failures in a row (408, 5xx, no answer) open it; while open its runs
 * wait for {@code half-open-after} without spending an attempt; then exactly one probe goes; its success closes the
 * breaker, its failure opens it again. A 429 or a call not sent says nothing about the action (neutral).</li>
 * <li>Global breaker: see {@link RetryConfig.Global}. While it is open (or its probe is out) intake is paused and
 * only the probe is resubmitted.</li>
 * </ul>
 * Thread-safe: every method is a short synchronized section (no I/O).
 */
public final class Breakers {

    /** What a due run may do now. */
    public enum Kind {
        GO,
        PROBE,
        GLOBAL_PROBE,
        WAIT
    }

    /** {@code until} is set for WAIT: when the run should be looked at again. */
    public record Permit(Kind kind, Instant until, String cause) {
        static final Permit GO = new Permit(Kind.GO, null, null);

        public boolean allowed() {
            return kind != Kind.WAIT;
        }
    }

    /** How an attempt ended, as far as the breakers care. */
    public enum Result {
        SUCCESS,
        FAILURE,
        NEUTRAL,
        TOKEN_FAILURE
    }

    private enum State {
        CLOSED,
        OPEN
    }

    private static final class Action {
        State state = State.CLOSED;
        int failures;
        Instant openedAt;
        boolean probeOut;
        Instant lastSeen;
    }

    private final int threshold;
    private final Duration halfOpenAfter;
    private final Duration probeWait;
    private final RetryConfig.Global global;
    private final Clock clock;
    private final Map<String, Action> actions = new HashMap<>();

    private State globalState = State.CLOSED;
    private Instant globalOpenedAt;
    private boolean globalProbeOut;
    private int tokenFailures;
    private String globalCause;

    public Breakers(RetryConfig.Breaker config, Clock clock) {
        if (config.failureThreshold() < 1) {
            throw new IllegalArgumentException("cxbridge.retry.breaker.failure-threshold must be at least 1");
        }
        this.threshold = config.failureThreshold();
        this.halfOpenAfter = config.halfOpenAfter();
        this.probeWait = config.probeWait();
        this.global = config.global();
        this.clock = clock;
    }

    /** Permission for one resubmission of a run of {@code actionId}; a WAIT costs the run nothing. */
    public synchronized Permit acquire(String actionId) {
        Instant now = clock.instant();
        if (globalState == State.OPEN) {
            Instant probeAt = globalOpenedAt.plus(global.halfOpenAfter());
            if (now.isBefore(probeAt)) {
                return new Permit(Kind.WAIT, probeAt, "global");
            }
            if (globalProbeOut) {
                return new Permit(Kind.WAIT, now.plus(probeWait), "global");
            }
            globalProbeOut = true;
            touch(actionId, now).probeOut = true;
            return new Permit(Kind.GLOBAL_PROBE, null, null);
        }
        Action a = touch(actionId, now);
        if (a.state == State.CLOSED) {
            return Permit.GO;
        }
        Instant probeAt = a.openedAt.plus(halfOpenAfter);
        if (now.isBefore(probeAt)) {
            return new Permit(Kind.WAIT, probeAt, "action");
        }
        if (a.probeOut) {
            return new Permit(Kind.WAIT, now.plus(probeWait), "action");
        }
        a.probeOut = true;
        return new Permit(Kind.PROBE, null, null);
    }

    /** Records how the permitted attempt ended. */
    public synchronized void record(String actionId, Permit permit, Result result) {
        Instant now = clock.instant();
        Action a = touch(actionId, now);
        boolean probe = permit.kind() == Kind.PROBE || permit.kind() == Kind.GLOBAL_PROBE;
        if (probe) {
            a.probeOut = false;
        }
        if (permit.kind() == Kind.GLOBAL_PROBE) {
            globalProbeOut = false;
        }
        switch (result) {
            case SUCCESS -> {
                a.state = State.CLOSED;
                a.failures = 0;
                tokenFailures = 0;
                if (permit.kind() == Kind.GLOBAL_PROBE) {
                    closeGlobal();
                }
            }
            case FAILURE -> {
                tokenFailures = 0;
                if (a.state == State.OPEN) {
                    if (probe) {
                        a.openedAt = now; // the probe failed: open for another window
                    }
                } else if (++a.failures >= threshold) {
                    a.state = State.OPEN;
                    a.openedAt = now;
                    a.failures = 0;
                }
                if (permit.kind() == Kind.GLOBAL_PROBE) {
                    openGlobal(now, globalCause);
                } else {
                    evaluateGlobal(now);
                }
            }
            case TOKEN_FAILURE -> {
                if (permit.kind() == Kind.GLOBAL_PROBE) {
                    openGlobal(now, globalCause);
                } else if (++tokenFailures >= global.tokenFailureThreshold() && global.enabled()) {
                    openGlobal(now, "token");
                }
            }
            case NEUTRAL -> {
                // a 429 or a call the client did not send: nothing learnt
            }
        }
    }

    private void evaluateGlobal(Instant now) {
        if (!global.enabled() || globalState == State.OPEN) {
            return;
        }
        Instant since = now.minus(global.window());
        int active = 0;
        int open = 0;
        for (Iterator<Action> it = actions.values().iterator(); it.hasNext(); ) {
            Action a = it.next();
            if (a.lastSeen.isBefore(since.minus(halfOpenAfter))) {
                it.remove(); // idle: forgotten (a later run starts with a closed breaker)
                continue;
            }
            if (a.lastSeen.isBefore(since)) {
                continue;
            }
            active++;
            if (a.state == State.OPEN && !a.openedAt.isBefore(since)) {
                open++;
            }
        }
        if (open >= global.minOpenActions() && open >= global.openRatio() * active) {
            openGlobal(now, "actions");
        }
    }

    private void openGlobal(Instant now, String cause) {
        globalState = State.OPEN;
        globalOpenedAt = now;
        globalCause = cause == null ? "actions" : cause;
    }

    private void closeGlobal() {
        globalState = State.CLOSED;
        globalOpenedAt = null;
        globalProbeOut = false;
        tokenFailures = 0;
        globalCause = null;
    }

    private Action touch(String actionId, Instant now) {
        Action a = actions.computeIfAbsent(actionId, k -> new Action());
        a.lastSeen = now;
        return a;
    }

    /** Action breakers not closed (open, or half-open waiting for their probe), idle ones forgotten. */
    public synchronized int openCount() {
        Instant forgetBefore = clock.instant().minus(global.window()).minus(halfOpenAfter);
        actions.values().removeIf(a -> a.lastSeen.isBefore(forgetBefore));
        int n = 0;
        for (Action a : actions.values()) {
            if (a.state == State.OPEN) {
                n++;
            }
        }
        return n;
    }

    /** True while the global breaker is open or its probe is out: intake is paused, only the probe goes. */
    public synchronized boolean globalOpen() {
        return globalState == State.OPEN;
    }

    /** True once the global breaker's half-open time has come and no probe is out (a probe may go now). */
    public synchronized boolean globalProbeDue() {
        return globalState == State.OPEN
                && !globalProbeOut
                && !clock.instant().isBefore(globalOpenedAt.plus(global.halfOpenAfter()));
    }

    /** When the global breaker lets its next probe through; null while closed. */
    public synchronized Instant globalProbeAt() {
        return globalState == State.OPEN ? globalOpenedAt.plus(global.halfOpenAfter()) : null;
    }

    /** {@code actions} or {@code token}: why the global breaker opened; null while closed. */
    public synchronized String globalCause() {
        return globalState == State.OPEN ? globalCause : null;
    }

    /** Whether {@code actionId}'s breaker is open (or half-open), and when it lets its probe through. */
    public synchronized Instant probeAt(String actionId) {
        Action a = actions.get(actionId);
        return a == null || a.state == State.CLOSED ? null : a.openedAt.plus(halfOpenAfter);
    }

    /** Forgets every breaker (tests). */
    public synchronized void reset() {
        actions.clear();
        closeGlobal();
    }
}
