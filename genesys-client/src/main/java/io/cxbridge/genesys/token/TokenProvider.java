package io.cxbridge.genesys.token;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cxbridge.genesys.body.BoundedBody;
import io.cxbridge.genesys.body.ResponseTooLargeException;
import io.cxbridge.genesys.config.Endpoints;
import io.cxbridge.genesys.config.GenesysConfig;
import io.cxbridge.genesys.url.UpstreamUrl;
import io.cxbridge.model.Json;
import io.cxbridge.model.crypto.TokenCipher;
import io.cxbridge.model.redis.LuaScript;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;
import io.vertx.mutiny.core.MultiMap;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import io.vertx.mutiny.ext.web.client.WebClient;
import io.vertx.mutiny.redis.client.RedisAPI;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * OAuth client-credentials tokens shared by every process through Redis. A refresh is single-flight
 * across threads (one in-process future) and across processes (a Redis lock with a lease; the others
 * poll for the token the lock holder stores). The stored value is sealed with AES-GCM under
 * {@code cxbridge.genesys.token-encryption.*} (the Redis key as associated data), so a Redis reader learns nothing
 * usable. A token is refreshed ahead of expiry by
 * min(max-skew, skew-fraction x lifetime). After an upstream 401, {@link #refused} drops that token
 * (compare-and-delete in Redis) so the next {@link #token()} fetches a new one, unless the platform refuses the client
 * itself: two tokens this process had just fetched refused in a row start a hold ({@code token.refused-hold}, shared
 * through Redis) in which no 401 drops a token, so a caller's loop does not become a loop of token requests. While
 * Redis is away the provider fetches and keeps its own token, and says so in a log line and a counter.
 * <p>
 * The login host's answer is bounded: at most {@link #MAX_TOKEN_ANSWER_BYTES} (refused on its {@code Content-Length},
 * or as soon as a chunked body passes it), and its {@code expires_in} is taken between {@link #MIN_LIFETIME}, below
 * which the answer is refused (no token is kept: a token that expires before a fetch is done is of no use, and would
 * cost a token request per call), and {@link #MAX_LIFETIME}, the platform's longest, to which a longer one is cut (an
 * absurd one, {@code 1e16} s, overflowed the arithmetic). After a failed refresh the next ones wait
 * {@link #FAILURE_HOLD} (on the clock): callers in that time fail at once with the last error instead of sending the
 * failing login host one request each.
 */
public final class TokenProvider {

    private static final Logger LOG = Logger.getLogger(TokenProvider.class);
    private static final Duration REDIS_TIMEOUT = Duration.ofSeconds(1);

    /**
     * The shortest {@code expires_in} taken; a shorter one is refused. The platform's shortest is 5 minutes; tests and
     * the sim use tokens of a few seconds on purpose (refresh at expiry), and a 1 s token costs at most one token
     * request a second for every process together (single flight), so the bound only refuses what cannot be used.
     */
    public static final Duration MIN_LIFETIME = Duration.ofSeconds(1);

    /** The longest token lifetime the platform issues (48 h); a longer {@code expires_in} is cut to it. */
    public static final Duration MAX_LIFETIME = Duration.ofHours(48);

    /** The most of the login host's answer that is read (a token answer is a few hundred bytes). */
    public static final int MAX_TOKEN_ANSWER_BYTES = 64 * 1024;

    /** How long a failed refresh holds the next ones (callers fail at once with its error meanwhile). */
    static final Duration FAILURE_HOLD = Duration.ofSeconds(1);

    /** How much longer than the token request timeout the refresh lock's lease must be. */
    static final Duration LEASE_MARGIN = Duration.ofSeconds(2);

    /**
     * The bounds of {@code token.refused-hold}: a hold shorter than a second bounds little, a long one delays the
     * recovery from two revocations in a row that started one.
     */
    static final Duration MIN_REFUSED_HOLD = Duration.ofSeconds(1);

    static final Duration MAX_REFUSED_HOLD = Duration.ofMinutes(5);

    /**
     * How long after its fetch a token's 401 can be the platform refusing it: the call it was fetched for answers
     * within an attempt (seconds). A caller that reports no accepted answer (fulfillment-svc's result posts) keeps its
     * tokens unproven; a 401 on one older than this is a revocation, never a reason to hold.
     */
    static final Duration FRESH = Duration.ofMinutes(1);

    /**
     * After a 401: reads the hold and drops the shared token unless a hold is on, in one step (a hold written between
     * a separate read and the delete was missed).
     */
    private static final LuaScript DROP_UNLESS_HELD = LuaScript.load(TokenProvider.class, "drop-unless-held.lua");

    private final GenesysConfig.Token settings;
    private final String clientId;
    private final String clientSecret;
    private final UpstreamUrl tokenUrl;
    private final WebClient web;
    private final RedisAPI redis;
    private final Clock clock;
    private final String tokenKey;
    private final String lockKey;
    /**
     * Until when (epoch ms, on the clock of the process that started it) no 401 drops the token: the hold every process
     * honours, each for at most {@code refused-hold} after it first reads it (see {@link #holdEnd}).
     */
    private final String holdKey;

    private final AtomicReference<AccessToken> local = new AtomicReference<>();
    private final AtomicReference<Uni<AccessToken>> inflight = new AtomicReference<>();
    private final Counter fetched;
    private final Counter fetchFailed;
    private final Counter redisFallback;
    private final TokenCipher cipher;
    private volatile String rejected;
    /** The last token this process fetched from the login host, until an answer other than 401 shows it works. */
    private volatile AccessToken unproven;

    /**
     * Tokens this process fetched that were refused before any answer took a token, in a row; the last of them, and
     * when it was refused.
     */
    private record Refusals(String last, int inARow, Instant at) {}

    private static final Refusals NO_REFUSALS = new Refusals(null, 0, Instant.MIN);
    /** Written under {@link #refusalLock} (see {@link #decide}). */
    private volatile Refusals refusals = NO_REFUSALS;

    private final Object refusalLock = new Object();

    /**
     * This process's copy of the shared hold: the value Redis holds it under ({@code record}) and until when, on this
     * process's clock, a 401 drops no token: at most {@code refused-hold} after this process first read it or started
     * it, whatever end the record names (another process's clock may be minutes ahead).
     */
    private record Hold(String record, Instant until) {}

    private static final Hold NO_HOLD = new Hold(null, Instant.MIN);
    /** Written under {@link #refusalLock}. */
    private volatile Hold hold = NO_HOLD;

    /**
     * What Redis holds for a 401's verdict: the hold's record, and the shared token (sealed, and opened); {@code read}
     * false when Redis did not answer.
     */
    private record Shared(boolean read, String holdRecord, String sealed, AccessToken token) {}

    private static final Shared UNKNOWN = new Shared(false, null, null, null);

    /** After a 401: drop the token (the call may go again), keep it (held), or keep it and start the hold. */
    private enum Verdict {
        DROP,
        HELD,
        HOLD
    }

    private volatile boolean redisDown;

    /** The last refresh failed: its error, and until when further refreshes are held. */
    private record Failure(Throwable error, Instant until) {}

    private volatile Failure lastFailure;

    public TokenProvider(
            GenesysConfig config,
            Endpoints endpoints,
            WebClient web,
            RedisAPI redis,
            Clock clock,
            MeterRegistry registry) {
        this.settings = config.token();
        checkLease(settings);
        checkRefusedHold(settings);
        this.clientId = config.clientId();
        this.clientSecret = config.clientSecret();
        this.tokenUrl = endpoints.tokenUrl();
        this.web = web;
        this.redis = redis;
        this.clock = clock;
        this.tokenKey = settings.keyPrefix() + ":token:" + clientId;
        this.cipher = TokenCipher.fromSettings(
                "cxbridge.genesys.token-encryption",
                config.tokenEncryption().currentKeyId(),
                config.tokenEncryption().keys());
        this.lockKey = tokenKey + ":lock";
        this.holdKey = holdKeyOf(tokenKey);
        this.fetched = Counter.builder("cxbridge.genesys.token.requests")
                .tag("outcome", "ok")
                .description("token requests sent to the login host")
                .register(registry);
        this.fetchFailed = Counter.builder("cxbridge.genesys.token.requests")
                .tag("outcome", "failed")
                .register(registry);
        this.redisFallback = Counter.builder("cxbridge.genesys.token.redis.fallback")
                .description("token look-ups served in-process because Redis did not answer")
                .register(registry);
    }

    /**
     * The refresh lock is not renewed while its holder waits for the login host, so its lease must outlast the token
     * request (and the store after it): else a second process takes the lock and fetches too.
     */
    static void checkLease(GenesysConfig.Token settings) {
        Duration least = settings.requestTimeout().plus(LEASE_MARGIN);
        if (settings.lockLease().compareTo(least) <= 0) {
            throw new IllegalArgumentException("cxbridge.genesys.token.lock-lease (" + settings.lockLease()
                    + ") must be longer than cxbridge.genesys.token.request-timeout ("
                    + settings.requestTimeout() + ") plus " + LEASE_MARGIN.toSeconds() + " s");
        }
    }

    /**
     * The hold's key, in the token key's Redis Cluster slot so that one script reads the hold and drops the token. A
     * token key without a hash tag is hashed whole, so its whole name is the hold key's tag:
     * {@code {<prefix>:token:<clientId>}:refused}; one with a tag of its own (a prefix such as {@code {cx}:genesys})
     * lends it to anything that starts with it: {@code <token key>:refused}. The token key itself is unchanged, so a
     * rolling upgrade keeps one shared token. A prefix or client id whose braces defeat both is refused at start-up.
     */
    static String holdKeyOf(String tokenKey) {
        String key = (slotName(tokenKey).equals(tokenKey) ? "{" + tokenKey + "}" : tokenKey) + ":refused";
        if (!slotName(key).equals(slotName(tokenKey))) {
            throw new IllegalArgumentException("the Genesys token key " + tokenKey
                    + " (cxbridge.genesys.token.key-prefix and client-id) has a '}' outside a hash tag:"
                    + " its refused hold cannot share its Redis Cluster slot");
        }
        return key;
    }

    /** What Redis Cluster hashes of {@code key}: the first non-empty {@code {...}}, else the whole key. */
    static String slotName(String key) {
        int open = key.indexOf('{');
        if (open >= 0) {
            int close = key.indexOf('}', open + 1);
            if (close > open + 1) {
                return key.substring(open + 1, close);
            }
        }
        return key;
    }

    static void checkRefusedHold(GenesysConfig.Token settings) {
        Duration hold = settings.refusedHold();
        if (hold.compareTo(MIN_REFUSED_HOLD) < 0 || hold.compareTo(MAX_REFUSED_HOLD) > 0) {
            throw new IllegalArgumentException("cxbridge.genesys.token.refused-hold (" + hold + ") must be between "
                    + MIN_REFUSED_HOLD.toSeconds() + " s and " + MAX_REFUSED_HOLD.toMinutes() + " min");
        }
    }

    /** A token that is not due for refresh; fetches (once, for everyone) when needed. */
    public Uni<String> token() {
        AccessToken t = local.get();
        if (usable(t)) {
            return Uni.createFrom().item(t.value());
        }
        return refreshOnce().map(AccessToken::value);
    }

    /** After a 401 on {@code token}: drops it unless the platform refuses the client (see {@link #refused}). */
    public Uni<Void> reject(String token) {
        return refused(token).replaceWithVoid();
    }

    /**
     * After a 401 on {@code token}: true when it was dropped (here, and in Redis by compare-and-delete if it is still
     * the shared one), so the call may go again with the newest token; false when it is kept because the platform
     * refuses the client: two tokens this process had just fetched refused in a row (no answer took a token between),
     * or one refused right after a hold, and still the shared one (not replaced by another process meanwhile, nor
     * dropped: Redis holding none is no verdict). That starts a hold of {@code token.refused-hold} in Redis, in which
     * no process drops a token on a 401, so no call costs a token request; each process holds at most that long after
     * it first reads the hold, whatever its clock. After it the next 401 drops the held token and one new one is
     * tried. A token that has worked, or that another process fetched, is dropped, unless a hold has started since
     * the 401 read Redis (the delete is one script with a last look at the hold): a revocation recovers with the next
     * token.
     */
    public Uni<Boolean> refused(String token) {
        if (heldLocally(clock.instant())) {
            return Uni.createFrom().item(false); // held: not even a Redis read
        }
        // One MGET: the hold key shares the token key's slot (holdKeyOf).
        return redis(redis.mget(List.of(holdKey, tokenKey)))
                .map(r -> {
                    String sealed = text(r.get(1));
                    return new Shared(true, text(r.get(0)), sealed, sealed == null ? null : parseStored(sealed));
                })
                .onFailure()
                .recoverWithItem(e -> {
                    noteRedisDown(e);
                    return UNKNOWN;
                })
                .onItem()
                .transformToUni(shared -> switch (decide(token, shared)) {
                    case DROP -> dropUnlessHeld(token, shared);
                    case HELD -> Uni.createFrom().item(false);
                    case HOLD -> startHold().replaceWith(false);
                });
    }

    /**
     * Whether this process holds at {@code now} by its own copy of the hold. A copy that ends more than a hold from now
     * was taken before this clock stepped back: it is cut to a hold from now, so a step back of X does not hold X more.
     */
    private boolean heldLocally(Instant now) {
        Hold h = hold;
        if (!now.isBefore(h.until())) {
            return false;
        }
        Instant latest = now.plus(settings.refusedHold());
        if (h.until().isAfter(latest)) {
            synchronized (refusalLock) {
                if (hold == h) {
                    hold = new Hold(h.record(), latest);
                }
            }
        }
        return true;
    }

    /**
     * Until when, on this process's clock, the hold Redis holds as {@code record} lasts: the end it names, but at most
     * {@code refused-hold} after this process first read it (remembered, so a later read of the same record does not
     * move it). The end is written on the starting process's clock; read as it is, a clock ten minutes behind held ten
     * minutes more, answering 401 with the refused token after the platform recovered. Null without a record.
     */
    private Instant holdEnd(String record, Instant now) {
        if (record == null) {
            return null;
        }
        Hold h = hold;
        if (record.equals(h.record())) {
            return h.until();
        }
        Instant written = epochMillis(record);
        if (written == null) {
            return null; // not ours: no hold
        }
        Instant latest = now.plus(settings.refusedHold());
        Instant until = written.isAfter(latest) ? latest : written;
        if (now.isBefore(until)) {
            hold = new Hold(record, until.isBefore(h.until()) ? h.until() : until);
        }
        return until;
    }

    /**
     * Drops the refused token here and, when Redis still holds it, there too, unless a hold is on: one script reads
     * the hold and deletes the token, so a hold another process writes after this 401 read Redis is never missed. Two
     * processes refused the one token tried after a hold at once: the one that fetched it starts the next hold, the
     * others (whose token it is not) drop it, and a separate look at the hold before the delete let one of them ask
     * for another token while the hold was being written. Redis holding no token is looked at too (the call would go
     * on to a token request). Another token there, or Redis away: dropped here only, the newest costs no request.
     */
    private Uni<Boolean> dropUnlessHeld(String token, Shared shared) {
        if (!shared.read() || (shared.token() != null && !shared.token().value().equals(token))) {
            dropLocally(token);
            return Uni.createFrom().item(true);
        }
        Hold known = hold;
        Instant now = clock.instant();
        List<String> args = List.of(
                "2",
                tokenKey,
                holdKey,
                shared.token() == null ? "" : shared.sealed(), // sealed: delete exactly the value read
                String.valueOf(now.toEpochMilli()),
                known.record() == null ? "" : known.record(),
                known.record() == null ? "0" : String.valueOf(known.until().toEpochMilli()));
        return redis(DROP_UNLESS_HELD.run(redis, args))
                .map(r -> {
                    if ("held".equals(text(r.get(0)))) {
                        synchronized (refusalLock) {
                            holdEnd(text(r.get(1)), clock.instant()); // remembered: later 401s do not ask Redis
                        }
                        return false;
                    }
                    dropLocally(token);
                    return true;
                })
                .onFailure()
                .recoverWithItem(e -> {
                    noteRedisDown(e);
                    dropLocally(token);
                    return true;
                });
    }

    /** An upstream answer other than 401 came for {@code token}: it works, and the platform takes the client. */
    public void accepted(String token) {
        AccessToken fresh = unproven;
        if (fresh != null && fresh.value().equals(token)) {
            unproven = null;
        }
        if (refusals != NO_REFUSALS) { // read on every answer; written only after a refusal
            synchronized (refusalLock) {
                refusals = NO_REFUSALS;
            }
        }
    }

    /**
     * One step under a lock (short, no I/O), so that of several 401s on one token at once exactly one counts it or
     * starts the hold.
     */
    private Verdict decide(String token, Shared shared) {
        synchronized (refusalLock) {
            return decideLocked(token, shared);
        }
    }

    private Verdict decideLocked(String token, Shared shared) {
        Instant now = clock.instant();
        // another process holds: so does this one (remembered in hold: later 401s do not ask Redis)
        Instant holdUntil = holdEnd(shared.holdRecord(), now);
        if (holdUntil != null && now.isBefore(holdUntil)) {
            return Verdict.HELD;
        }
        if (heldLocally(now)) {
            return Verdict.HELD; // started here while this 401 read Redis
        }
        Refusals before = refusals;
        AccessToken fresh = unproven;
        if (fresh == null
                || !fresh.value().equals(token)
                || !now.isBefore(fresh.expiresAt().minus(fresh.lifetime()).plus(FRESH))
                || token.equals(before.last())) {
            // It has worked, or came from Redis (revoked, or refreshed while the call was in flight), or is no longer
            // fresh, or was counted already (another call's 401, or the token of a hold now over): drop it.
            return Verdict.DROP;
        }
        // "In a row" within a minute: two revocations far apart are no verdict even where no answer is reported.
        int earlier = now.isBefore(before.at().plus(FRESH)) ? before.inARow() : 0;
        refusals = new Refusals(token, earlier + 1, now);
        boolean afterHold = holdUntil != null && now.isBefore(holdUntil.plus(settings.refusedHold()));
        // Another process stored another token meanwhile: its fetch may have revoked this one; not a verdict. Nor is
        // none there: another process dropped this one (its 401 came first) and asks for the next, which a hold
        // started now would not stop, and any process would ask for one while Redis holds none.
        boolean replaced = shared.read()
                && (shared.token() == null || !shared.token().value().equals(token));
        if ((earlier >= 1 || afterHold) && !replaced) {
            Instant until = now.plus(settings.refusedHold());
            hold = new Hold(String.valueOf(until.toEpochMilli()), until);
            return Verdict.HOLD;
        }
        return Verdict.DROP;
    }

    /** This process takes the refused token no more; the next {@link #token()} reads Redis or fetches. */
    private void dropLocally(String token) {
        rejected = token;
        AccessToken t = local.get();
        if (t != null && t.value().equals(token)) {
            local.compareAndSet(t, null);
        }
    }

    /**
     * Shares the hold {@link #decide} started here. The record outlives the hold by another hold (and a minute of
     * slack), so that a process that tries the one new token after it and sees it refused holds again at once.
     */
    private Uni<Void> startHold() {
        Hold started = hold;
        LOG.warnf(
                "Genesys refused (401) the tokens this process fetched for client %s before any answer took one: the"
                        + " platform does not take the client (login host and API base of different regions? a client"
                        + " it does not know?). For %s no 401 drops a token and no token is asked for, in any process",
                clientId, settings.refusedHold());
        long ttl = settings.refusedHold().multipliedBy(2).plusMinutes(1).toMillis();
        return redis(redis.set(List.of(holdKey, started.record(), "PX", String.valueOf(ttl))))
                .replaceWithVoid()
                .onFailure()
                .recoverWithItem(e -> {
                    noteRedisDown(e);
                    return null;
                });
    }

    private static String text(io.vertx.mutiny.redis.client.Response r) {
        return r == null ? null : r.toString();
    }

    private static Instant epochMillis(String value) {
        if (value == null) {
            return null;
        }
        try {
            return Instant.ofEpochMilli(Long.parseLong(value));
        } catch (NumberFormatException e) {
            return null; // not ours: no hold
        }
    }

    private boolean usable(AccessToken t) {
        return t != null
                && !t.value().equals(rejected)
                && clock.instant().isBefore(t.refreshAt(settings.maxSkew(), settings.skewFraction()));
    }

    /** In-process single flight: concurrent callers share one refresh. */
    private Uni<AccessToken> refreshOnce() {
        while (true) {
            Uni<AccessToken> current = inflight.get();
            if (current != null) {
                return current;
            }
            Failure failed = lastFailure;
            if (failed != null && clock.instant().isBefore(failed.until())) {
                return Uni.createFrom().failure(failed.error()); // the login host failed a moment ago: not again yet
            }
            CompletableFuture<AccessToken> future = new CompletableFuture<>();
            Uni<AccessToken> shared = Uni.createFrom().completionStage(future);
            if (inflight.compareAndSet(null, shared)) {
                Instant giveUpAt = clock.instant().plus(settings.lockLease()).plus(settings.requestTimeout());
                Uni.createFrom()
                        .deferred(() -> sharedOrFetch(giveUpAt))
                        .onFailure(RedisUnavailable.class)
                        .recoverWithUni(e -> {
                            noteRedisDown(e.getCause());
                            return fetch();
                        })
                        .subscribe()
                        .with(
                                token -> {
                                    local.set(token);
                                    lastFailure = null;
                                    inflight.set(null);
                                    future.complete(token);
                                },
                                error -> {
                                    lastFailure =
                                            new Failure(error, clock.instant().plus(FAILURE_HOLD));
                                    inflight.set(null);
                                    future.completeExceptionally(error);
                                });
                return shared;
            }
        }
    }

    /** Cross-process single flight: use the shared token, or take the lock and fetch, or wait for the holder. */
    private Uni<AccessToken> sharedOrFetch(Instant giveUpAt) {
        return readShared().onItem().transformToUni(shared -> {
            if (shared != null) {
                return Uni.createFrom().item(shared);
            }
            String owner = UUID.randomUUID().toString();
            return redis(redis.set(List.of(
                            lockKey,
                            owner,
                            "NX",
                            "PX",
                            String.valueOf(settings.lockLease().toMillis()))))
                    .onItem()
                    .transformToUni(ok -> ok != null ? fetchUnderLock(owner) : waitForHolder(giveUpAt));
        });
    }

    private Uni<AccessToken> waitForHolder(Instant giveUpAt) {
        if (clock.instant().isAfter(giveUpAt)) {
            return Uni.createFrom()
                    .failure(new TokenException(
                            "no token after waiting " + settings.lockLease().plus(settings.requestTimeout())
                                    + " for another process to fetch one"));
        }
        return Uni.createFrom()
                .voidItem()
                .onItem()
                .delayIt()
                .by(settings.pollInterval())
                .onItem()
                .transformToUni(ignored -> sharedOrFetch(giveUpAt));
    }

    private Uni<AccessToken> fetchUnderLock(String owner) {
        // Another process may have stored a token between our read and our lock.
        return readShared()
                .onItem()
                .transformToUni(shared -> shared != null
                        ? Uni.createFrom().item(shared)
                        // deferred: a store that throws is a failure the recovery sees, not a failed refresh
                        : fetch().call(t -> Uni.createFrom()
                                .deferred(() -> store(t))
                                .onFailure()
                                .recoverWithUni(e -> {
                                    noteRedisDown(e);
                                    return Uni.createFrom().voidItem();
                                })))
                .onTermination()
                .call(() -> redis(LuaScript.COMPARE_AND_DELETE.run(redis, List.of("1", lockKey, owner)))
                        .onFailure()
                        .recoverWithNull());
    }

    private Uni<AccessToken> readShared() {
        return redis(redis.get(tokenKey)).map(r -> {
            if (r == null) {
                return null;
            }
            AccessToken t = parseStored(r.toString());
            return usable(t) ? t : null;
        });
    }

    private Uni<Void> store(AccessToken token) {
        ObjectNode json = Json.mapper()
                .createObjectNode()
                .put("token", token.value())
                .put("expiresAt", token.expiresAt().toEpochMilli())
                .put("lifetimeMs", token.lifetime().toMillis());
        long ttl =
                Math.max(1, Duration.between(clock.instant(), token.expiresAt()).toMillis());
        String sealed = cipher.encrypt(json.toString(), tokenKey);
        return redis(redis.set(List.of(tokenKey, sealed, "PX", String.valueOf(ttl))))
                .replaceWithVoid();
    }

    /** The stored token, or null when the value does not open with a configured key (then a new one is fetched). */
    private AccessToken parseStored(String stored) {
        try {
            JsonNode n = Json.mapper().readTree(cipher.decrypt(stored, tokenKey));
            return new AccessToken(
                    n.get("token").asText(),
                    Instant.ofEpochMilli(n.get("expiresAt").asLong()),
                    Duration.ofMillis(n.get("lifetimeMs").asLong()));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** One token request to the login host: Basic auth, {@code grant_type=client_credentials}. */
    private Uni<AccessToken> fetch() {
        Instant requestedAt = clock.instant();
        return BoundedBody.bound(
                        web.request(HttpMethod.POST, tokenUrl.options(HttpMethod.POST)), MAX_TOKEN_ANSWER_BYTES)
                .basicAuthentication(clientId, clientSecret)
                .putHeader("Accept", "application/json")
                .sendForm(MultiMap.caseInsensitiveMultiMap().add("grant_type", "client_credentials"))
                .ifNoItem()
                .after(settings.requestTimeout())
                .failWith(() -> new TokenException("the login host did not answer within " + settings.requestTimeout()))
                .onItem()
                .transform(response -> parseTokenResponse(response, requestedAt))
                .onItem()
                .invoke(t -> {
                    unproven = t;
                    fetched.increment();
                    LOG.infof("fetched a Genesys token for client %s, valid %s", clientId, t.lifetime());
                })
                .onFailure()
                .invoke(e -> {
                    fetchFailed.increment();
                    LOG.warnf("Genesys token request for client %s failed: %s", clientId, e.getMessage());
                })
                .onFailure()
                .transform(e -> e instanceof TokenException
                        ? e
                        : ResponseTooLargeException.in(e) != null
                                ? new TokenException(
                                        "the login host's answer is larger than " + MAX_TOKEN_ANSWER_BYTES + " bytes",
                                        e)
                                : new TokenException(
                                        "token request failed: " + e.getClass().getSimpleName(), e));
    }

    private AccessToken parseTokenResponse(HttpResponse<?> response, Instant requestedAt) {
        if (response.statusCode() != 200) {
            throw new TokenException("the login host answered " + response.statusCode()
                    + (response.statusCode() == 401 ? " (check cxbridge.genesys.client-id and client-secret)" : ""));
        }
        JsonNode body;
        try {
            body = Json.mapper().readTree(response.bodyAsString());
        } catch (IOException e) {
            throw new TokenException("the login host answered with a body that is not JSON");
        }
        JsonNode token = body == null ? null : body.get("access_token");
        JsonNode expiresIn = body == null ? null : body.get("expires_in");
        if (token == null
                || !token.isTextual()
                || token.asText().isBlank()
                || expiresIn == null
                || !expiresIn.isNumber()
                || !(expiresIn.asDouble() > 0)) {
            throw new TokenException("the login host's answer lacks access_token or a positive expires_in");
        }
        Duration lifetime = lifetime(expiresIn);
        return new AccessToken(token.asText(), requestedAt.plus(lifetime), lifetime);
    }

    /** {@code expires_in} (seconds) as a lifetime: refused below {@link #MIN_LIFETIME}, cut to {@link #MAX_LIFETIME}. */
    private Duration lifetime(JsonNode expiresIn) {
        double seconds = expiresIn.asDouble();
        if (seconds < MIN_LIFETIME.toSeconds()) {
            throw new TokenException("the login host's answer has expires_in " + expiresIn.asText()
                    + " s, less than the " + MIN_LIFETIME.toSeconds() + " s a token must live to be of use");
        }
        if (seconds > MAX_LIFETIME.toSeconds()) {
            LOG.warnf(
                    "the login host's answer has expires_in %s s, more than the platform's %s: taken as %s",
                    expiresIn.asText(), MAX_LIFETIME, MAX_LIFETIME);
            return MAX_LIFETIME;
        }
        return Duration.ofSeconds(expiresIn.asLong());
    }

    private <T> Uni<T> redis(Uni<T> call) {
        return call.ifNoItem()
                .after(REDIS_TIMEOUT)
                .failWith(TimeoutException::new)
                .onItem()
                .invoke(ignored -> noteRedisBack())
                .onFailure()
                .transform(RedisUnavailable::new);
    }

    private void noteRedisDown(Throwable cause) {
        redisFallback.increment();
        if (!redisDown) {
            redisDown = true;
            LOG.warnf(
                    "Redis did not answer (%s): Genesys tokens are kept in-process until it is back",
                    cause == null ? "unknown" : cause.getClass().getSimpleName());
        }
    }

    private void noteRedisBack() {
        if (redisDown) {
            redisDown = false;
            LOG.info("Redis answers again: Genesys tokens are shared again");
        }
    }

    /** A Redis call failed or timed out; the provider falls back to an in-process token. */
    static final class RedisUnavailable extends RuntimeException {
        RedisUnavailable(Throwable cause) {
            super(cause);
        }
    }
}
