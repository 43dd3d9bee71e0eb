package io.cxbridge.bench.suite;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxbridge.bench.BenchContext;
import io.cxbridge.bench.Benchmark;
import io.cxbridge.bench.Report;
import io.cxbridge.bench.Table;
import io.cxbridge.bench.infra.Procs;
import io.cxbridge.bench.infra.Redis;
import io.cxbridge.bench.load.Pacer;
import java.io.File;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * retry-svc, on an extra retry-svc process of our own (the packaged jar with bench-only properties: its own source
 * topic, consumer group and Redis key prefix) against the bench stack's Kafka, Redis and sim:
 * <ol>
 * <li>heap after a forced GC with 10 pending runs, then with 100,000 (intake paused by a one-hour poll interval, so
 * every run stays pending), and the intake rate Kafka to Redis on the way;</li>
 * <li>timing: 10,000 of those runs are moved an hour ahead (the due set's scores), the process restarts with the
 * normal poll interval, and sample runs arrive at a steady rate; the sim fails half the attempts (408), so runs
 * get planned retries ({@code nextAttemptAt} of a {@code retry.attempt-failed} audit event) and actual ones (the
 * {@code ce_time} of the next attempt's audit event, emitted when the sim has answered).</li>
 * </ol>
 */
public final class RetryBench implements Benchmark {

    static final String AUDIT = "cxbridge.audit.v1";

    @Override
    public String name() {
        return "retry";
    }

    @Override
    public String description() {
        return "retry-svc: intake rate, heap with 10 and 100,000 pending, planned vs actual retry times with 10,000 pending";
    }

    @Override
    public void run(BenchContext ctx, Report report) throws Exception {
        int pending = Integer.parseInt(ctx.env("BENCH_RETRY_PENDING", "100000"));
        int timingPending = Integer.parseInt(ctx.env("BENCH_RETRY_TIMING_PENDING", "10000"));
        int samples = Integer.parseInt(ctx.env("BENCH_RETRY_SAMPLES", "200"));
        double sampleRate = Double.parseDouble(ctx.env("BENCH_RETRY_SAMPLE_RATE", "10"));
        long intakeLimit = Long.parseLong(ctx.env("BENCH_RETRY_INTAKE_LIMIT_SECONDS", "180"));
        String run = UUID.randomUUID().toString().substring(0, 8);
        String topic = "cxbridge.bench.failed-runs." + run;
        String prefix = "cxbridge:retry:bench:" + run;
        String due = "{" + prefix + "}:due"; // retry-svc hash-tags its prefix (Redis Cluster)
        Path jar = ctx.root().resolve("retry-svc/target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException("retry-svc is not packaged: " + jar);
        }
        try (KafkaTools kafka = new KafkaTools(ctx.kafka())) {
            kafka.admin()
                    .createTopics(List.of(new NewTopic(topic, 3, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
        Table heap = new Table(
                "retry-svc heap with pending retries (extra retry-svc process, "
                        + String.join(" ", ctx.serviceJavaOptions("retry-svc")) + ", intake only)",
                "pending runs",
                "heap used after GC (MiB)",
                "RSS (MiB)",
                "intake (runs/s, Kafka to Redis)");
        // max-pending (100,000 by default) would hold intake short of the 10 + pending runs this phase stores.
        Process p = startRetry(ctx, jar, topic, prefix, run, "1h", "-Dcxbridge.retry.max-pending=" + (pending + 10));
        double intakeRate;
        long heap10;
        long heapN;
        long stored;
        try (KafkaProducer<String, String> producer = producer(ctx);
                Redis redis = ctx.redis()) {
            long pid = p.pid();
            produce(producer, topic, 10, null);
            awaitCount(redis, due, 10, Duration.ofSeconds(60));
            heap10 = Procs.settledHeapKiB(pid);
            heap.row(10, mib(heap10), Procs.mib(Procs.rssKiB(pid)), "");
            long t0 = System.nanoTime();
            produce(producer, topic, pending, null);
            stored = awaitCount(redis, due, 10L + pending, Duration.ofSeconds(intakeLimit)) - 10;
            double took = (System.nanoTime() - t0) / 1e9;
            intakeRate = stored / took;
            heapN = Procs.settledHeapKiB(pid);
            heap.row(
                    stored + 10,
                    mib(heapN),
                    Procs.mib(Procs.rssKiB(pid)),
                    String.format(Locale.ROOT, "%.0f (%d in %.1f s)", intakeRate, stored, took));
            double growth = heap10 > 0 ? (heapN - heap10) * 100.0 / heap10 : Double.NaN;
            heap.note(String.format(
                    Locale.ROOT,
                    "Heap with %d pending is %+.1f %% of the heap with 10 (target: within 10 %%).",
                    stored + 10,
                    growth));
            heap.note(
                    "Heap = the smallest of three `jcmd GC.run` + `GC.heap_info` readings, 3 s after the intake ended.");
            heap.note(
                    "The process polls the due set once an hour here, so every admitted run stays pending; intake is "
                            + "measured from the first record produced to the due set holding them all (one Lua script per run).");
            report.add(heap);
            report.target(
                    "heap with 100,000 pending retries within 10 % of the heap with 10",
                    String.format(
                            Locale.ROOT,
                            "%s vs %s MiB (%+.1f %%) with %d pending",
                            mib(heapN),
                            mib(heap10),
                            growth,
                            stored + 10),
                    stored >= pending ? Math.abs(growth) <= 10 : null);

            // Timing: keep timingPending runs pending an hour ahead, drop the rest from the due set.
            String script = "local m = redis.call('ZRANGE', KEYS[1], 0, -1) local far = tonumber(ARGV[1]) "
                    + "local keep = tonumber(ARGV[2]) for i, id in ipairs(m) do if i <= keep then "
                    + "redis.call('ZADD', KEYS[1], far + i, id) else redis.call('ZREM', KEYS[1], id) end end return #m";
            redis.command(
                    "EVAL",
                    script,
                    "1",
                    due,
                    String.valueOf(Instant.now().plusSeconds(3600).toEpochMilli()),
                    String.valueOf(timingPending));
        } finally {
            stop(p);
        }
        timing(ctx, report, jar, topic, prefix, run, due, timingPending, samples, sampleRate);
    }

    private void timing(
            BenchContext ctx,
            Report report,
            Path jar,
            String topic,
            String prefix,
            String run,
            String due,
            int timingPending,
            int samples,
            double rate)
            throws Exception {
        ctx.simClearFaults();
        // 408: retried by retry-svc's backoff and not retried inside genesys-client. retry-svc's own action breaker
        // counts it, and with half the attempts failing it would open (3 in a row) and hold the action's runs for its
        // half-open time instead of their plan: this measures the scheduler, so the breakers are set aside here.
        ctx.simFault("{\"method\":\"POST\",\"path\":\"/api/v2/integrations/actions/bench-retry-" + run
                + "/execute\",\"status\":408,\"probability\":0.5}");
        Process p = startRetry(
                ctx,
                jar,
                topic,
                prefix,
                run,
                null,
                "-Dcxbridge.retry.breaker.failure-threshold=1000000",
                "-Dcxbridge.retry.breaker.global.enabled=false");
        Map<String, Instant> planned = new HashMap<>();
        Map<String, Instant> actual = new HashMap<>();
        Set<String> finished = new HashSet<>();
        Set<String> ids = new HashSet<>();
        long pendingNow;
        try (KafkaProducer<String, String> producer = producer(ctx);
                KafkaConsumer<String, String> audit = auditConsumer(ctx);
                Redis redis = ctx.redis()) {
            pendingNow = redis.number("ZCARD", due);
            Pacer pacer = new Pacer(rate, samples);
            long start = System.nanoTime();
            for (int i = 0; i < samples; i++) {
                long wait = start + pacer.dueOffsetNanos(i) - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                String id = UUID.randomUUID().toString();
                ids.add(id);
                producer.send(new ProducerRecord<>(topic, "bench-retry-" + run, run(id, "bench-retry-" + run)));
                poll(audit, ids, planned, actual, finished, Duration.ZERO);
            }
            producer.flush();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (finished.size() < samples && System.nanoTime() < deadline) {
                poll(audit, ids, planned, actual, finished, Duration.ofMillis(500));
            }
        } finally {
            stop(p);
            try {
                ctx.simClearFaults();
            } catch (RuntimeException e) {
                System.out.println("    could not clear the sim's faults: " + e);
            }
        }
        Histogram late = new Histogram(3_600_000L, 3);
        long early = 0;
        long earliest = 0;
        for (Map.Entry<String, Instant> e : actual.entrySet()) {
            Instant plan = planned.get(e.getKey());
            if (plan == null) {
                continue;
            }
            long d = Duration.between(plan, e.getValue()).toMillis();
            if (d < 0) {
                early++;
                earliest = Math.min(earliest, d);
            }
            late.recordValue(Math.max(0, Math.abs(d)));
        }
        Table t = new Table(
                "Retry timing: planned vs actual resubmission, " + pendingNow + " runs pending beside the " + "sample",
                "sample runs",
                "retries measured",
                "error p50 ms",
                "error p99 ms",
                "error max ms",
                "early (before plan)");
        t.row(
                samples + " (" + finished.size() + " finished)",
                late.getTotalCount(),
                late.getTotalCount() == 0 ? "-" : late.getValueAtPercentile(50),
                late.getTotalCount() == 0 ? "-" : late.getValueAtPercentile(99),
                late.getTotalCount() == 0 ? "-" : late.getMaxValue(),
                early + (early > 0 ? " (earliest " + earliest + " ms)" : ""));
        t.note(String.format(
                Locale.ROOT,
                "Sample runs arrive at %.0f/s on the extra retry-svc (its default poll interval "
                        + "and batch size); the sim answers half of the execute calls 408 at random, so runs get retries planned (action breakers set aside: they would hold the runs for their half-open time) "
                        + "by the backoff (1 s, 2 s, ... +- 10 %%). Error = |ce_time of the audit event of attempt m - "
                        + "nextAttemptAt in the attempt-failed event of attempt m-1| (events are made once the sim has "
                        + "answered, a few ms after the send).",
                rate));
        report.add(t);
        boolean measured = late.getTotalCount() > 0;
        report.target(
                "retry timing error p99 < 250 ms (10,000 pending)",
                measured
                        ? late.getValueAtPercentile(99) + " ms p99 over " + late.getTotalCount() + " retries, "
                                + pendingNow + " pending"
                        : "no retry observed",
                measured ? late.getValueAtPercentile(99) < 250 : null);
    }

    /**
     * Audit events of our runs: an event for attempt m >= 2 (attempt-failed, succeeded, exhausted, dead-lettered)
     * is the actual time of that attempt (its ce_time); the attempt-failed event of attempt m-1 planned it
     * ({@code nextAttemptAt}). Keys are requestId#attempt.
     */
    private static void poll(
            KafkaConsumer<String, String> audit,
            Set<String> ids,
            Map<String, Instant> planned,
            Map<String, Instant> actual,
            Set<String> finished,
            Duration wait) {
        for (ConsumerRecord<String, String> r : audit.poll(wait)) {
            String type = header(r, "ce_type");
            if (type == null || !type.startsWith("io.cxbridge.retry.")) {
                continue;
            }
            try {
                JsonNode data = BenchContext.JSON.readTree(r.value());
                String id = data.path("requestId").asText(null);
                if (id == null || !ids.contains(id)) {
                    continue;
                }
                int attempt = data.path("attempts").asInt(0);
                if (attempt >= 2) {
                    actual.put(id + "#" + attempt, Instant.parse(header(r, "ce_time")));
                }
                if (type.endsWith(".attempt-failed") && data.hasNonNull("nextAttemptAt")) {
                    planned.put(
                            id + "#" + (attempt + 1),
                            Instant.parse(data.get("nextAttemptAt").asText()));
                } else {
                    finished.add(id);
                }
            } catch (Exception e) {
                // not ours, or not JSON
            }
        }
    }

    private static String header(ConsumerRecord<String, String> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /**
     * Heap after a forced GC once the consumer is idle: 3 s to settle, then the smallest of three GC.run +
     * GC.heap_info (buffers of the last fetch and batch are then gone, so runs left in the heap would show).
     */
    private static String mib(long kib) {
        return kib < 0 ? "-" : String.valueOf(Math.round(kib / 1024.0));
    }

    static String run(String requestId, String actionId) {
        return "{\"requestId\":\"" + requestId + "\",\"actionId\":\"" + actionId + "\",\"originalRunId\":\"bench-"
                + requestId.substring(0, 8) + "\",\"requestPayload\":{\"customerId\":\"c-1\"},\"attempt\":0,"
                + "\"firstFailedAt\":\"" + Instant.now() + "\",\"lastStatus\":503}";
    }

    private static void produce(KafkaProducer<String, String> producer, String topic, int n, String actionId)
            throws Exception {
        String action = actionId == null ? "bench-pending" : actionId;
        for (int i = 0; i < n; i++) {
            producer.send(
                    new ProducerRecord<>(topic, action, run(UUID.randomUUID().toString(), action)));
        }
        producer.flush();
    }

    /** Polls ZCARD until it reaches {@code n} or the time is up; answers the last count. */
    private static long awaitCount(Redis redis, String key, long n, Duration max) throws Exception {
        long deadline = System.nanoTime() + max.toNanos();
        long c = redis.number("ZCARD", key);
        while (c < n && System.nanoTime() < deadline) {
            BenchContext.sleep(Duration.ofMillis(250));
            c = redis.number("ZCARD", key);
        }
        return c;
    }

    private static KafkaProducer<String, String> producer(BenchContext ctx) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, ctx.kafka());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 262_144);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return new KafkaProducer<>(p);
    }

    private static KafkaConsumer<String, String> auditConsumer(BenchContext ctx) throws Exception {
        Properties p = new Properties();
        p.put("bootstrap.servers", ctx.kafka());
        p.put("key.deserializer", StringDeserializer.class.getName());
        p.put("value.deserializer", StringDeserializer.class.getName());
        p.put("enable.auto.commit", "false");
        p.put("allow.auto.create.topics", "false");
        KafkaConsumer<String, String> c = new KafkaConsumer<>(p);
        List<TopicPartition> parts = new ArrayList<>();
        c.partitionsFor(AUDIT, Duration.ofSeconds(30))
                .forEach(i -> parts.add(new TopicPartition(AUDIT, i.partition())));
        c.assign(parts);
        c.seekToEnd(parts);
        parts.forEach(c::position);
        return c;
    }

    private static Process startRetry(
            BenchContext ctx,
            Path jar,
            String topic,
            String prefix,
            String run,
            String pollInterval,
            String... extraProperties)
            throws Exception {
        int port = ctx.port("BENCH_RETRY_PORT", 29086);
        // Health answers on the management interface, on a port of its own beside the bench stack's.
        int management = ctx.port("BENCH_RETRY_MGMT_PORT", 30086);
        List<String> cmd = new ArrayList<>(List.of("java"));
        cmd.addAll(ctx.serviceJavaOptions("retry-svc"));
        cmd.addAll(List.of(
                "-Dquarkus.profile=local,bench",
                "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.http.port=" + port,
                "-Dquarkus.management.host=127.0.0.1",
                "-Dquarkus.management.port=" + management,
                "-Dkafka.bootstrap.servers=" + ctx.kafka(),
                "-Dquarkus.redis.hosts=redis://127.0.0.1:" + ctx.redisPort(),
                "-Dcxbridge.genesys.base-url=http://127.0.0.1:" + ctx.sim(),
                "-Dmp.messaging.incoming.failed-runs-in.topic=" + topic,
                "-Dmp.messaging.incoming.failed-runs-in.group.id=bench-retry-" + run,
                "-Dcxbridge.retry.key-prefix=" + prefix));
        if (pollInterval != null) {
            cmd.add("-Dcxbridge.retry.poll-interval=" + pollInterval);
        }
        cmd.addAll(List.of(extraProperties));
        cmd.addAll(List.of("-jar", jar.toString()));
        File log = ctx.state().resolve("logs").resolve("bench-retry-svc.log").toFile();
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log))
                .start();
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException("the extra retry-svc exited while starting; see " + log);
            }
            try {
                HttpURLConnection c =
                        (HttpURLConnection) URI.create("http://127.0.0.1:" + management + "/q/health/ready")
                                .toURL()
                                .openConnection();
                c.setConnectTimeout(1000);
                c.setReadTimeout(2000);
                if (c.getResponseCode() == 200) {
                    return p;
                }
            } catch (Exception e) {
                // not yet
            }
            BenchContext.sleep(Duration.ofMillis(500));
        }
        stop(p);
        throw new IllegalStateException("the extra retry-svc was not ready in 180 s; see " + log);
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
