package io.cxbridge.common.dlq;

import java.time.Instant;

/**
 * A dead letter as the index holds it: the service's entry (in a listing, its summary), the original record value
 * where the service keeps one for replay ({@code payload}, null otherwise or when not read), the replay mark
 * ({@code replayedAt}, null until replayed; cleared when dead-lettered again) and how often it was replayed.
 */
public record StoredDeadLetter<T extends DeadLetter>(T entry, String payload, Instant replayedAt, int replays) {

    public boolean replayed() {
        return replayedAt != null;
    }
}
