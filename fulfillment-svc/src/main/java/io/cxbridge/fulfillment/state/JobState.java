package io.cxbridge.fulfillment.state;

/**
 * Where a fulfillment job is (SPEC "fulfillment-svc"), plus {@code replayed}: handed back to the jobs topic from the
 * DLQ and not picked up yet (not terminal, so the consumer runs it again).
 */
public enum JobState {
    queued,
    calling,
    posting,
    complete,
    failed,
    dead_lettered,
    replayed,
    /** Nothing called or posted: another job had already posted a result for the same fulfillmentId. */
    duplicate;

    /** The wire name ({@code dead-lettered}). */
    @com.fasterxml.jackson.annotation.JsonValue
    public String wire() {
        return name().replace('_', '-');
    }

    public boolean terminal() {
        return this == complete || this == failed || this == dead_lettered || this == duplicate;
    }
}
