package io.cxbridge.bench.suite;

import io.cxbridge.bench.BenchContext;
import io.cxbridge.bench.infra.LogTail;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * Proof that a gateway run had every feature on: the audit topic grew by at least one event per request and the
 * gateway's log gained at least one request line per request. wrk counts only the requests it saw answered; those
 * still in flight when it stopped (at most one per connection) were served, logged and audited too, so the counts
 * may exceed wrk's by up to the connection count, and may never fall short of it.
 */
final class FeatureCheck {

    static final String AUDIT_TOPIC = "cxbridge.audit.v1";
    static final String REQUEST_LOGGER = "io.cxbridge.gateway.requests";
    private static final Duration POLL = Duration.ofMillis(250);

    /** Where a run started: the audit topic's end offsets and the log's end. */
    record Mark(Map<TopicPartition, Long> audit, LogTail log) {}

    /** What a run produced against the requests wrk saw answered. */
    record Counted(long requests, int connections, long auditEvents, long logLines) {
        boolean auditOk() {
            return auditEvents >= requests;
        }

        boolean logOk() {
            return logLines >= requests;
        }
    }

    private final KafkaTools kafka;
    private final Path log;
    private final Duration wait;

    FeatureCheck(KafkaTools kafka, Path gatewayLog, Duration wait) {
        this.kafka = kafka;
        this.log = gatewayLog;
        this.wait = wait;
    }

    static FeatureCheck of(BenchContext ctx, KafkaTools kafka) {
        Path log = Path.of(ctx.env(
                "BENCH_GATEWAY_LOG",
                ctx.state().resolve("logs").resolve("gateway-svc.log").toString()));
        return new FeatureCheck(
                kafka, log, Duration.ofSeconds(Long.parseLong(ctx.env("BENCH_FEATURE_CHECK_WAIT", "15"))));
    }

    Path log() {
        return log;
    }

    /**
     * Marks the start of a run once the previous one's stragglers are in (the audit offsets and the log's size
     * unchanged for a poll), so they are not counted for this run.
     */
    Mark mark() throws Exception {
        long deadline = System.nanoTime() + wait.toNanos();
        Map<TopicPartition, Long> offsets = kafka.endOffsetsByPartition(AUDIT_TOPIC);
        long size = size();
        while (System.nanoTime() < deadline) {
            BenchContext.sleep(POLL);
            Map<TopicPartition, Long> o = kafka.endOffsetsByPartition(AUDIT_TOPIC);
            long s = size();
            if (o.equals(offsets) && s == size) {
                break;
            }
            offsets = o;
            size = s;
        }
        return new Mark(offsets, LogTail.fromEnd(log, REQUEST_LOGGER));
    }

    /**
     * Counts what the run produced, waiting for the producer's batches and the log handler to flush: until both
     * counts reach {@code requests}, or neither has grown for 3 s, or the wait is over.
     */
    Counted count(Mark m, long requests, int connections) throws Exception {
        long deadline = System.nanoTime() + wait.toNanos();
        long audit = -1;
        long lines = -1;
        long lastGrowth = System.nanoTime();
        while (true) {
            long a = KafkaTools.growth(m.audit(), kafka.endOffsetsByPartition(AUDIT_TOPIC));
            long l = m.log().poll();
            if (a != audit || l != lines) {
                lastGrowth = System.nanoTime();
            }
            audit = a;
            lines = l;
            long now = System.nanoTime();
            if ((a >= requests && l >= requests) || now > deadline || now - lastGrowth > 3_000_000_000L) {
                return new Counted(requests, connections, audit, lines);
            }
            BenchContext.sleep(POLL);
        }
    }

    private long size() throws IOException {
        return Files.exists(log) ? Files.size(log) : 0;
    }
}
