package io.cxbridge.common.dlq;

import java.time.Instant;
import java.util.Locale;

/**
 * The filters both dead-letter APIs share: {@code id} (requestId or jobId: that one dead letter), {@code group}
 * (actionId), {@code since} (dead-lettered at or after) and {@code reason} (the error class, case-insensitive, or a
 * part of the reason text). Null means "any".
 */
public record DeadLetterFilter(String id, String group, Instant since, String reason) {

    public static final DeadLetterFilter ANY = new DeadLetterFilter(null, null, null, null);

    public boolean isEmpty() {
        return id == null && group == null && since == null && reason == null;
    }

    public boolean matches(StoredDeadLetter<?> stored) {
        DeadLetter e = stored.entry();
        if (id != null && !id.equals(e.id())) {
            return false;
        }
        if (group != null && !group.equals(e.group())) {
            return false;
        }
        if (since != null && e.deadLetteredAt().isBefore(since)) {
            return false;
        }
        return reason == null
                || reason.equalsIgnoreCase(e.errorClass())
                || e.reason() != null && e.reason().toLowerCase(Locale.ROOT).contains(reason.toLowerCase(Locale.ROOT));
    }
}
