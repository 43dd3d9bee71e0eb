package io.cxbridge.directory.cache;

import io.cxbridge.directory.config.DirectoryConfig;
import io.cxbridge.directory.source.DirectorySources;
import io.cxbridge.directory.ttl.TtlMatrix;
import java.time.Duration;

/** What a {@link DirectoryCache} needs to know, as a plain value (tests build their own). */
public record CacheSettings(
        TtlMatrix ttl,
        double staleFactor,
        int maxEntries,
        int maxDirectories,
        String upstreamPath,
        int pageSize,
        Duration pageDeadline,
        String keyPrefix,
        Duration lockLease,
        Duration pollInterval,
        Duration waitTimeout,
        DirectorySources sources,
        long maxBytes,
        Duration notFoundTtl) {

    /** The longest {@code not-found-ttl}: the longest TTL a directory class may have. */
    public static final Duration MAX_NOT_FOUND_TTL = Duration.ofHours(1);

    /**
     * The largest {@code stale-factor}: the contract serves an expired copy (STALE) for at most one more TTL. (Redis
     * also keeps each copy for TTL x (1 + stale-factor), so a larger factor would keep copies longer as well.)
     */
    public static final double MAX_STALE_FACTOR = 1.0;

    public CacheSettings {
        // written so that NaN is refused too
        if (!(staleFactor >= 0 && staleFactor <= MAX_STALE_FACTOR)) {
            throw new IllegalArgumentException("cxbridge.directory.stale-factor is " + staleFactor
                    + "; allowed range is 0 to 1 (an expired copy is served for at most one more TTL)");
        }
        if (maxEntries < 1) {
            throw new IllegalArgumentException("cxbridge.directory.max-entries must be at least 1, was " + maxEntries);
        }
        if (maxDirectories < 1) {
            throw new IllegalArgumentException(
                    "cxbridge.directory.max-directories must be at least 1, was " + maxDirectories);
        }
        if (pageSize < 1) {
            throw new IllegalArgumentException(
                    "cxbridge.directory.upstream.page-size must be at least 1, was " + pageSize);
        }
        if (notFoundTtl.isNegative()) {
            throw new IllegalArgumentException(
                    "cxbridge.directory.not-found-ttl must be 0 (off) or more, was " + notFoundTtl);
        }
        // A 404 is an answer about now: an hour at most, like the longest TTL (and no "forever" that overflows).
        if (notFoundTtl.compareTo(MAX_NOT_FOUND_TTL) > 0) {
            throw new IllegalArgumentException("cxbridge.directory.not-found-ttl must be at most "
                    + MAX_NOT_FOUND_TTL.toMinutes() + " minutes, was " + notFoundTtl);
        }
        long heap = Runtime.getRuntime().maxMemory();
        if (maxBytes < 1 || maxBytes > heap / 2) {
            throw new IllegalArgumentException("cxbridge.directory.max-bytes is " + maxBytes + " bytes; it must be "
                    + "positive and at most half of the maximum heap (" + heap / 2 + " bytes)");
        }
    }

    /**
     * The seed endpoint only, a quarter of the heap and no memory of 404s: the settings the cache mechanics were built
     * with.
     */
    public CacheSettings(
            TtlMatrix ttl,
            double staleFactor,
            int maxEntries,
            int maxDirectories,
            String upstreamPath,
            int pageSize,
            Duration pageDeadline,
            String keyPrefix,
            Duration lockLease,
            Duration pollInterval,
            Duration waitTimeout) {
        this(
                ttl,
                staleFactor,
                maxEntries,
                maxDirectories,
                upstreamPath,
                pageSize,
                pageDeadline,
                keyPrefix,
                lockLease,
                pollInterval,
                waitTimeout,
                DirectorySources.seedOnly(upstreamPath, pageSize),
                defaultMaxBytes(),
                Duration.ZERO);
    }

    public static long defaultMaxBytes() {
        return Runtime.getRuntime().maxMemory() / 4;
    }

    public static CacheSettings from(DirectoryConfig c) {
        return new CacheSettings(
                TtlMatrix.of(c.ttl()),
                c.staleFactor(),
                c.maxEntries(),
                c.maxDirectories(),
                c.upstream().path(),
                c.upstream().pageSize(),
                c.upstream().pageDeadline(),
                c.redis().keyPrefix(),
                c.redis().lockLease(),
                c.redis().pollInterval(),
                c.redis().waitTimeout(),
                DirectorySources.from(c),
                c.maxBytes().map(m -> m.asLongValue()).orElseGet(CacheSettings::defaultMaxBytes),
                c.notFoundTtl());
    }

    /**
     * How long a load may read its source in all (every page) before it fails: the load lock's lease less what storing
     * and releasing need (a tenth of it, at least 2 s; never less than half the lease). The lease is not renewed, so a
     * load running longer could find its lock taken by another replica and store over that one's newer result; it
     * fails instead (503 unless a copy within its stale bound is served), and nothing of it is kept. Defaults: a
     * 60 s lease, 54 s.
     */
    public Duration loadDeadline() {
        Duration margin = lockLease.dividedBy(10);
        if (margin.compareTo(Duration.ofSeconds(2)) < 0) {
            margin = Duration.ofSeconds(2);
        }
        Duration deadline = lockLease.minus(margin);
        Duration half = lockLease.dividedBy(2);
        return deadline.compareTo(half) < 0 ? half : deadline;
    }

    /** The TTL of a directory: its source's TTL class (the id unless configured). */
    public int ttlSeconds(String directoryId) {
        return ttl.ttlSeconds(sources.of(directoryId).ttlClass());
    }

    public CacheSettings withKeyPrefix(String prefix) {
        return new CacheSettings(
                ttl,
                staleFactor,
                maxEntries,
                maxDirectories,
                upstreamPath,
                pageSize,
                pageDeadline,
                prefix,
                lockLease,
                pollInterval,
                waitTimeout,
                sources,
                maxBytes,
                notFoundTtl);
    }

    public CacheSettings withMaxEntries(int n) {
        return new CacheSettings(
                ttl,
                staleFactor,
                n,
                maxDirectories,
                upstreamPath,
                pageSize,
                pageDeadline,
                keyPrefix,
                lockLease,
                pollInterval,
                waitTimeout,
                sources,
                maxBytes,
                notFoundTtl);
    }

    public CacheSettings withSources(DirectorySources s) {
        return new CacheSettings(
                ttl,
                staleFactor,
                maxEntries,
                maxDirectories,
                upstreamPath,
                pageSize,
                pageDeadline,
                keyPrefix,
                lockLease,
                pollInterval,
                waitTimeout,
                s,
                maxBytes,
                notFoundTtl);
    }

    public CacheSettings withMaxBytes(long bytes) {
        return new CacheSettings(
                ttl,
                staleFactor,
                maxEntries,
                maxDirectories,
                upstreamPath,
                pageSize,
                pageDeadline,
                keyPrefix,
                lockLease,
                pollInterval,
                waitTimeout,
                sources,
                bytes,
                notFoundTtl);
    }

    public CacheSettings withNotFoundTtl(Duration ttl) {
        return new CacheSettings(
                this.ttl,
                staleFactor,
                maxEntries,
                maxDirectories,
                upstreamPath,
                pageSize,
                pageDeadline,
                keyPrefix,
                lockLease,
                pollInterval,
                waitTimeout,
                sources,
                maxBytes,
                ttl);
    }
}
