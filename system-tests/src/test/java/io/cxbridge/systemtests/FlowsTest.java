package io.cxbridge.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cxbridge.model.Json;
import io.cxbridge.model.audit.AuditTypes;
import io.cxbridge.systemtests.AuditTail.AuditLine;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The flows' judgement and the demo's printing, without a stack. */
class FlowsTest {

    private static AuditLine line(String type, String service, String traceId) {
        ObjectNode data = Json.mapper()
                .createObjectNode()
                .put("traceId", traceId)
                .put("requestId", "r-1")
                .put("attempts", 2)
                .put("status", 200);
        return new AuditLine(
                Instant.parse("2026-01-01T10:00:00Z"),
                type,
                "/cxbridge/" + service,
                "r-1",
                traceId,
                traceId,
                data,
                0,
                0);
    }

    @Test
    void anExpectedSequenceMustAppearInOrderAmongTheNonGatewayEvents() {
        List<AuditLine> events = List.of(
                line(AuditTypes.GATEWAY_REQUEST, "gateway-svc", "t"),
                line(AuditTypes.RETRY_ATTEMPT_FAILED, "retry-svc", "t"),
                line(AuditTypes.RETRY_SUCCEEDED, "retry-svc", "t"));

        assertThat(Flows.missing(List.of(AuditTypes.RETRY_ATTEMPT_FAILED, AuditTypes.RETRY_SUCCEEDED), events))
                .isEmpty();
        assertThat(Flows.missing(List.of(AuditTypes.RETRY_SUCCEEDED, AuditTypes.RETRY_ATTEMPT_FAILED), events))
                .containsExactly(AuditTypes.RETRY_ATTEMPT_FAILED);
        assertThat(Flows.missing(List.of(AuditTypes.RETRY_DEAD_LETTERED + "|" + AuditTypes.RETRY_SUCCEEDED), events))
                .isEmpty();
        assertThat(Flows.missing(List.of(AuditTypes.GATEWAY_REQUEST), events))
                .containsExactly(AuditTypes.GATEWAY_REQUEST);
    }

    @Test
    void theDemoPrintsTheTraceItsEventsInOrderAndEveryProblem() {
        FlowResult failed = new FlowResult(
                "failed-run-retried",
                "a failed run",
                "t".repeat(32),
                List.of(line(AuditTypes.RETRY_ATTEMPT_FAILED, "retry-svc", "t".repeat(32))),
                List.of("the sim executed it 3 times"),
                Map.of("requestId", "r-1"));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Demo.print(2, failed, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);

        assertThat(failed.ok()).isFalse();
        assertThat(out)
                .contains(
                        "2. a failed run  [FAILED]",
                        "trace id  " + "t".repeat(32),
                        "io.cxbridge.retry.attempt-failed",
                        "retry-svc",
                        "run r-1 attempt 2 status 200",
                        "PROBLEM: the sim executed it 3 times",
                        "requestId=r-1");
    }

    @Test
    void endpointsComeFromTheStackVariablesWithItsDefaults() {
        assertThat(StackEndpoints.from(Map.of())).isEqualTo(new StackEndpoints(8080, 8090, 9092));
        StackEndpoints moved =
                StackEndpoints.from(Map.of("GATEWAY_PORT", "18080", "SIM_PORT", "18090", "KAFKA_PORT", "19092"));
        assertThat(moved.gatewayUrl()).isEqualTo("http://127.0.0.1:18080");
        assertThat(moved.simUrl()).isEqualTo("http://127.0.0.1:18090");
        assertThat(moved.kafkaBootstrap()).isEqualTo("127.0.0.1:19092");
        assertThat(moved.managementUrl("retry-svc")).isEqualTo("http://127.0.0.1:9081");
        StackEndpoints movedManagement =
                StackEndpoints.from(Map.of("GATEWAY_MGMT_PORT", "19080", "RETRY_MGMT_PORT", "19081"));
        assertThat(movedManagement.managementUrl("gateway-svc")).isEqualTo("http://127.0.0.1:19080");
        assertThat(movedManagement.managementUrl("retry-svc")).isEqualTo("http://127.0.0.1:19081");
        assertThat(movedManagement.managementUrl("directory-svc")).isEqualTo("http://127.0.0.1:9084");
        assertThatThrownBy(() -> moved.managementUrl("genesys-sim"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("simUrl");
        assertThatThrownBy(() -> StackEndpoints.from(Map.of("RETRY_MGMT_PORT", "nine")))
                .hasMessageContaining("RETRY_MGMT_PORT");
    }

    @Test
    void aTraceparentCarriesTheTraceIdAndAFreshSpan() {
        Trace trace = Trace.random();
        assertThat(trace.traceId()).matches("[0-9a-f]{32}");
        assertThat(trace.traceparent()).matches("00-" + trace.traceId() + "-[0-9a-f]{16}-01");
        assertThat(trace.traceparent()).isNotEqualTo(trace.traceparent());
    }
}
