package io.cxbridge.gateway.ingest;

import io.cxbridge.gateway.config.GatewayConfig;
import io.cxbridge.model.Channels;
import io.cxbridge.model.event.FailedRun;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

/** Puts a complete FailedRun on {@code cxbridge.dataactions.failed-runs.v1}: 202 {requestId} once the broker has it. */
@ApplicationScoped
public class FailedRunPublisher {

    /** The 202 body. */
    public record Accepted(String requestId) {}

    private final MutinyEmitter<byte[]> failedRuns;
    private final GatewayConfig config;

    public FailedRunPublisher(
            @Channel(Channels.FAILED_RUNS_OUT) @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 1024)
                    MutinyEmitter<byte[]> failedRuns,
            GatewayConfig config) {
        this.failedRuns = failedRuns;
        this.config = config;
    }

    /**
     * The requestId of a run handed over without one: the same for the same client, action and original run, so a
     * run sent again after a 503 is the same run to retry-svc, even when the first send reaches the broker after
     * all (a send the producer holds cannot be called back). A random one would make two runs, and two executions.
     */
    public static String requestIdFor(String clientId, String actionId, String originalRunId) {
        return UUID.nameUUIDFromBytes(("failed-run\u0000" + clientId + "\u0000" + actionId + "\u0000" + originalRunId)
                        .getBytes(StandardCharsets.UTF_8))
                .toString();
    }

    /** Completes once the broker has the run; fails when it does not acknowledge within the ack timeout. */
    public Uni<Void> send(FailedRun run) {
        return KafkaIngest.send(failedRuns, run.actionId(), run, config.ingest().ackTimeout());
    }

    public Uni<Response> publish(FailedRun run) {
        return KafkaIngest.publish(
                failedRuns,
                run.actionId(),
                run,
                config.ingest().ackTimeout(),
                new Accepted(run.requestId()),
                "retry with requestId " + run.requestId(),
                run.traceId());
    }
}
