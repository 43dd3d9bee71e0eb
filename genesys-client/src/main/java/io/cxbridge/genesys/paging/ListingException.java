package io.cxbridge.genesys.paging;

/**
 * A listing that could not be read whole; nothing of it should be kept. {@link Kind#INCOMPLETE} carries the
 * counts: the {@code total} the platform reported and how many distinct entities were read.
 */
public class ListingException extends RuntimeException {

    public enum Kind {
        /** The entities read do not match the listing's total, even after one re-read. */
        INCOMPLETE,
        /** More pages, bytes or entities than the bounds allow. */
        TOO_LARGE,
        /** A next link to another host, or one that loops. */
        BAD_LINK,
        /** A page answered with a status other than 200. */
        UPSTREAM_STATUS,
        /** A page that is not a JSON object with an {@code entities} array. */
        NOT_A_LISTING
    }

    private final Kind kind;
    private final long expected;
    private final long read;
    private final int status;

    public ListingException(Kind kind, String message, long expected, long read, int status) {
        super(message);
        this.kind = kind;
        this.expected = expected;
        this.read = read;
        this.status = status;
    }

    public Kind kind() {
        return kind;
    }

    /** The listing's reported total (INCOMPLETE, TOO_LARGE), else -1. */
    public long expected() {
        return expected;
    }

    /** Distinct entities read (INCOMPLETE), else -1. */
    public long read() {
        return read;
    }

    /** The page's HTTP status (UPSTREAM_STATUS), else 0. */
    public int status() {
        return status;
    }
}
