package io.cxbridge.genesys.retry;

import java.net.ConnectException;

/**
 * The one classification of Genesys answers every service uses. <em>Transient</em> = 408, 429, 500, 502, 503,
 * 504 and connection failures: the same call may work later. Whether a call is re-sent automatically is a
 * narrower rule, because a re-sent POST may be applied twice: only when transient and (the method is
 * idempotent, or the answer is 429, or no byte reached upstream).
 */
public final class Transience {

    /** True for the answers that say "try again later": 408, 429, 500, 502, 503, 504. */
    public static boolean isTransient(int status) {
        return switch (status) {
            case 408, 429, 500, 502, 503, 504 -> true;
            default -> false;
        };
    }

    /**
     * Whether an answered call may be re-sent at once: transient, and idempotent or 429 (a 429 says the call was
     * not processed). An answer means bytes reached upstream, so "nothing sent" never applies here.
     */
    public static boolean mayResend(int status, boolean idempotent) {
        return isTransient(status) && (idempotent || status == 429);
    }

    /**
     * Whether a call that got no answer (a connection failure or a timeout) may be re-sent: when the method is
     * idempotent, or when no byte reached upstream (see {@link #nothingSent}).
     */
    public static boolean mayResendUnanswered(Throwable failure, boolean idempotent) {
        return idempotent || nothingSent(failure);
    }

    /** A refused connection: the request never left this process. */
    public static boolean nothingSent(Throwable failure) {
        return failure instanceof ConnectException || failure.getCause() instanceof ConnectException;
    }

    private Transience() {}
}
