package io.cxbridge.retry.worker;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * When the resubmitter's poll loop ticks next (issue #20: an idle service must not poll every 100 ms). A tick answers
 * when it wants the next one: soon ({@code min-interval}) while runs are due now, else when the earliest scheduled
 * run is due; never later than {@code max-sleep} (runs scheduled by another replica, a replay or a rebuild are not
 * announced here) and never sooner than {@code min-interval} after the previous tick began, so a busy loop polls no
 * faster than before. {@link #wake} brings the next tick forward when a run is scheduled earlier than it (intake, an
 * attempt that ended). Ticks never overlap: a wake during a tick is kept for when it ends. One Vert.x timer at a time.
 */
final class PollTimer {

    private static final Logger LOG = Logger.getLogger(PollTimer.class);

    private final Vertx vertx;
    private final Clock clock;
    private final Duration minInterval;
    private final Duration maxSleep;
    private final Supplier<Uni<Instant>> tick;

    private long timerId = -1;
    private Instant plannedAt;
    private Instant lastTickAt = Instant.MIN;
    private boolean ticking;
    private Instant wokenDuringTick;
    private boolean stopped;

    /** {@code tick}: polls once and answers when it wants the next tick. */
    PollTimer(Vertx vertx, Clock clock, Duration minInterval, Duration maxSleep, Supplier<Uni<Instant>> tick) {
        this.vertx = vertx;
        this.clock = clock;
        this.minInterval = minInterval;
        this.maxSleep = maxSleep.compareTo(minInterval) < 0 ? minInterval : maxSleep;
        this.tick = tick;
    }

    /** Arms the first tick {@code in} from now. */
    synchronized void start(Duration in) {
        stopped = false;
        arm(clock.instant().plus(in));
    }

    synchronized void stop() {
        stopped = true;
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
            timerId = -1;
        }
    }

    /** A run is due at {@code due}: the next tick comes no later than that (within {@code min-interval}). */
    synchronized void wake(Instant due) {
        if (stopped || due == null) {
            return;
        }
        if (ticking) {
            wokenDuringTick = earlier(wokenDuringTick, due);
            return;
        }
        if (timerId >= 0 && plannedAt != null && !due.isBefore(plannedAt)) {
            return;
        }
        arm(due);
    }

    /** When the next tick is planned (null while a tick runs or after stop). */
    synchronized Instant plannedAt() {
        return timerId >= 0 ? plannedAt : null;
    }

    private void arm(Instant at) {
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
        }
        Instant now = clock.instant();
        Instant earliest = lastTickAt.equals(Instant.MIN) ? now : lastTickAt.plus(minInterval);
        Instant target = at.isBefore(earliest) ? earliest : at;
        Instant latest = now.plus(maxSleep);
        if (target.isAfter(latest)) {
            target = latest;
        }
        long delayMs = Math.max(1, Duration.between(now, target).toMillis());
        plannedAt = now.plusMillis(delayMs);
        timerId = vertx.setTimer(delayMs, this::fire);
    }

    private void fire(long id) {
        synchronized (this) {
            if (id != timerId || stopped) {
                return;
            }
            timerId = -1;
            ticking = true;
            lastTickAt = clock.instant();
        }
        Uni<Instant> next;
        try {
            next = tick.get();
        } catch (RuntimeException e) {
            next = Uni.createFrom().failure(e);
        }
        next.onFailure()
                .recoverWithItem(e -> {
                    LOG.warnf("resubmitting due runs: %s", e.toString());
                    return clock.instant().plus(minInterval);
                })
                .subscribe()
                .with(this::ticked);
    }

    private synchronized void ticked(Instant wanted) {
        ticking = false;
        Instant at = earlier(wanted == null ? clock.instant().plus(minInterval) : wanted, wokenDuringTick);
        wokenDuringTick = null;
        if (!stopped) {
            arm(at);
        }
    }

    private static Instant earlier(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        return b == null || a.isBefore(b) ? a : b;
    }
}
