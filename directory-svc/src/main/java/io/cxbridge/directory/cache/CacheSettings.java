package io.cxbridge.directory.cache;

import io.cxbridge.directory.config.DirectoryConfig;
import io.cxbridge.directory.ttl.TtlMatrix;
import java.time.Duration;

/** What a {@link DirectoryCache} needs to know, as a plain value (tests build their own). */
public record CacheSettings(TtlMatrix ttl, double staleFactor, int maxEntries, int maxDirectories,
                            String upstreamPath, int pageSize, Duration pageDeadline,
                            String keyPrefix, Duration lockLease, Duration pollInterval, Duration waitTimeout) {

    public CacheSettings {
        if (staleFactor < 0) {
            throw new IllegalArgumentException("cxbridge.directory.stale-factor must be 0 or more, was " + staleFactor);
        }
        if (maxEntries < 1) {
            throw new IllegalArgumentException("cxbridge.directory.max-entries must be at least 1, was " + maxEntries);
        }
        if (maxDirectories < 1) {
            throw new IllegalArgumentException("cxbridge.directory.max-directories must be at least 1, was " + maxDirectories);
        }
        if (pageSize < 1) {
            throw new IllegalArgumentException("cxbridge.directory.upstream.page-size must be at least 1, was " + pageSize);
        }
    }

    public static CacheSettings from(DirectoryConfig c) {
        return new CacheSettings(TtlMatrix.of(c.ttl()), c.staleFactor(), c.maxEntries(), c.maxDirectories(),
                c.upstream().path(), c.upstream().pageSize(), c.upstream().pageDeadline(), c.redis().keyPrefix(),
                c.redis().lockLease(), c.redis().pollInterval(), c.redis().waitTimeout());
    }

    public CacheSettings withMaxDirectories(int n) {
        return new CacheSettings(ttl, staleFactor, maxEntries, n, upstreamPath, pageSize, pageDeadline, keyPrefix,
                lockLease, pollInterval, waitTimeout);
    }

    public CacheSettings withKeyPrefix(String prefix) {
        return new CacheSettings(ttl, staleFactor, maxEntries, maxDirectories, upstreamPath, pageSize, pageDeadline,
                prefix, lockLease, pollInterval, waitTimeout);
    }

    public CacheSettings withMaxEntries(int n) {
        return new CacheSettings(ttl, staleFactor, n, maxDirectories, upstreamPath, pageSize, pageDeadline, keyPrefix,
                lockLease, pollInterval, waitTimeout);
    }
}
