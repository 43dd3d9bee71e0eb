package io.cxbridge.fulfillment.state;

/** Where a fulfillment job is (SPEC "fulfillment-svc"). */
public enum JobState {
    queued, calling, posting, complete, failed, dead_lettered;

    /** The wire name ({@code dead-lettered}). */
    @com.fasterxml.jackson.annotation.JsonValue
    public String wire() {
        return name().replace('_', '-');
    }

    public boolean terminal() {
        return this == complete || this == failed || this == dead_lettered;
    }
}
