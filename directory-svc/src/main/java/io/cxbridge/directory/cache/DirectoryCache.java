package io.cxbridge.directory.cache;

import io.cxbridge.common.logging.LogThrottle;
import io.cxbridge.directory.entry.InvalidDirectoryException;
import io.cxbridge.directory.metrics.CacheMetrics;
import io.cxbridge.directory.source.DirectorySources;
import io.cxbridge.model.Json;
import io.cxbridge.model.event.DirectoryInvalidation;
import io.cxbridge.model.redis.LuaScript;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.redis.client.RedisAPI;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiPredicate;
import java.util.function.UnaryOperator;
import org.jboss.logging.Logger;

/**
 * The two-level directory cache of one replica: L1 in-process (strict LRU, bounded), L2 in Redis (shared by
 * every replica, one JSON value per directory, so a write is atomic), then Genesys (all pages).
 * <ul>
 * <li>A read is HIT-L1, HIT-L2, STALE (expired but within {@code staleFactor} x TTL: served at once while one
 * refresh runs in the background) or MISS (loaded now).</li>
 * <li>A load is single-flight within the process (one shared future per directory) and across replicas (a
 * {@code SET NX PX} lock in Redis; the others wait for the holder's {@code PUBLISH} ({@link LoadSignals}), then read
 * the entry it stored once).</li>
 * <li>An invalidation drops what was loaded at or before its {@code issuedAt} from both levels (in Redis by a
 * compare-and-delete script), so it never throws away fresher data.</li>
 * <li>Without Redis the replica keeps serving L1 and loads on its own.</li>
 * </ul>
 * Plain class: the service wires one; tests build several on one Redis as "replicas".
 */
public final class DirectoryCache {

    private static final Logger LOG = Logger.getLogger(DirectoryCache.class);
    private static final Duration REDIS_TIMEOUT = Duration.ofSeconds(1);

    /**
     * Deletes the stored directory when it was loaded at or before ARGV[1] (epoch ms), and leaves a mark (KEYS[2],
     * kept ARGV[2] ms) so that a load which started before the invalidation cannot store its result after it.
     */
    private static final LuaScript INVALIDATE = LuaScript.load(DirectoryCache.class, "invalidate.lua");
    /** Stores the directory unless an invalidation issued at or after its load (ARGV[3]) is marked in KEYS[2]. */
    private static final LuaScript WRITE = LuaScript.load(DirectoryCache.class, "write.lua");

    public enum Source {
        HIT_L1("HIT-L1"),
        HIT_L2("HIT-L2"),
        MISS("MISS"),
        STALE("STALE");

        private final String header;

        Source(String header) {
            this.header = header;
        }

        public String header() {
            return header;
        }
    }

    /**
     * A directory as read, with its whole answer as JSON bytes when L1 holds them ({@code answer} may be null: then
     * the caller writes it).
     */
    public record Read(CachedDirectory directory, Source source, byte[] answer) {}

    /**
     * What L1 keeps: the directory and its whole answer, written once when it is put there; {@code weight}, counted
     * in the byte bound, is the estimated heap of the directory plus the answer's bytes.
     */
    record Held(CachedDirectory directory, byte[] answer, long weight) {
        static Held of(CachedDirectory d) {
            byte[] answer = DirectoryAnswer.bytes(d);
            return new Held(d, answer, Footprint.of(d) + answer.length);
        }
    }

    /** What this replica last saw of a directory: its last load (or failed load) and the last client read. */
    public record Status(Instant lastLoadedAt, String lastOutcome, Instant lastReadAt) {}

    private record Stored(long loadedAtMs, CachedDirectory directory) {}

    private final CacheSettings settings;
    private final RedisAPI redis;
    private final DirectoryFetcher fetcher;
    private final Clock clock;
    private final CacheListener listener;
    private final LoadSignals signals;
    private final CacheMetrics metrics;
    private final LruCache<Held> l1;
    private final ConcurrentHashMap<String, Uni<CachedDirectory>> inflight = new ConcurrentHashMap<>();
    /**
     * The latest invalidation applied per directory: a load that started at or before it is not kept, nor a Redis copy
     * loaded at or before it taken. At most {@link #INVALIDATIONS_BOUND} ids, in the order they were last invalidated
     * (guarded by itself); see {@link #rememberInvalidation}.
     */
    private final LinkedHashMap<String, Instant> invalidatedUpTo = new LinkedHashMap<>();

    /**
     * How many directories' invalidations a replica remembers (about 150 bytes each). Past it, those that guard nothing
     * any more go first (see {@link #rememberMs}), then the least recently invalidated: forgetting one of those lets
     * this replica take a Redis copy loaded before it whose delete did not run (Redis was away when it was applied;
     * reads do not look at the Redis mark), or keep in L1 a load that started before it and is still running.
     */
    static final int INVALIDATIONS_BOUND = 10_000;

    /** Statuses of the configured directories: one each, for as long as the process runs. */
    private final ConcurrentHashMap<String, Status> configuredStatuses = new ConcurrentHashMap<>();
    /**
     * Statuses of any other id (any id a reader names reads the seed source): the most recently used
     * {@code max(64, 2 x max-directories)}, so a client naming ever new ids cannot grow them.
     */
    private final LruCache<Status> otherStatuses;

    /**
     * Ids the source answered 404 for, with when this replica may ask again: a client repeating a wrong id spends
     * no more of the org's shared Genesys budget until then. At most {@link #NOT_FOUND_BOUND}, most recently used
     * kept.
     */
    static final int NOT_FOUND_BOUND = 1024;

    private final LruCache<NotFound> notFound = new LruCache<>(NOT_FOUND_BOUND);
    /** Invalidations applied on this replica so far: a 404 loaded while one was applied is not remembered. */
    private final AtomicLong invalidations = new AtomicLong();
    /**
     * Invalidations this replica issued that are not applied yet (their audit event goes first): per directory the
     * earliest {@code issuedAt} and how many. See {@link #issuing}.
     */
    private final ConcurrentHashMap<String, Pending> pending = new ConcurrentHashMap<>();

    private record Pending(Instant since, int count) {}
    /** Redis copies parsed so far (see {@link #readL2(String, CachedDirectory)}). */
    private final AtomicLong parsedCopies = new AtomicLong();

    private record NotFound(Instant until, String message) {}

    private volatile boolean redisDown;
    /** Whether a Redis copy too large for this replica's L1 was logged at WARN yet (once per process). */
    private final AtomicBoolean tooLargeToKeepLogged = new AtomicBoolean();

    public DirectoryCache(
            CacheSettings settings,
            RedisAPI redis,
            DirectoryFetcher fetcher,
            Clock clock,
            CacheListener listener,
            MeterRegistry registry,
            LoadSignals signals) {
        this.signals = signals;
        this.settings = settings;
        this.redis = redis;
        this.fetcher = fetcher;
        this.clock = clock;
        this.listener = listener;
        this.l1 = new LruCache<>(settings.maxDirectories(), settings.maxBytes(), Held::weight);
        this.otherStatuses = new LruCache<>(Math.max(64, 2 * settings.maxDirectories()));
        this.metrics = new CacheMetrics(registry, this::size);
    }

    public CacheSettings settings() {
        return settings;
    }

    public int ttlSeconds(String directoryId) {
        return settings.ttlSeconds(directoryId);
    }

    /** Estimated bytes held in-process (the directories and their written answers). */
    public long bytes() {
        return l1.weight();
    }

    /**
     * This replica's view of a directory's loads and reads; null when it never saw one (or, for an id that is not
     * configured, saw it long enough ago that other ids took its place).
     */
    public Status status(String directoryId) {
        if (settings.sources().configured().containsKey(directoryId)) {
            return configuredStatuses.get(directoryId);
        }
        return otherStatuses.get(directoryId);
    }

    /** How many statuses this replica keeps (configured and others): bounded whatever ids clients name. */
    int statusCount() {
        return configuredStatuses.size() + otherStatuses.size();
    }

    private void updateStatus(String id, UnaryOperator<Status> update) {
        if (settings.sources().configured().containsKey(id)) {
            configuredStatuses.compute(id, (k, s) -> update.apply(s));
            return;
        }
        otherStatuses.update(id, update);
    }

    private void noteRead(String id) {
        Instant now = clock.instant();
        updateStatus(
                id, s -> s == null ? new Status(null, null, now) : new Status(s.lastLoadedAt(), s.lastOutcome(), now));
    }

    private void noteOutcome(String id, Instant loadedAt, String outcome) {
        updateStatus(
                id,
                s -> s == null
                        ? new Status(loadedAt, outcome, null)
                        : new Status(loadedAt == null ? s.lastLoadedAt() : loadedAt, outcome, s.lastReadAt()));
    }

    /**
     * The source has no such directory: a configured one shows it as its last outcome; of any other id nothing is
     * kept (nor in L1: there is nothing to hold).
     */
    private void noteNotFound(String id, String message) {
        if (settings.sources().configured().containsKey(id)) {
            noteOutcome(id, null, "not found: " + message);
        } else {
            updateStatus(id, s -> null);
        }
    }

    public int size() {
        return l1.size();
    }

    /** The directories held in-process, least recently used first. */
    public List<String> cachedIds() {
        return l1.keys();
    }

    /** The in-process copy, without counting as a use. */
    public CachedDirectory peek(String directoryId) {
        Held held = l1.peek(directoryId);
        return held == null ? null : held.directory();
    }

    public CacheMetrics.Snapshot metrics() {
        return metrics.snapshot(size(), settings.maxDirectories());
    }

    /**
     * Serves a directory from the first level that can, loading it when none can. An id this service does not read
     * (no source, and not allowed to read the seed endpoint) fails with {@link DirectoryNotFoundException} before any
     * level is asked, and leaves nothing behind (no status, no remembered 404).
     */
    public Uni<Read> read(String directoryId) {
        if (!settings.sources().readable(directoryId)) {
            return Uni.createFrom()
                    .failure(new DirectoryNotFoundException(DirectorySources.notReadable(directoryId), null));
        }
        noteRead(directoryId);
        Held held = l1.get(directoryId);
        CachedDirectory local = held == null ? null : held.directory();
        if (local != null && local.fresh(clock.instant())) {
            metrics.hitL1();
            return Uni.createFrom().item(new Read(local, Source.HIT_L1, held.answer()));
        }
        return readL2(directoryId, local).onItem().transformToUni(shared -> {
            Instant now = clock.instant();
            if (shared != null && shared.fresh(now)) {
                Held kept = keepLocal(shared);
                metrics.hitL2();
                return Uni.createFrom().item(new Read(shared, Source.HIT_L2, answerOf(kept, shared)));
            }
            CachedDirectory newest = newest(local, shared);
            if (newest != null && newest.servableStale(now, settings.staleFactor())) {
                Held kept = newest == local ? held : keepLocal(newest);
                metrics.stale();
                // A copy served stale after the source said 404: ask again once per not-found-ttl, not on every read.
                if (knownNotFound(directoryId, now) == null) {
                    refreshInBackground(directoryId, newest);
                }
                return Uni.createFrom().item(new Read(newest, Source.STALE, answerOf(kept, newest)));
            }
            String knownMissing = knownNotFound(directoryId, now);
            if (knownMissing != null) {
                noteNotFound(directoryId, knownMissing);
                metrics.notFoundRemembered();
                return Uni.createFrom().failure(new DirectoryNotFoundException(knownMissing, null));
            }
            return load(directoryId, newest, (d, t) -> d.fresh(t)).map(d -> {
                metrics.miss();
                return new Read(d, Source.MISS, answerOf(l1.peek(directoryId), d));
            });
        });
    }

    /** The message of the source's 404 for {@code id} while it is remembered; else null. */
    private String knownNotFound(String id, Instant now) {
        if (settings.notFoundTtl().isZero()) {
            return null;
        }
        NotFound known = notFound.get(id);
        if (known == null) {
            return null;
        }
        if (!now.isBefore(known.until())) {
            notFound.removeIf(id, k -> k == known);
            return null;
        }
        return known.message();
    }

    /**
     * Remembers a 404 of a load that started at {@code started}, unless an invalidation issued at or after that, or
     * any invalidation applied here while the load ran ({@code epoch} is {@link #invalidations} at its start), came in:
     * the directory may have been created since, and DELETE was the way to say so. The second test does not depend on
     * the issuing replica's clock; checked again after the put, it also covers an invalidation applied between the
     * test and the put.
     */
    private void rememberNotFound(String id, String message, Instant started, long epoch) {
        Instant invalidated = invalidatedUpTo(id);
        if (settings.notFoundTtl().isZero()
                || invalidations.get() != epoch
                || (invalidated != null && !started.isAfter(invalidated))) {
            return;
        }
        NotFound remembered = new NotFound(clock.instant().plus(settings.notFoundTtl()), message);
        notFound.put(id, remembered);
        if (invalidations.get() != epoch) {
            notFound.removeIf(id, k -> k == remembered);
        }
    }

    private void forgetNotFound(String id) {
        notFound.removeIf(id, k -> true);
    }

    /** Whether a load of {@code id} runs on this replica now. */
    boolean loading(String id) {
        return inflight.containsKey(id);
    }

    /** How many 404s this replica remembers: bounded whatever ids clients name. */
    int notFoundCount() {
        return notFound.size();
    }

    /** Starts one refresh (joins a running one); its failure is logged and the stale copy stays. */
    public void refreshInBackground(String directoryId, CachedDirectory previous) {
        load(directoryId, previous, (d, t) -> d.fresh(t) && d.loadedAt().isAfter(previous.loadedAt()))
                .subscribe()
                .with(
                        d -> {},
                        e -> LOG.warnf(
                                "refresh of directory %s failed, serving stale: %s", directoryId, e.getMessage()));
    }

    /**
     * Reads a directory again for the consistency check: a copy newer than {@code previous} that another replica
     * stored is taken instead of a second read; a changed content is applied and published like any refresh. Null
     * when L1 no longer holds {@code previous} (invalidated, evicted or refreshed since the checker looked): there is
     * nothing left to check, and a read now would refill what a DELETE has just emptied.
     */
    public Uni<CachedDirectory> recheck(String directoryId, CachedDirectory previous) {
        // Taken before the look at L1: a re-read yields to an invalidation applied since (see fetchAndStore).
        // Counted from its fetch alone, it refilled both levels right after a DELETE that came while it waited.
        Instant began = clock.instant();
        Held held = l1.peek(directoryId);
        if (held == null || held.directory() != previous) {
            return Uni.createFrom().nullItem();
        }
        return load(directoryId, previous, (d, t) -> d.fresh(t) && d.loadedAt().isAfter(previous.loadedAt()), began);
    }

    /**
     * An invalidation issued here whose audit event is being sent: until {@link #issued}, a load of the directory
     * whose fetch starts counts as loaded at its {@code issuedAt}, so {@link #invalidate} drops it like one that
     * started before. Without this, a load (e.g. a consistency re-read) starting during the audit wait would count
     * as fresher than the DELETE and survive it: the DELETE would no longer empty this replica "at once". Nothing is
     * dropped here: the levels change only once the event went.
     */
    public void issuing(DirectoryInvalidation invalidation) {
        Instant at = invalidation.issuedAt();
        pending.merge(
                invalidation.directoryId(),
                new Pending(at, 1),
                (a, b) -> new Pending(a.since().isBefore(b.since()) ? a.since() : b.since(), a.count() + b.count()));
    }

    /** The end of {@link #issuing}: applied (or given up); later loads count from their fetch again. */
    public void issued(DirectoryInvalidation invalidation) {
        pending.computeIfPresent(
                invalidation.directoryId(), (id, p) -> p.count() <= 1 ? null : new Pending(p.since(), p.count() - 1));
    }

    /**
     * Applies an invalidation to both levels: what was loaded at or before {@code issuedAt} goes. True when Redis
     * ran the delete; false when it did not answer (this replica's L1 is dropped all the same, and its reads take no
     * Redis copy loaded at or before {@code issuedAt} from then on, but the copy in Redis may still be there for
     * other replicas: the caller must not claim it is gone).
     */
    public Uni<Boolean> invalidate(DirectoryInvalidation received) {
        DirectoryInvalidation invalidation = notAhead(received);
        String id = invalidation.directoryId();
        rememberInvalidation(id, invalidation.issuedAt());
        invalidations.incrementAndGet(); // before the forget: see rememberNotFound
        forgetNotFound(id);
        l1.removeIf(id, h -> invalidation.appliesTo(h.directory().loadedAt()));
        metrics.invalidationApplied();
        return redis(INVALIDATE.run(
                        redis,
                        List.of(
                                "2",
                                entryKey(id),
                                markKey(id),
                                String.valueOf(invalidation.issuedAt().toEpochMilli()),
                                String.valueOf(markKeepMs()))))
                .replaceWith(Boolean.TRUE)
                .onFailure()
                .recoverWithItem(e -> {
                    noteRedisDown(e);
                    LOG.warnf(
                            "invalidation of directory %s: Redis did not answer (%s); the shared copy was not deleted",
                            id, e.getClass().getSimpleName());
                    return Boolean.FALSE;
                });
    }

    /**
     * How far an invalidation's {@code issuedAt} may be ahead of this replica's clock. Replicas' clocks are kept within
     * well under a second of each other (NTP); an {@code issuedAt} further ahead comes from a replica whose clock runs
     * ahead, and taken as it is it would make every replica refuse every copy of the directory (L1, Redis, and the
     * Redis mark refusing every write) until that time, and its memory of it would outlive the mark's keep time.
     */
    static final Duration ISSUED_AT_TOLERANCE = Duration.ofSeconds(5);

    /** At most one WARN about an invalidation from the future a minute: a wrong clock sends one per DELETE. */
    private final LogThrottle aheadLines = new LogThrottle(Duration.ofMinutes(1));

    /**
     * The invalidation with an {@code issuedAt} more than {@link #ISSUED_AT_TOLERANCE} ahead of this replica's clock
     * taken as issued now (it still drops everything loaded so far); logged at WARN at most once a minute.
     */
    private DirectoryInvalidation notAhead(DirectoryInvalidation inv) {
        Instant now = clock.instant();
        if (!inv.issuedAt().isAfter(now.plus(ISSUED_AT_TOLERANCE))) {
            return inv;
        }
        long held = aheadLines.pass();
        if (held >= 0) {
            LOG.warnf(
                    "an invalidation of directory %s from %s was issued at %s, %s ahead of this replica's clock (more "
                            + "than the %s tolerated): applied as issued now; is that replica's clock right? (logged at "
                            + "most once a minute%s)",
                    inv.directoryId(),
                    inv.origin(),
                    inv.issuedAt(),
                    Duration.between(now, inv.issuedAt()),
                    ISSUED_AT_TOLERANCE,
                    held == 0 ? "" : "; " + held + " more since the last such line");
        }
        return new DirectoryInvalidation(inv.directoryId(), inv.reason(), now, inv.origin(), inv.traceId());
    }

    // --- loading -------------------------------------------------------------------------------------

    /** In-process single flight: one load per directory at a time, shared by every caller. */
    private Uni<CachedDirectory> load(
            String id, CachedDirectory previous, BiPredicate<CachedDirectory, Instant> acceptable) {
        return load(id, previous, acceptable, null);
    }

    /**
     * As above; {@code asOf}, when not null, is when the load was asked for: an invalidation applied on this replica
     * since then (before the fetch starts) drops its result, as if it had been loaded then.
     */
    private Uni<CachedDirectory> load(
            String id, CachedDirectory previous, BiPredicate<CachedDirectory, Instant> acceptable, Instant asOf) {
        while (true) {
            Uni<CachedDirectory> running = inflight.get(id);
            if (running != null) {
                return running;
            }
            CompletableFuture<CachedDirectory> future = new CompletableFuture<>();
            Uni<CachedDirectory> shared = Uni.createFrom().completionStage(future);
            // taken before the load is visible: an invalidation applied once it is counts against its 404
            long epoch = invalidations.get();
            if (inflight.putIfAbsent(id, shared) == null) {
                Instant started = clock.instant();
                long waitUntil = System.nanoTime() + settings.waitTimeout().toNanos();
                Uni.createFrom()
                        .deferred(() -> sharedOrFetch(id, previous, acceptable, waitUntil, asOf))
                        .subscribe()
                        .with(
                                d -> {
                                    keepLocal(d);
                                    inflight.remove(id, shared);
                                    future.complete(d);
                                },
                                e -> {
                                    try {
                                        noteLoadFailure(id, e, started, epoch);
                                    } finally {
                                        // whatever the bookkeeping threw, the waiters get the failure
                                        inflight.remove(id, shared);
                                        future.completeExceptionally(asLoadFailure(id, e));
                                    }
                                });
                return shared;
            }
        }
    }

    /** Counts a failed load and keeps what its status and the 404 memory need of it. */
    private void noteLoadFailure(String id, Throwable e, Instant started, long epoch) {
        metrics.loadFailed();
        if (e instanceof DirectoryNotFoundException) {
            noteNotFound(id, e.getMessage());
            rememberNotFound(id, e.getMessage(), started, epoch);
        } else {
            noteOutcome(
                    id,
                    null,
                    (e instanceof InvalidDirectoryException ? "refused: " : "unavailable: ") + e.getMessage());
        }
    }

    /** A load's failure as its callers see it: ours as they are, anything else as the directory being unavailable. */
    private static Throwable asLoadFailure(String id, Throwable e) {
        return e instanceof InvalidDirectoryException
                        || e instanceof DirectoryUnavailableException
                        || e instanceof DirectoryNotFoundException
                ? e
                : new DirectoryUnavailableException(
                        "directory " + id + " could not be loaded: "
                                + e.getClass().getSimpleName(),
                        e);
    }

    /** Across replicas: take the lock and fetch, or wait for the holder's stored entry. */
    private Uni<CachedDirectory> sharedOrFetch(
            String id,
            CachedDirectory previous,
            BiPredicate<CachedDirectory, Instant> acceptable,
            long waitUntil,
            Instant asOf) {
        String owner = UUID.randomUUID().toString();
        return redis(redis.set(List.of(
                        lockKey(id),
                        owner,
                        "NX",
                        "PX",
                        String.valueOf(settings.lockLease().toMillis()))))
                .onItemOrFailure()
                .transformToUni((ok, failure) -> {
                    if (failure != null) {
                        noteRedisDown(failure);
                        return fetchAndStore(id, previous, false, asOf);
                    }
                    if (ok != null) {
                        return underLock(id, owner, previous, acceptable, asOf);
                    }
                    return waitForHolder(id, previous, acceptable, waitUntil, asOf);
                });
    }

    /**
     * Another replica holds the load: wait for its announcement (or, without one, the lock's lease), read the
     * stored entry once, and take the lock ourselves if it is not there (the holder failed or died).
     */
    private Uni<CachedDirectory> waitForHolder(
            String id,
            CachedDirectory previous,
            BiPredicate<CachedDirectory, Instant> acceptable,
            long waitUntil,
            Instant asOf) {
        long leftNanos = waitUntil - System.nanoTime();
        if (leftNanos <= 0) {
            return Uni.createFrom()
                    .failure(new DirectoryUnavailableException(
                            "directory " + id + " is being loaded by another replica and did not arrive within "
                                    + settings.waitTimeout()));
        }
        CompletableFuture<Void> signal = signals.register(id);
        long maxNanos = Math.min(leftNanos, settings.lockLease().toNanos());
        if (!signals.subscribed()) {
            // no publish can reach us: look again soon (and try to subscribe again)
            signals.redisBack();
            maxNanos = Math.min(maxNanos, settings.pollInterval().toNanos());
        }
        Duration max = Duration.ofNanos(maxNanos);
        return readL2(id).onItem().transformToUni(stored -> {
            if (stored != null && acceptable.test(stored, clock.instant())) {
                signals.forget(id, signal);
                return Uni.createFrom().item(stored);
            }
            return signals.await(id, signal, max)
                    .onItem()
                    .transformToUni(x -> readL2(id))
                    .onItem()
                    .transformToUni(after -> after != null && acceptable.test(after, clock.instant())
                            ? Uni.createFrom().item(after)
                            : sharedOrFetch(id, previous, acceptable, waitUntil, asOf));
        });
    }

    private Uni<CachedDirectory> underLock(
            String id,
            String owner,
            CachedDirectory previous,
            BiPredicate<CachedDirectory, Instant> acceptable,
            Instant asOf) {
        // Another replica may have stored what we need between our look and our lock.
        return readL2(id)
                .onItem()
                .transformToUni(stored -> stored != null && acceptable.test(stored, clock.instant())
                        ? Uni.createFrom().item(stored)
                        : fetchAndStore(id, previous == null ? stored : previous, true, asOf))
                .onTermination()
                .call(() -> redis(LuaScript.COMPARE_AND_DELETE.run(redis, List.of("1", lockKey(id), owner)))
                        .onFailure()
                        .recoverWithNull()
                        .onItem()
                        .transformToUni(x -> signals.announce(id)));
    }

    private Uni<CachedDirectory> fetchAndStore(String id, CachedDirectory previous, boolean store, Instant asOf) {
        // A load counts from the start of its fetch (its TTL too, however long it waited for the lock), unless an
        // invalidation applied since it was asked for: then it counts as loaded when asked, so every level refuses
        // it (L1, the Redis write's mark, the Redis delete) like a load that started before the invalidation.
        Instant now = clock.instant();
        Instant invalidated = asOf == null ? null : invalidatedUpTo(id);
        Instant counted = invalidated != null && !invalidated.isBefore(asOf) ? asOf : now;
        // an invalidation issued here and still sending its audit event drops this load when it applies
        Pending issuing = pending.get(id);
        Instant loadedAt = issuing != null && issuing.since().isBefore(counted) ? issuing.since() : counted;
        long started = System.nanoTime();
        Duration deadline = settings.loadDeadline();
        return fetcher.fetch(id, loadedAt, ttlSeconds(id))
                // the lock's lease is not renewed: a load that outlives it fails rather than store over a newer one
                .ifNoItem()
                .after(deadline)
                .failWith(() -> new DirectoryUnavailableException("directory " + id + " could not be read from its"
                        + " source within the load deadline of " + deadline.toMillis() + " ms (below"
                        + " cxbridge.directory.redis.lock-lease, "
                        + settings.lockLease().toMillis()
                        + " ms); nothing was kept"))
                .map(this::withinTheBound)
                // the audit event goes before the change it describes (the brief); bounded by what is left of the
                // deadline, so the write still lands within the lock's lease
                .call(h -> announce(id, previous, h.directory(), deadline.minusNanos(System.nanoTime() - started)))
                .call(h -> store ? write(h.directory()) : Uni.createFrom().voidItem())
                .invoke(h -> {
                    CachedDirectory d = h.directory();
                    noteOutcome(id, loadedAt, "loaded " + d.entries().size() + " entries");
                    metrics.loaded(Duration.ofNanos(System.nanoTime() - started));
                    keepLocal(h);
                    try {
                        listener.loaded(previous, d);
                    } catch (RuntimeException e) {
                        LOG.warnf("directory %s: the load listener failed: %s", id, e.getMessage());
                    }
                })
                .map(Held::directory);
    }

    /**
     * The listener's {@link CacheListener#loading} (the audit event) before the load is kept, waited for at most
     * {@code left}; its failure or a timeout is logged and the load goes on: without Kafka the replica keeps loading
     * and serving (the audit emitter counts the event's failure when the broker answers or the producer gives up).
     */
    private Uni<Void> announce(String id, CachedDirectory previous, CachedDirectory d, Duration left) {
        Duration wait = left.compareTo(MIN_ANNOUNCE_WAIT) < 0 ? MIN_ANNOUNCE_WAIT : left;
        return Uni.createFrom()
                .deferred(() -> listener.loading(previous, d))
                .ifNoItem()
                .after(wait)
                .failWith(() -> new TimeoutException("no answer within " + wait.toMillis() + " ms"))
                .onFailure()
                .recoverWithItem(e -> {
                    long held = unauditedLines.pass();
                    if (held >= 0) {
                        LOG.warnf(
                                "directory %s: the audit event of a load was not acknowledged (%s); the load is kept"
                                        + " all the same%s",
                                id,
                                e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(),
                                held == 0 ? "" : " (and " + held + " more loads since the last such line)");
                    }
                    return null;
                })
                .replaceWithVoid();
    }

    /** While the broker is away every load's event fails: one line per 10 s (the emitter counts every one). */
    private final LogThrottle unauditedLines = new LogThrottle(Duration.ofSeconds(10));

    /** The least a load waits for its audit event when its deadline is (nearly) spent. */
    private static final Duration MIN_ANNOUNCE_WAIT = Duration.ofMillis(1);

    /**
     * The directory with its answer written; one larger than the whole in-process bound (its answer counted) is not
     * cached at all (neither level).
     */
    private Held withinTheBound(CachedDirectory d) {
        Held held = Held.of(d);
        long bytes = held.weight();
        if (bytes > settings.maxBytes()) {
            throw new InvalidDirectoryException("directory " + d.directoryId() + " takes about " + bytes
                    + " bytes in memory, more than the in-process bound of " + settings.maxBytes()
                    + " bytes (cxbridge.directory.max-bytes); it was not cached");
        }
        return held;
    }

    // --- levels ----------------------------------------------------------------------------------------

    /**
     * Remembers the later of the two {@code issuedAt}s, as the most recently invalidated. Past
     * {@link #INVALIDATIONS_BOUND}: every one issued more than {@link #rememberMs} ago goes, then the least recently
     * invalidated down to nine tenths of the bound (so a flood of fresh ones pays one scan per tenth of the bound,
     * not one per invalidation).
     */
    void rememberInvalidation(String id, Instant issuedAt) {
        synchronized (invalidatedUpTo) {
            Instant known = invalidatedUpTo.remove(id);
            invalidatedUpTo.put(id, known != null && known.isAfter(issuedAt) ? known : issuedAt);
            if (invalidatedUpTo.size() <= INVALIDATIONS_BOUND) {
                return;
            }
            Instant horizon = clock.instant().minusMillis(rememberMs());
            invalidatedUpTo.values().removeIf(t -> t.isBefore(horizon));
            Iterator<String> eldest = invalidatedUpTo.keySet().iterator();
            while (invalidatedUpTo.size() > INVALIDATIONS_BOUND - INVALIDATIONS_BOUND / 10 && eldest.hasNext()) {
                eldest.next();
                eldest.remove();
            }
        }
    }

    private Instant invalidatedUpTo(String id) {
        synchronized (invalidatedUpTo) {
            return invalidatedUpTo.get(id);
        }
    }

    /** How many invalidations this replica remembers: bounded whatever ids are invalidated. */
    int invalidationCount() {
        synchronized (invalidatedUpTo) {
            return invalidatedUpTo.size();
        }
    }

    /** Whether this replica remembers an invalidation of {@code id}. */
    boolean remembersInvalidation(String id) {
        return invalidatedUpTo(id) != null;
    }

    /**
     * How long after its {@code issuedAt} a remembered invalidation still guards something: a load that started before
     * it ends within the mark's keep time, and the Redis copy it stored is kept TTL x (1 + stale-factor) + 1 s (the
     * longest TTL of any class). The mark's keep time alone is shorter than a copy lives: pruned after it, an
     * invalidation whose Redis delete did not run would let this replica serve the copy it dropped.
     */
    private long rememberMs() {
        long copyKeepMs = Math.round(settings.ttl().longestSeconds() * 1000L * (1 + settings.staleFactor())) + 1000;
        return markKeepMs() + copyKeepMs;
    }

    /**
     * Long enough for any load that started before an invalidation to have ended: a load reads its source for at most
     * the load deadline (below the lock lease) before it stores, so lease + load deadline covers it with room for
     * clocks and Redis; lease + wait timeout, as before, when that is longer (the defaults: 60 + 90 s).
     */
    private long markKeepMs() {
        Duration longest = settings.waitTimeout().compareTo(settings.loadDeadline()) > 0
                ? settings.waitTimeout()
                : settings.loadDeadline();
        return settings.lockLease().plus(longest).toMillis();
    }

    /**
     * Keeps the newer of what L1 holds and {@code d} (a slow load never replaces a newer one), unless an
     * invalidation arrived after {@code d}'s load had started. Its answer is written here, once per fill (not again
     * when L1 already holds this very copy). What L1 holds of it afterwards, or null. A copy larger than this
     * replica's whole in-process bound (stored by a replica with a larger {@code max-bytes}) is served but not kept
     * (it would evict everything else and still be over the bound): then its written answer, not kept, is returned.
     */
    private Held keepLocal(CachedDirectory d) {
        Held current = l1.peek(d.directoryId());
        if (current != null && current.directory() == d) {
            return current;
        }
        if (current != null && current.directory().loadedAt().isAfter(d.loadedAt()) || invalidatedAfterLoad(d)) {
            return null;
        }
        Held held = Held.of(d);
        if (held.weight() > settings.maxBytes()) {
            // replicas configured apart: said once at WARN (each read of it pays a Redis read), then at DEBUG
            LOG.logf(
                    tooLargeToKeepLogged.getAndSet(true) ? Logger.Level.DEBUG : Logger.Level.WARN,
                    "directory %s: the Redis copy takes about %d bytes in memory, more than this replica's in-process "
                            + "bound of %d bytes (cxbridge.directory.max-bytes); served, not kept in-process",
                    d.directoryId(),
                    held.weight(),
                    settings.maxBytes());
            return held;
        }
        return keepLocal(held) ? held : null;
    }

    /** As above with the answer already written; true when L1 took it. */
    private boolean keepLocal(Held held) {
        CachedDirectory d = held.directory();
        if (invalidatedAfterLoad(d)) {
            return false;
        }
        return l1.putIf(
                d.directoryId(),
                held,
                current -> !current.directory().loadedAt().isAfter(d.loadedAt()));
    }

    private boolean invalidatedAfterLoad(CachedDirectory d) {
        Instant invalidated = invalidatedUpTo(d.directoryId());
        return invalidated != null && !d.loadedAt().isAfter(invalidated);
    }

    /** The kept answer when it is {@code d}'s. */
    private static byte[] answerOf(Held kept, CachedDirectory d) {
        return kept != null && kept.directory() == d ? kept.answer() : null;
    }

    private static CachedDirectory newest(CachedDirectory a, CachedDirectory b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return b.loadedAt().isAfter(a.loadedAt()) ? b : a;
    }

    /**
     * The Redis copy, or null when there is none, it cannot be read, Redis does not answer, or it was loaded at or
     * before an invalidation this replica applied (one whose Redis delete did not run: Redis was away).
     */
    private Uni<CachedDirectory> readL2(String id) {
        return readL2(id, null);
    }

    /**
     * As above; when {@code local} (what L1 holds) has the stored copy's {@code loadedAtMs}, the copy is that one (one
     * load wrote both) and {@code local} is returned without parsing the value: a STALE read while its refresh runs
     * would otherwise parse the whole directory on every request.
     */
    private Uni<CachedDirectory> readL2(String id, CachedDirectory local) {
        return redis(redis.get(entryKey(id)))
                .map(r -> {
                    if (r == null) {
                        return null;
                    }
                    if (local != null
                            && storedLoadedAtMs(r.toBuffer())
                                    == local.loadedAt().toEpochMilli()) {
                        return local;
                    }
                    parsedCopies.incrementAndGet();
                    return parse(id, r.toString());
                })
                .map(d -> d == null || invalidatedAfterLoad(d) ? null : d)
                .onFailure()
                .recoverWithItem(e -> {
                    noteRedisDown(e);
                    return null;
                });
    }

    /** One SET of the whole directory: readers see the old value or the new one, never a mix. */
    private Uni<Void> write(CachedDirectory d) {
        String json;
        try {
            json = "{\"loadedAtMs\":" + d.loadedAt().toEpochMilli() + ",\"directory\":"
                    + Json.mapper().writeValueAsString(d) + "}";
        } catch (IOException e) {
            return Uni.createFrom().failure(e);
        }
        long keepMs = Math.round(d.ttlSeconds() * 1000L * (1 + settings.staleFactor())) + 1000;
        return redis(WRITE.run(
                        redis,
                        List.of(
                                "2",
                                entryKey(d.directoryId()),
                                markKey(d.directoryId()),
                                json,
                                String.valueOf(keepMs),
                                String.valueOf(d.loadedAt().toEpochMilli()))))
                .replaceWithVoid()
                .onFailure()
                .recoverWithUni(e -> {
                    noteRedisDown(e);
                    return Uni.createFrom().voidItem();
                });
    }

    private static final byte[] STORED_PREFIX = "{\"loadedAtMs\":".getBytes(StandardCharsets.US_ASCII);

    /**
     * The {@code loadedAtMs} a stored value starts with (as {@link #write} puts it first, and the invalidate script
     * reads it), read from its first bytes only; -1 when it does not start so.
     */
    static long storedLoadedAtMs(Buffer value) {
        int n = STORED_PREFIX.length;
        if (value.length() <= n) {
            return -1;
        }
        for (int i = 0; i < n; i++) {
            if (value.getByte(i) != STORED_PREFIX[i]) {
                return -1;
            }
        }
        long ms = 0;
        int i = n;
        for (; i < value.length() && i < n + 18; i++) {
            byte b = value.getByte(i);
            if (b < '0' || b > '9') {
                break;
            }
            ms = ms * 10 + (b - '0');
        }
        return i > n && i < value.length() && value.getByte(i) == ',' ? ms : -1;
    }

    /** How many Redis copies this replica parsed: a STALE read of the copy L1 holds parses none. */
    long parsedCopies() {
        return parsedCopies.get();
    }

    /**
     * The stored copy when it is whole and of {@code id}: a value that parses but lacks a field a read needs (e.g.
     * written by an older version), or names another directory, is a miss like one that does not parse, never a
     * failure of every read until it expires.
     */
    static CachedDirectory parse(String id, String value) {
        String problem;
        try {
            Stored stored = Json.mapper().readValue(value, Stored.class);
            problem = incomplete(id, stored);
            if (problem == null) {
                return stored.directory();
            }
        } catch (IOException | RuntimeException e) {
            problem = e.getClass().getSimpleName();
        }
        LOG.warnf("directory %s: the Redis copy cannot be read (%s); loading it again", id, problem);
        return null;
    }

    /** What is missing or wrong in a parsed copy, or null when it can be served. */
    private static String incomplete(String id, Stored stored) {
        CachedDirectory d = stored == null ? null : stored.directory();
        if (d == null) {
            return "no directory";
        }
        if (!id.equals(d.directoryId())) {
            return "it names another directory";
        }
        if (d.loadedAt() == null || d.lastModified() == null || d.contentHash() == null) {
            return "loadedAt, lastModified or contentHash missing";
        }
        if (d.ttlSeconds() < 1) {
            return "no ttlSeconds";
        }
        // the invalidate script compares the stored loadedAtMs: it must be the directory's
        if (stored.loadedAtMs() != d.loadedAt().toEpochMilli()) {
            return "loadedAtMs is not the directory's loadedAt";
        }
        return null;
    }

    // The id is the hash tag: the write and invalidate scripts touch both keys of one directory, so on a Redis
    // Cluster they must share a slot; different directories still spread over the nodes.
    private String entryKey(String id) {
        return settings.keyPrefix() + ":entries:{" + id + "}";
    }

    private String markKey(String id) {
        return settings.keyPrefix() + ":invalidated:{" + id + "}";
    }

    private String lockKey(String id) {
        return settings.keyPrefix() + ":lock:" + id;
    }

    private <T> Uni<T> redis(Uni<T> call) {
        return call.ifNoItem()
                .after(REDIS_TIMEOUT)
                .failWith(TimeoutException::new)
                .onItem()
                .invoke(x -> noteRedisBack());
    }

    private void noteRedisDown(Throwable cause) {
        if (!redisDown) {
            redisDown = true;
            LOG.warnf(
                    "Redis did not answer (%s): directories are served from this replica's memory until it is back",
                    cause == null ? "unknown" : cause.getClass().getSimpleName());
        }
    }

    private void noteRedisBack() {
        if (redisDown) {
            redisDown = false;
            LOG.info("Redis answers again: directories are shared again");
            signals.redisBack();
        }
    }
}
