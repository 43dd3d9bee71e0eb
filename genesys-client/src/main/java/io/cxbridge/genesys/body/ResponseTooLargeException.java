package io.cxbridge.genesys.body;

/**
 * An answer longer than the caller's bound ({@link BoundedBody}): refused on its {@code Content-Length}, or as soon as
 * a chunked body passed the bound; nothing of it is kept. The message names the bound (and the declared length), never
 * the body.
 */
public class ResponseTooLargeException extends RuntimeException {

    private final long limit;

    public ResponseTooLargeException(long limit, String detail) {
        super("the answer is larger than " + limit + " bytes" + (detail == null ? "" : " (" + detail + ")"));
        this.limit = limit;
    }

    /** The bound the answer passed, in bytes. */
    public long limit() {
        return limit;
    }

    /** The {@link ResponseTooLargeException} in {@code e}'s causes, or null. */
    public static ResponseTooLargeException in(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ResponseTooLargeException tooLarge) {
                return tooLarge;
            }
        }
        return null;
    }
}
