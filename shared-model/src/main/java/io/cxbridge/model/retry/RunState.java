package io.cxbridge.model.retry;

/**
 * Where a failed run is: waiting for its next attempt, finished, or replayed from the DLQ (republished, waiting to
 * be consumed again; it becomes pending once it is).
 */
public enum RunState {
    pending,
    succeeded,
    dead_lettered,
    replayed;

    /** Not in the due set. */
    public boolean terminal() {
        return this != pending;
    }

    /** The API's spelling (dead-lettered). */
    public String label() {
        return name().replace('_', '-');
    }
}
