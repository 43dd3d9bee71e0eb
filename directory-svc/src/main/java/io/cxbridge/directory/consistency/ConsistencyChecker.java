package io.cxbridge.directory.consistency;

import io.cxbridge.directory.cache.CachedDirectory;
import io.cxbridge.directory.cache.DirectoryCache;
import io.cxbridge.directory.cache.DirectoryFetcher;
import io.smallrye.mutiny.Uni;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import org.jboss.logging.Logger;

/**
 * The platform's list endpoints send no validators, so a check reads the directory again and compares content
 * hashes; a changed directory is applied and published like any refresh (the cache's listener). Only directories
 * a client read within their last TTL are checked, the longest unchecked first, and only while the shared
 * {@link ConsistencyBudget} has calls left for all the pages a read takes. Plain class; the service schedules it.
 */
public final class ConsistencyChecker {

    private static final Logger LOG = Logger.getLogger(ConsistencyChecker.class);

    public record Result(int checked, int mismatched, int failed, int deferred) {}

    private final DirectoryCache cache;
    private final DirectoryFetcher fetcher;
    private final ConsistencyBudget budget;
    private final Clock clock;
    private final BiConsumer<CachedDirectory, CachedDirectory> onMismatch;
    private final Map<String, Instant> lastChecked = new ConcurrentHashMap<>();

    public ConsistencyChecker(
            DirectoryCache cache,
            DirectoryFetcher fetcher,
            ConsistencyBudget budget,
            Clock clock,
            BiConsumer<CachedDirectory, CachedDirectory> onMismatch) {
        this.cache = cache;
        this.fetcher = fetcher;
        this.budget = budget;
        this.clock = clock;
        this.onMismatch = onMismatch;
    }

    /** The directories due, longest unchecked first. */
    List<String> due() {
        Instant now = clock.instant();
        List<String> cached = cache.cachedIds();
        // only what L1 holds is checked: forget the others (any id a client names may have passed through L1)
        lastChecked.keySet().retainAll(new HashSet<>(cached));
        return cached.stream()
                .filter(id -> {
                    DirectoryCache.Status s = cache.status(id);
                    return s != null
                            && s.lastReadAt() != null
                            && s.lastReadAt().plusSeconds(cache.ttlSeconds(id)).isAfter(now);
                })
                .sorted(Comparator.comparing(id -> lastChecked.getOrDefault(id, Instant.MIN)))
                .toList();
    }

    /** One pass: checks due directories one at a time until the budget of the window runs out. */
    public Uni<Result> checkAll() {
        return next(due(), 0, new int[3]);
    }

    private Uni<Result> next(List<String> due, int i, int[] counts) {
        if (i >= due.size()) {
            return Uni.createFrom().item(new Result(counts[0], counts[1], counts[2], 0));
        }
        String id = due.get(i);
        CachedDirectory cached = cache.peek(id);
        if (cached == null) {
            return next(due, i + 1, counts);
        }
        int pages = fetcher.pages(id, cached.entries().size());
        return budget.take(pages).onItem().transformToUni(taken -> {
            if (!taken) {
                // The rest waits for a later window; they are the longest unchecked then.
                return Uni.createFrom().item(new Result(counts[0], counts[1], counts[2], due.size() - i));
            }
            lastChecked.put(id, clock.instant());
            return cache.recheck(id, cached)
                    .map(loaded -> {
                        counts[0]++;
                        if (!loaded.contentHash().equals(cached.contentHash())) {
                            counts[1]++;
                            onMismatch.accept(cached, loaded);
                        }
                        return true;
                    })
                    .onFailure()
                    .recoverWithItem(e -> {
                        counts[2]++;
                        LOG.warnf("consistency check of directory %s failed: %s", id, e.getMessage());
                        return false;
                    })
                    .onItem()
                    .transformToUni(x -> next(due, i + 1, counts));
        });
    }
}
