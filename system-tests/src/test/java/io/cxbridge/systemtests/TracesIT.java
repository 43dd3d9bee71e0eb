package io.cxbridge.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cxbridge.model.Topics;
import io.cxbridge.testkit.OtlpReceiver;
import io.cxbridge.testkit.OtlpReceiver.ReceivedSpan;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Issue #22, traces that cross Kafka: a second {@code ./stack} whose services export their spans over OTLP/HTTP to a
 * receiver in this JVM, switched on the way a deployment switches it on ({@code CXBRIDGE_TRACES_EXPORT=true} and
 * the OTLP endpoint). One failed run, failed once more by the sim and then resubmitted from the schedule, is one
 * trace: the gateway's request, its Kafka publish, retry-svc's consume of that record and both execute calls.
 */
@Order(6)
class TracesIT {

    private static OtlpReceiver receiver;
    private static StackExtension.Running stack;

    @BeforeAll
    static void startReceiverAndStack() {
        receiver = OtlpReceiver.start();
        try {
            stack = new StackExtension.Running(LocalStack.start(
                    "stack-traces",
                    Map.of(
                            "CXBRIDGE_TRACES_EXPORT", "true",
                            "QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint(),
                            "QUARKUS_OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf",
                            // spans leave every 200 ms instead of every 5 s: the test waits less
                            "QUARKUS_OTEL_BSP_SCHEDULE_DELAY", "200ms")));
        } catch (RuntimeException e) {
            receiver.close();
            throw e;
        }
    }

    @AfterAll
    static void stop() {
        try (OtlpReceiver r = receiver;
                StackExtension.Running s = stack) {
            // both closed, the stack first
        }
    }

    @Test
    void aFailedRunRetriedFromTheScheduleIsOneTraceAcrossKafka() {
        // The product's flow 2: a failed run sent with the flow's traceparent, 503 from the sim once, then 200.
        FlowResult flow = stack.flows.failedRunRetried();
        assertThat(flow.ok()).as("%s", flow).isTrue();
        String traceId = flow.traceId();
        String execute = Flows.executePath(String.valueOf(flow.fact("actionId")));

        await("the spans of the run exported")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertThat(executeCalls(receiver.spans(), execute))
                        .as(describe(traceId))
                        .hasSize(2));

        List<ReceivedSpan> spans = receiver.trace(traceId);
        String all = describe(traceId);
        List<ReceivedSpan> requests = spans.stream()
                .filter(s -> "gateway-svc".equals(s.service())
                        && s.kind() == SpanKind.SPAN_KIND_SERVER
                        && s.name().contains("failed-runs"))
                .toList();
        assertThat(requests).as("the gateway's request span\n%s", all).hasSize(1);
        ReceivedSpan publish = kafkaSpan(spans, "gateway-svc", SpanKind.SPAN_KIND_PRODUCER, all);
        assertThat(descendsFrom(publish, requests.get(0), spans))
                .as("the publish happens within the request\n%s", all)
                .isTrue();
        ReceivedSpan consume = kafkaSpan(spans, "retry-svc", SpanKind.SPAN_KIND_CONSUMER, all);
        assertThat(consume.parentSpanId())
                .as("retry-svc's consume continues the publish (traceparent in the record headers)\n%s", all)
                .isEqualTo(publish.spanId());

        // Every execute call for this run, the first and the one made later from the schedule, is in the same trace:
        // retry-svc kept the run's trace with the run.
        List<ReceivedSpan> calls = executeCalls(receiver.spans(), execute);
        assertThat(calls).extracting(ReceivedSpan::traceId).as(all).containsOnly(traceId);
        assertThat(calls)
                .extracting(s -> s.attribute("http.response.status_code"))
                .containsExactlyInAnyOrder("503", "200");
        assertThat(receiver.refused()).as("exports the receiver could not take").isEmpty();
    }

    /** The one span of {@code service} of this kind on the failed-runs topic. */
    private static ReceivedSpan kafkaSpan(List<ReceivedSpan> spans, String service, SpanKind kind, String all) {
        List<ReceivedSpan> found = spans.stream()
                .filter(s -> service.equals(s.service())
                        && s.kind() == kind
                        && Topics.FAILED_RUNS.equals(s.attribute("messaging.destination.name")))
                .toList();
        assertThat(found)
                .as("%s %s spans on %s in the trace\n%s", service, kind, Topics.FAILED_RUNS, all)
                .hasSize(1);
        return found.get(0);
    }

    /** retry-svc's HTTP client calls to the action's execute path, in any trace. */
    private static List<ReceivedSpan> executeCalls(List<ReceivedSpan> spans, String executePath) {
        return spans.stream()
                .filter(s -> "retry-svc".equals(s.service())
                        && s.kind() == SpanKind.SPAN_KIND_CLIENT
                        && s.attributes().values().stream().anyMatch(v -> v.contains(executePath)))
                .toList();
    }

    private static boolean descendsFrom(ReceivedSpan span, ReceivedSpan ancestor, List<ReceivedSpan> spans) {
        Map<String, ReceivedSpan> byId =
                spans.stream().collect(Collectors.toMap(ReceivedSpan::spanId, s -> s, (a, b) -> a));
        ReceivedSpan at = span;
        for (int hops = 0; at != null && hops < 32; hops++) {
            if (Objects.equals(at.parentSpanId(), ancestor.spanId())) {
                return true;
            }
            at = byId.get(at.parentSpanId());
        }
        return false;
    }

    /** The spans of the trace and every retry-svc span, one a line: what a failed assertion shows. */
    private static String describe(String traceId) {
        return receiver.spans().stream()
                .filter(s -> s.traceId().equals(traceId) || "retry-svc".equals(s.service()))
                .map(s -> s.traceId().substring(0, 8) + " " + s.service() + " " + s.kind() + " " + s.name() + " "
                        + s.spanId() + "<-" + s.parentSpanId() + " " + s.attributes())
                .collect(Collectors.joining("\n"));
    }
}
