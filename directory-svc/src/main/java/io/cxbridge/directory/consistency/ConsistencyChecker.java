package io.cxbridge.directory.consistency;

import io.cxbridge.directory.cache.CachedDirectory;
import io.cxbridge.directory.cache.DirectoryCache;
import io.cxbridge.directory.cache.DirectoryFetcher;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import java.time.Instant;
import java.util.function.BiConsumer;
import org.jboss.logging.Logger;

/**
 * Compares every directory this replica holds with Genesys by a one-entry request with {@code If-Modified-Since}
 * (304: unchanged); on a newer {@code Last-Modified} it reports the mismatch and reloads the directory (whose
 * listener publishes DirectoryUpdated when the content changed). Plain class; the service schedules it.
 */
public final class ConsistencyChecker {

    private static final Logger LOG = Logger.getLogger(ConsistencyChecker.class);

    public record Result(int checked, int mismatched, int failed) {
    }

    private final DirectoryCache cache;
    private final DirectoryFetcher fetcher;
    private final BiConsumer<CachedDirectory, Instant> onMismatch;

    public ConsistencyChecker(DirectoryCache cache, DirectoryFetcher fetcher, BiConsumer<CachedDirectory, Instant> onMismatch) {
        this.cache = cache;
        this.fetcher = fetcher;
        this.onMismatch = onMismatch;
    }

    /** One pass over the cached directories, one at a time (a cheap request each). */
    public Uni<Result> checkAll() {
        int[] counts = new int[3];
        return Multi.createFrom().iterable(cache.cachedIds())
                .onItem().transformToUniAndConcatenate(id -> check(id).map(mismatch -> {
                    counts[0]++;
                    if (mismatch) {
                        counts[1]++;
                    }
                    return mismatch;
                }).onFailure().recoverWithItem(e -> {
                    counts[2]++;
                    LOG.warnf("consistency check of directory %s failed: %s", id, e.getMessage());
                    return false;
                }))
                .collect().last()
                .map(x -> new Result(counts[0], counts[1], counts[2]));
    }

    /** True when Genesys had a newer version (and the directory was reloaded). */
    public Uni<Boolean> check(String directoryId) {
        CachedDirectory cached = cache.peek(directoryId);
        if (cached == null) {
            return Uni.createFrom().item(false);
        }
        return fetcher.probe(directoryId, cached.lastModified()).onItem().transformToUni(probe -> {
            Instant upstream = probe.lastModified().orElse(null);
            if (probe.unchanged() || upstream == null || upstream.equals(cached.lastModified())) {
                return Uni.createFrom().item(false);
            }
            onMismatch.accept(cached, upstream);
            return cache.reload(directoryId, cached, upstream).replaceWith(true);
        });
    }
}
