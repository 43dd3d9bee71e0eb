package io.cxbridge.genesys.token;

import java.time.Duration;
import java.time.Instant;

/** A Genesys access token, when it expires and how long it was issued for. */
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
