package io.cxbridge.common.dlq;

import java.time.Instant;

/**
 * A dead letter as the index holds it: the service's entry (in a listing, its summary), the original record value
 * where the service keeps one for replay ({@code payload}, null otherwise or when not read), the replay mark
 * ({@code replayedAt}, null until replayed; cleared when dead-lettered again), how often it was replayed, and whether
 * its payload was left out of the index because the index's payload budget was spent ({@code payloadOmitted}: the
 * record value is then only on the DLQ topic).
 */
public record StoredDeadLetter<T extends DeadLetter>(
        T entry, String payload, Instant replayedAt, int replays, boolean payloadOmitted) {

    public StoredDeadLetter(T entry, String payload, Instant replayedAt, int replays) {
        this(entry, payload, replayedAt, replays, false);
    }

    public boolean replayed() {
        return replayedAt != null;
    }
}
