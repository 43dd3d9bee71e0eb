package io.cxbridge.fulfillment.worker;

import io.cxbridge.fulfillment.config.FulfillmentConfig;
import io.cxbridge.genesys.retry.Backoff;
import io.cxbridge.genesys.urlpolicy.FulfillmentUrlConfig;
import io.cxbridge.genesys.urlpolicy.FulfillmentUrlPolicy;
import io.cxbridge.genesys.urlpolicy.FulfillmentUrlPolicy.Verdict;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The fulfillment URL policy's address check for a URL whose host is a name the allow-list admits. A failed lookup
 * (a resolver timeout or SERVFAIL during a CoreDNS restart, then cached negatively by the JVM for 10 s) is
 * infrastructure, not a bad URL: the lookup is tried again with backoff until a given instant.
 */
@ApplicationScoped
public class FulfillmentUrlLookup {

    private static final Logger LOG = Logger.getLogger(FulfillmentUrlLookup.class);

    private final FulfillmentUrlPolicy policy;
    private final Clock clock;
    private final Backoff backoff;

    public FulfillmentUrlLookup(
            FulfillmentUrlConfig urls, FulfillmentConfig config, HostResolver resolver, Clock clock) {
        this.clock = clock;
        this.backoff = config.retry().backoff();
        // The same policy as the shared bean's, with the resolver tests can replace.
        this.policy = new FulfillmentUrlPolicy(
                urls.allowedHosts(), urls.testHosts().orElse(List.of()), urls.callbackPath(), host -> {
                    try {
                        return resolver.resolve(host);
                    } catch (UnknownHostException e) {
                        throw new IllegalArgumentException(e);
                    }
                });
    }

    /** One check, blocking (DNS): call it off the event loop. */
    Verdict check(String url) {
        return policy.verdict(url);
    }

    /**
     * Checks {@code url} on a worker thread, again with backoff while its host cannot be looked up and a try still
     * starts before {@code until}; a verdict whose lookup failed when none succeeded by then.
     */
    public Uni<Verdict> checkUntil(String url, Instant until, String jobId) {
        return attempt(url, until, jobId, 0);
    }

    private Uni<Verdict> attempt(String url, Instant until, String jobId, int n) {
        return Uni.createFrom()
                .item(() -> check(url))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .chain(v -> {
                    if (!v.lookupFailed()) {
                        return Uni.createFrom().item(v);
                    }
                    Duration delay = backoff.delay(n);
                    if (!clock.instant().plus(delay).isBefore(until)) {
                        LOG.warnf(
                                "job %s: the fulfillmentUrl's host could not be looked up in DNS (%d tries)",
                                jobId, n + 1);
                        return Uni.createFrom().item(v);
                    }
                    LOG.debugf("job %s: the fulfillmentUrl's host could not be looked up; trying again", jobId);
                    return Uni.createFrom()
                            .voidItem()
                            .onItem()
                            .delayIt()
                            .by(delay)
                            .chain(() -> attempt(url, until, jobId, n + 1));
                });
    }
}
