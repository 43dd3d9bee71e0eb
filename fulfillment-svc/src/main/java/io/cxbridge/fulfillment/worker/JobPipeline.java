package io.cxbridge.fulfillment.worker;

import io.cxbridge.common.kafka.RecordCheck;
import io.cxbridge.common.messaging.PerKeyTurns;
import io.cxbridge.fulfillment.config.FulfillmentConfig;
import io.cxbridge.model.Channels;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.utils.Utils;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Feeds {@code cxbridge.fulfillment.jobs.v1} to the {@link FulfillmentWorker} with up to
 * {@code cxbridge.fulfillment.concurrency} jobs in flight (Mutiny {@code merge(concurrency)} over the channel's
 * stream: demand is the number of free slots, so the Kafka connector pauses polling when all are taken and the
 * backlog waits in Kafka). Jobs end out of order; each record is acknowledged only once its outcome is durable, and
 * the connector's {@code throttled} commit strategy commits only up to the highest offset below which every record
 * is acknowledged, so a crash loses nothing. Records with the same key (fulfillmentId) are worked one after the
 * other, so a duplicate never races the first post past the posted mark. The bytes of the records worked at once are
 * bounded too ({@code cxbridge.fulfillment.in-flight-bytes}, {@link ByteBudgetGate}; a record weighs its value,
 * key and headers): records are pulled one at a time
 * while a slot is free and the budget is not spent, so 256 slots of 1 MiB jobs never hold 256 MiB.
 *
 * <p>On shutdown no new job starts; jobs in flight get {@code shutdown-grace} to finish. What is not finished then
 * is cancelled and never acknowledged, so its offset is not committed and the job is redelivered (handed back).
 */
@ApplicationScoped
public class JobPipeline {

    private static final Logger LOG = Logger.getLogger(JobPipeline.class);

    private final Multi<Message<String>> jobs;
    private final FulfillmentWorker worker;
    private final FulfillmentConfig config;
    private final FulfillmentMetrics metrics;
    private final Clock clock;
    /** Records with the same key (fulfillmentId) one after the other. */
    private final PerKeyTurns turns = new PerKeyTurns();

    private final AtomicInteger inFlight;
    /** One per job in flight: run by the drain when it gives up, to end the job's slot at once. */
    private final Set<Runnable> abandonWaiters = ConcurrentHashMap.newKeySet();
    /** Partitions taken from this instance by a rebalance: their jobs not started yet are dropped, unacknowledged. */
    private final Set<TopicPartition> revoked = ConcurrentHashMap.newKeySet();
    /** The abandon waiters of each partition's jobs, so a revocation that gives up can end exactly those. */
    private final ConcurrentHashMap<TopicPartition, Set<Runnable>> abandonWaitersOf = new ConcurrentHashMap<>();
    /** Jobs running (past their key's turn) per partition, so a revocation can wait for exactly those. */
    private final ConcurrentHashMap<TopicPartition, AtomicInteger> running = new ConcurrentHashMap<>();

    private final RecordCheck recordCheck;
    private volatile boolean abandoned;
    private volatile boolean draining;
    private volatile boolean stopped;

    public JobPipeline(
            @Channel(Channels.FULFILLMENT_JOBS_IN) Multi<Message<String>> jobs,
            FulfillmentWorker worker,
            FulfillmentConfig config,
            FulfillmentMetrics metrics,
            Clock clock) {
        this.jobs = jobs;
        this.clock = clock;
        this.worker = worker;
        this.config = config;
        this.metrics = metrics;
        this.inFlight = metrics.inFlight();
        // The DLQ replay adds no header; traceparent is checked by RecordCheck itself.
        this.recordCheck = RecordCheck.of(config.maxRecordBytes());
    }

    void start(@Observes StartupEvent ignored) {
        int concurrency = Math.max(1, config.concurrency());
        long budget = config.inFlightBytes().asLongValue();
        LOG.infof("working fulfillment jobs with up to %d (and %d bytes of records) in flight", concurrency, budget);
        // stamped as the gate receives it: the connector counts the record's age from there, a wait for the budget
        // included
        jobs.map(m -> new Arrived(m, clock.instant()))
                .subscribe()
                .withSubscriber(new ByteBudgetGate<Arrived>(
                        concurrency,
                        budget,
                        a -> size(a.message()),
                        this::handle,
                        metrics.inFlightBytes(),
                        failure -> {
                            stopped = true;
                            LOG.errorf("the fulfillment job stream stopped: %s", failure.toString());
                        },
                        () -> stopped = true));
    }

    /** A record as the gate received it, and when. */
    private record Arrived(Message<String> message, Instant at) {}

    /**
     * What a record weighs in the in-flight byte budget: its value and key in UTF-8 bytes plus its headers (names in
     * UTF-8, values as they came). A key or header of megabytes is held while the job runs just as the value is;
     * weighed by the value alone, 1 MiB keys with tiny values passed the budget unnoticed.
     */
    static long size(Message<String> message) {
        String value = message.getPayload();
        long n = value == null ? 0 : Utils.utf8Length(value);
        Optional<IncomingKafkaRecordMetadata> meta = message.getMetadata(IncomingKafkaRecordMetadata.class);
        if (meta.isEmpty()) {
            return n;
        }
        Object key = meta.get().getKey();
        if (key instanceof byte[] bytes) {
            n += bytes.length;
        } else if (key != null) {
            n += Utils.utf8Length(String.valueOf(key));
        }
        Headers headers = meta.get().getHeaders();
        if (headers != null) {
            for (Header h : headers) {
                n += Utils.utf8Length(h.key()) + (h.value() == null ? 0 : h.value().length);
            }
        }
        return n;
    }

    /** True once the job stream has ended (a record failed for a bug, or the broker client was closed). */
    public boolean stopped() {
        return stopped;
    }

    public int inFlight() {
        return inFlight.get();
    }

    private Uni<Void> handle(Arrived arrived) {
        Message<String> message = arrived.message();
        if (draining) {
            // Shutting down: hold the slot without acknowledging, so nothing more is requested and this record is
            // not committed (the next owner of the partition works it).
            return Uni.createFrom().nothing();
        }
        inFlight.incrementAndGet();
        // The connector counts the record's age (throttled.unprocessed-record-max-age) from when it handed the record
        // to the gate: the job's waits end in time by it (HoldLimit), the gate's hold and its key's turn included.
        Instant taken = arrived.at();
        Optional<IncomingKafkaRecordMetadata> meta = message.getMetadata(IncomingKafkaRecordMetadata.class);
        String key = meta.map(m -> m.getKey() == null ? null : String.valueOf(m.getKey()))
                .orElse(null);
        TopicPartition partition = meta.map(m -> new TopicPartition(m.getTopic(), m.getPartition()))
                .orElse(null);
        String value = message.getPayload();
        long size = value == null ? 0 : Utils.utf8Length(value);
        Optional<RecordCheck.Refusal> refusal = recordCheck.check(
                size, meta.map(IncomingKafkaRecordMetadata::getHeaders).orElse(null));
        Uni<Void> job = turns.run(
                        key,
                        () -> startIfOwned(
                                partition,
                                refusal.isPresent()
                                        ? () -> worker.refuse(key, value, refusal.get())
                                        : () -> worker.process(key, value, taken)))
                .onItemOrFailure()
                .transformToUni((started, failure) -> {
                    if (failure == null && !started) {
                        // Its partition was revoked before it started: the next owner works it (not acknowledged).
                        return Uni.createFrom().voidItem();
                    }
                    Uni<Void> settled = failure == null
                            ? Uni.createFrom().completionStage(message::ack)
                            // A bug, or retrying cut short by shutdown: the connector's failure strategy (fail)
                            // stops the channel with this record uncommitted, and liveness says DOWN.
                            : Uni.createFrom().completionStage(() -> message.nack(failure));
                    return settled.onFailure().recoverWithNull();
                });
        // Past the shutdown grace the job is cancelled where it stands (no result posted for a call our own
        // shutdown cut, no acknowledgement): it is handed back uncommitted.
        return abandonable(job, partition).eventually(inFlight::decrementAndGet);
    }

    /**
     * Runs {@code job}; when the drain (or the revocation of its partition) gives up first, this completes at once
     * and the job is cancelled where it stands. The job is subscribed directly, not raced against a signal with {@code Uni.combine().any()}: that
     * turned both into completion stages and cancelled the loser's, which made two exceptions (with their stack
     * traces) for every job.
     */
    private Uni<Void> abandonable(Uni<Void> job, TopicPartition partition) {
        return Uni.createFrom().emitter(e -> {
            Runnable abandon = () -> e.complete(null);
            abandonWaiters.add(abandon);
            Set<Runnable> ofPartition = partition == null
                    ? null
                    : abandonWaitersOf.computeIfAbsent(partition, p -> ConcurrentHashMap.newKeySet());
            if (ofPartition != null) {
                ofPartition.add(abandon);
            }
            Cancellable running = job.subscribe().with(done -> e.complete(null), e::fail);
            // However it ended (the job's outcome, the drain, a cancellation downstream): its waiter goes, and the job
            // is cancelled (nothing happens to one that ended). Runs at once if it has ended already.
            e.onTermination(() -> {
                abandonWaiters.remove(abandon);
                if (ofPartition != null) {
                    ofPartition.remove(abandon);
                }
                running.cancel();
            });
            if (abandoned) {
                e.complete(null);
            }
        });
    }

    /**
     * Runs {@code work} unless the record's partition has been revoked meanwhile: true when it ran. Counted as
     * running first and checked second, so a revocation either sees it running (and waits) or it sees the
     * revocation (and does not start).
     */
    private Uni<Boolean> startIfOwned(TopicPartition partition, Supplier<Uni<Void>> work) {
        if (partition == null) {
            return work.get().replaceWith(true);
        }
        AtomicInteger count = running.computeIfAbsent(partition, p -> new AtomicInteger());
        count.incrementAndGet();
        if (revoked.contains(partition)) {
            count.decrementAndGet();
            return Uni.createFrom().item(false);
        }
        return Uni.createFrom().<Void>deferred(work::get).replaceWith(true).eventually(count::decrementAndGet);
    }

    /**
     * A rebalance takes {@code partitions} from this instance (called on the consumer's polling thread, before the
     * rebalance completes): their jobs that have not started are dropped, and this waits for those running to end
     * (up to {@code shutdown-grace}), so the next owner never works a job this instance is still working. Those
     * still running then are cancelled where they stand, as the drain does: not acknowledged, nothing more called or
     * posted by this instance (the next owner runs them; the posted mark and Idempotency-Key cover a post already
     * made).
     */
    public void revoke(Collection<TopicPartition> partitions) {
        revoked.addAll(partitions);
        long deadline = System.nanoTime() + config.shutdownGrace().toNanos();
        while (runningOn(partitions) > 0 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
        }
        int left = runningOn(partitions);
        if (left > 0) {
            LOG.warnf(
                    "partitions %s revoked with %d fulfillment job(s) still running after %s; cancelled and handed over"
                            + " unacknowledged",
                    partitions, left, config.shutdownGrace());
            // Left running, the job would call the external API and post its result while the next owner does too.
            for (TopicPartition p : partitions) {
                Set<Runnable> waiters = abandonWaitersOf.get(p);
                if (waiters != null) {
                    waiters.forEach(Runnable::run);
                }
            }
        }
    }

    /** The partitions were lost (not handed over): their jobs not started yet are dropped; nothing to wait for. */
    public void revokeNow(Collection<TopicPartition> partitions) {
        revoked.addAll(partitions);
    }

    /** A rebalance gives {@code partitions} to this instance (again): their jobs are taken. */
    public void assign(Collection<TopicPartition> partitions) {
        revoked.removeAll(partitions);
    }

    private int runningOn(Collection<TopicPartition> partitions) {
        int n = 0;
        for (TopicPartition p : partitions) {
            AtomicInteger c = running.get(p);
            n += c == null ? 0 : c.get();
        }
        return n;
    }

    /**
     * Before the connectors close (they close when the application scope is destroyed, after this event): stop
     * taking jobs and let those in flight finish within the grace period.
     */
    void drain(@Observes @Priority(1) ShutdownEvent ignored) {
        draining = true;
        long deadline = System.nanoTime() + config.shutdownGrace().toNanos();
        int left = inFlight.get();
        if (left > 0) {
            LOG.infof(
                    "shutting down: waiting up to %s for %d fulfillment job(s) in flight",
                    config.shutdownGrace(), left);
        }
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
        left = inFlight.get();
        if (left > 0) {
            LOG.warnf("shutting down with %d fulfillment job(s) unfinished: handed back uncommitted", left);
            abandoned = true;
            abandonWaiters.forEach(Runnable::run);
        }
        // The stream is not cancelled: the connector's own close commits what was acknowledged.
    }
}
