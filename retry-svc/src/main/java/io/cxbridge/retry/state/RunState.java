package io.cxbridge.retry.state;

/** Where a failed run is: waiting for its next attempt, or finished. */
public enum RunState {
    pending, succeeded, dead_lettered;

    public boolean terminal() {
        return this != pending;
    }

    /** The API's spelling (dead-lettered). */
    public String label() {
        return name().replace('_', '-');
    }
}
