package io.cxbridge.retry.worker;

import io.cxbridge.model.retry.RunRecord;
import io.cxbridge.retry.breaker.Breakers;
import io.smallrye.mutiny.Uni;

/** Lets tests in other packages make one attempt as a given claim holder would (a stale instance, say). */
public final class Attempts {

    private Attempts() {}

    public static Uni<Void> attempt(Resubmitter resubmitter, RunRecord run, Breakers.Permit permit, String token) {
        return resubmitter.attempt(run, permit, token);
    }
}
