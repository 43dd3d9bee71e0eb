package io.cxbridge.sim.oauth;

import io.cxbridge.sim.config.RuntimeConfig;
import io.cxbridge.sim.config.SimConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Issued access tokens: which client each belongs to and when it expires. */
@ApplicationScoped
public class TokenStore {

    /** A live token's owner and expiry. */
    public record IssuedToken(String clientId, long expiresAtMillis) {}

    private static final int PURGE_EVERY = 1024;

    private final RuntimeConfig config;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, IssuedToken> tokens = new ConcurrentHashMap<>();
    private final AtomicLong issued = new AtomicLong();

    public TokenStore(RuntimeConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    /** Issues a token that lives {@code tokenExpiresIn} seconds; with {@code revokeOnRefresh} the client's older ones die. */
    public String issue(String clientId) {
        SimConfig current = config.get();
        byte[] raw = new byte[32];
        random.nextBytes(raw);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        long expiresAt = clock.millis() + current.tokenExpiresIn() * 1000L;
        synchronized (this) {
            if (current.revokeOnRefresh()) {
                tokens.values().removeIf(t -> t.clientId().equals(clientId));
            }
            tokens.put(token, new IssuedToken(clientId, expiresAt));
        }
        if (issued.incrementAndGet() % PURGE_EVERY == 0) {
            long now = clock.millis();
            tokens.values().removeIf(t -> t.expiresAtMillis() <= now);
        }
        return token;
    }

    /** The live token, or empty when it is unknown, revoked or expired. */
    public Optional<IssuedToken> lookup(String token) {
        IssuedToken found = tokens.get(token);
        if (found == null) {
            return Optional.empty();
        }
        if (found.expiresAtMillis() <= clock.millis()) {
            tokens.remove(token, found);
            return Optional.empty();
        }
        return Optional.of(found);
    }

    public synchronized void reset() {
        tokens.clear();
    }

    /** Revokes every issued token (as an administrator revoking a client's grants would); answers how many. */
    public synchronized int revokeAll() {
        int n = tokens.size();
        tokens.clear();
        return n;
    }
}
