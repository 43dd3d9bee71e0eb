package io.cxbridge.directory.consistency;

import io.cxbridge.directory.cache.CachedDirectory;
import io.cxbridge.directory.cache.DirectoryCache;
import io.cxbridge.directory.cache.DirectoryFetcher;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import org.jboss.logging.Logger;

/**
 * The platform's list endpoints send no validators, so a check reads the directory again and compares content
 * hashes; a changed directory is applied and published like any refresh (the cache's listener). Only directories
 * a client read within their last TTL are checked, the longest unchecked first, and only while the shared
 * {@link ConsistencyBudget} has calls left for all the pages a read takes. A directory whose read takes more pages
 * than a whole window's budget can never be checked: it is skipped (logged once, counted in
 * {@code cxbridge.directory.consistency.skipped}) and counts as checked, so it does not lead every pass and stop the
 * check of every other directory. Plain class; the service schedules it.
 */
public final class ConsistencyChecker {

    private static final Logger LOG = Logger.getLogger(ConsistencyChecker.class);

    /**
     * One pass: {@code deferred} directories wait for the next window's budget; {@code skipped} ones take more pages
     * than a whole window's budget and are not checked at all.
     */
    public record Result(int checked, int mismatched, int failed, int deferred, int skipped) {}

    private final DirectoryCache cache;
    private final DirectoryFetcher fetcher;
    private final ConsistencyBudget budget;
    private final Clock clock;
    private final BiConsumer<CachedDirectory, CachedDirectory> onMismatch;
    private final Map<String, Instant> lastChecked = new ConcurrentHashMap<>();
    /** Directories too large for the budget, with the pages they took when that was logged (logged once each). */
    private final Map<String, Integer> tooLarge = new ConcurrentHashMap<>();

    private final Counter skipped;

    public ConsistencyChecker(
            DirectoryCache cache,
            DirectoryFetcher fetcher,
            ConsistencyBudget budget,
            Clock clock,
            BiConsumer<CachedDirectory, CachedDirectory> onMismatch,
            MeterRegistry registry) {
        this.cache = cache;
        this.fetcher = fetcher;
        this.budget = budget;
        this.clock = clock;
        this.onMismatch = onMismatch;
        this.skipped = Counter.builder("cxbridge.directory.consistency.skipped")
                .description("consistency checks skipped: the directory takes more pages than a whole window's budget")
                .register(registry);
    }

    /** The directories due, longest unchecked first. */
    List<String> due() {
        Instant now = clock.instant();
        List<String> cached = cache.cachedIds();
        // only what L1 holds is checked: forget the others (any id a client names may have passed through L1)
        Set<String> held = new HashSet<>(cached);
        lastChecked.keySet().retainAll(held);
        tooLarge.keySet().retainAll(held);
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
        return next(due(), 0, new int[4]);
    }

    private Uni<Result> next(List<String> due, int i, int[] counts) {
        if (i >= due.size()) {
            return Uni.createFrom().item(new Result(counts[0], counts[1], counts[2], 0, counts[3]));
        }
        String id = due.get(i);
        CachedDirectory cached = cache.peek(id);
        if (cached == null) {
            return next(due, i + 1, counts);
        }
        int pages = fetcher.pages(id, cached.entries().size());
        if (!budget.fits(pages)) {
            skipTooLarge(id, cached, pages);
            counts[3]++;
            return next(due, i + 1, counts);
        }
        return budget.take(pages).onItem().transformToUni(taken -> {
            if (!taken) {
                // The rest waits for a later window; they are the longest unchecked then.
                return Uni.createFrom().item(new Result(counts[0], counts[1], counts[2], due.size() - i, counts[3]));
            }
            lastChecked.put(id, clock.instant());
            return cache.recheck(id, cached)
                    .map(loaded -> {
                        if (loaded == null) {
                            return true; // dropped or replaced since due() looked: nothing left to check
                        }
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

    /**
     * A directory whose read takes more pages than the whole window's budget: waiting would never end, and as the
     * longest unchecked it would lead (and end) every pass. It counts as checked now, so the pass goes on with the
     * others and it comes last in the next; logged once (again only if its size changes), counted every time.
     */
    private void skipTooLarge(String id, CachedDirectory cached, int pages) {
        lastChecked.put(id, clock.instant());
        skipped.increment();
        Integer logged = tooLarge.put(id, pages);
        if (logged == null || logged != pages) {
            LOG.warnf(
                    "consistency check: directory %s is not checked: a read of its %d entries takes %d Genesys calls"
                            + " (pages), more than the whole budget of %d calls per %s"
                            + " (cxbridge.directory.consistency.budget / .window); it is refreshed by its TTL only",
                    id, cached.entries().size(), pages, budget.calls(), budget.window());
        }
    }
}
