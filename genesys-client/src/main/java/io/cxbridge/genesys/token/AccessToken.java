package io.cxbridge.genesys.token;

import java.time.Duration;
import java.time.Instant;

/**
 * A Genesys access token, when it expires and how long it was issued for. {@link TokenProvider} only makes one with a
 * lifetime between {@link TokenProvider#MIN_LIFETIME} and {@link TokenProvider#MAX_LIFETIME} (48 h), so the
 * arithmetic here (milliseconds in a long) cannot overflow.
 */
public record AccessToken(String value, Instant expiresAt, Duration lifetime) {

    /** Refresh ahead of expiry by min(maxSkew, fraction x lifetime): short-lived tokens behave like long ones. */
    public Instant refreshAt(Duration maxSkew, double fraction) {
        long skewMs = Math.min(maxSkew.toMillis(), (long) (lifetime.toMillis() * fraction));
        return expiresAt.minusMillis(skewMs);
    }

    @Override
    public String toString() {
        return "AccessToken[expiresAt=" + expiresAt + ", lifetime=" + lifetime + "]";
    }
}
