package io.cxbridge.common.kafka;

import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;

/** Kafka refusing a record as too large, from the producer ({@code max.request.size}) or the broker. */
public final class TooLarge {

    /** Whether {@code t} itself is the producer's or the broker's refusal of a record (or batch) as too large. */
    public static boolean is(Throwable t) {
        return t instanceof RecordTooLargeException || t instanceof RecordBatchTooLargeException;
    }

    /** The refusal anywhere in {@code failure}'s cause chain, or null. */
    public static Throwable in(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (is(t)) {
                return t;
            }
        }
        return null;
    }

    private TooLarge() {}
}
