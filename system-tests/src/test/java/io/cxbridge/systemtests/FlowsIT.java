package io.cxbridge.systemtests;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudevents.CloudEvent;
import io.cxbridge.model.Topics;
import io.cxbridge.model.audit.AuditTypes;
import io.cxbridge.testkit.TopicReader;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The six flows of {@code ./stack demo}, against the packaged services as processes: each must end as expected
 * and leave the whole path of its trace on the audit topic.
 */
@Order(1)
@ExtendWith(StackExtension.class)
class FlowsIT {

    private final Flows flows = StackExtension.flows();

    @Test
    @Order(1)
    void proxiedSdkCallsReachTheSimAndAreAuditedAsCloudEvents() {
        FlowResult r = flows.proxy();

        assertThat(r.problems()).as(r.toString()).isEmpty();
        assertThat(r.fact("statuses")).isEqualTo(List.of(200, 200, 200, 403));
        assertThat(r.fact("postsReachingGenesys")).isEqualTo(1L);
        assertThat(r.types())
                .containsExactly(
                        AuditTypes.GATEWAY_REQUEST,
                        AuditTypes.GATEWAY_REQUEST,
                        AuditTypes.GATEWAY_REQUEST,
                        AuditTypes.GATEWAY_REQUEST);
        assertThat(r.events()).allSatisfy(e -> {
            assertThat(e.source()).isEqualTo("/cxbridge/gateway-svc");
            assertThat(e.traceId()).isEqualTo(r.traceId());
            assertThat(e.dataTraceId()).isEqualTo(r.traceId());
        });
        // Any CloudEvents SDK reads them: binary content mode, the trace id as an extension attribute.
        ConsumerRecord<String, byte[]> record = TopicReader.await(
                        StackExtension.stack().endpoints().kafkaBootstrap(),
                        Topics.AUDIT,
                        1,
                        TopicReader.header("ce_traceid", r.traceId()),
                        Duration.ofSeconds(30))
                .get(0);
        CloudEvent event = TopicReader.cloudEvent(record);
        assertThat(event.getSpecVersion().toString()).isEqualTo("1.0");
        assertThat(event.getType()).isEqualTo(AuditTypes.GATEWAY_REQUEST);
        assertThat(event.getSource().toString()).isEqualTo("/cxbridge/gateway-svc");
        assertThat(event.getExtension("traceid")).isEqualTo(r.traceId());
        assertThat(event.getDataContentType()).isEqualTo("application/json");
    }

    @Test
    @Order(2)
    void aFailedRunSucceedsOnRetry() {
        FlowResult r = flows.failedRunRetried();

        assertThat(r.problems()).as(r.toString()).isEmpty();
        assertThat(r.fact("attempts")).isEqualTo(2);
        assertThat(r.fact("executions")).isEqualTo(2L);
        assertThat(r.types())
                .containsSubsequence(
                        AuditTypes.GATEWAY_REQUEST, AuditTypes.RETRY_ATTEMPT_FAILED, AuditTypes.RETRY_SUCCEEDED);
        assertThat(r.services()).containsExactly("gateway-svc", "retry-svc");
    }

    @Test
    @Order(3)
    void aDeadLetteredRunIsReplayedAfterTheSimRecovers() {
        FlowResult r = flows.deadLetterReplayed();

        assertThat(r.problems()).as(r.toString()).isEmpty();
        assertThat(r.fact("stateBeforeReplay")).isEqualTo("dead-lettered");
        assertThat(r.fact("executions")).isEqualTo(2L);
        // (the replay request's own gateway event is sent when its answer is done, after retry.replayed)
        assertThat(r.types())
                .containsSubsequence(
                        AuditTypes.GATEWAY_REQUEST,
                        AuditTypes.RETRY_DEAD_LETTERED,
                        AuditTypes.RETRY_REPLAYED,
                        AuditTypes.RETRY_SUCCEEDED);
        // the run's submission, the DLQ listing that finds it, and the replay request
        assertThat(r.types()).filteredOn(AuditTypes.GATEWAY_REQUEST::equals).hasSize(3);
        assertThat(r.fact("replayAnswer").toString()).contains("replayed");
        assertThat(r.services()).contains("gateway-svc", "retry-svc");
    }

    @Test
    @Order(4)
    void aFulfillmentPostsItsResultOnce() {
        FlowResult r = flows.fulfillment();

        assertThat(r.problems()).as(r.toString()).isEmpty();
        assertThat(r.fact("callbacks")).isEqualTo(1);
        assertThat(r.fact("duplicateCallbacks")).isEqualTo(0);
        assertThat(r.fact("resultStatus")).isEqualTo("complete");
        assertThat(r.fact("jobState")).isEqualTo("complete");
        assertThat(r.types()).containsSubsequence(AuditTypes.GATEWAY_REQUEST, AuditTypes.FULFILLMENT_COMPLETED);
        assertThat(r.services()).containsExactly("gateway-svc", "fulfillment-svc");
    }

    @Test
    @Order(5)
    void anOverlappingRetentionPolicyIsMergedAndDeployed() {
        FlowResult r = flows.retentionOverlap();

        assertThat(r.problems()).as(r.toString()).isEmpty();
        @SuppressWarnings("unchecked")
        List<Integer> periods = (List<Integer>) r.fact("retentionPeriods");
        assertThat(r.fact("mergedRetentionPeriod")).isEqualTo(periods.get(1));
        assertThat(r.fact("replacedPolicyIds")).isEqualTo(List.of(r.fact("firstPolicyId")));
        assertThat(r.types())
                .containsSubsequence(
                        AuditTypes.RETENTION_SUBMITTED,
                        AuditTypes.RETENTION_DEPLOYED,
                        AuditTypes.RETENTION_OVERLAP_DETECTED,
                        AuditTypes.RETENTION_SUBMITTED,
                        AuditTypes.RETENTION_DEPLOYED);
        assertThat(r.services()).contains("gateway-svc", "retention-svc");
    }

    @Test
    @Order(6)
    void aDirectoryIsCachedInvalidatedAndLoadedAgain() {
        FlowResult r = flows.directoryInvalidation();

        assertThat(r.problems()).as(r.toString()).isEmpty();
        assertThat(r.fact("xCache")).isEqualTo(List.of("MISS", "HIT-L1", "MISS"));
        assertThat(r.types()).containsSubsequence(AuditTypes.DIRECTORY_POPULATED, AuditTypes.DIRECTORY_INVALIDATED);
        assertThat(r.services()).contains("gateway-svc", "directory-svc");
    }

    @Test
    @Order(6)
    void theAgentsDirectoryIsReadFromThePlatformsUsersThenFromMemory() {
        FlowResult r = flows.directoryAgents();

        assertThat(r.problems()).as(r.toString()).isEmpty();
        assertThat(r.fact("xCache")).isEqualTo("MISS");
        assertThat(r.services()).contains("gateway-svc", "directory-svc");
    }

    @Test
    @Order(7)
    void badInputIsRefusedWithProblemJsonCarryingTheTraceId() {
        Trace trace = Trace.random();
        Gateway.Reply refused = flows.gateway()
                .post(
                        "/v1/data-actions/failed-runs",
                        java.util.Map.of("actionId", "bad/action", "requestPayload", java.util.Map.of()),
                        trace); // and no originalRunId

        assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
        assertThat(refused.header("Content-Type"))
                .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
        assertThat(refused.json().path("violations").size())
                .as(refused.toString())
                .isGreaterThanOrEqualTo(2);
        assertThat(refused.json().path("traceId").asText()).isEqualTo(trace.traceId());
    }

    @Test
    @Order(8)
    void aDataActionCallIsAnsweredStaleThenExternalTimeoutWithinItsBudgetThroughTheGateway() {
        FlowResult r = flows.dataActionStale();

        assertThat(r.problems()).as(r.toString()).isEmpty();
        assertThat(r.fact("first")).isEqualTo("MISS");
        assertThat(r.fact("runnerTimeouts")).isEqualTo(0L);
        assertThat(r.types())
                .containsSubsequence(
                        AuditTypes.ACTION_COMPLETED, AuditTypes.ACTION_SERVED_STALE, AuditTypes.ACTION_FAILED);
    }
}
