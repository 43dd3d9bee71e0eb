package io.cxbridge.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PrometheusTextTest {

    // What a service's /q/metrics answers: an exemplar after a _count sample, help and type lines, a series without
    // labels, and a label value holding a brace, a quote and a space.
    private static final String PAGE = """
            # HELP cxbridge_fulfillment_callback_latency_seconds result posts to fulfillment URLs
            # TYPE cxbridge_fulfillment_callback_latency_seconds histogram
            cxbridge_fulfillment_callback_latency_seconds_count{outcome="ok"} 3.0 # {span_id="26b4d1",trace_id="a574"} 1.0 1796418107.859
            cxbridge_fulfillment_callback_latency_seconds_count{outcome="timeout"} 2.0
            cxbridge_fulfillment_callback_latency_seconds_bucket{outcome="ok",le="+Inf"} 3.0
            cxbridge_fulfillment_jobs_in_flight 0.0
            cxbridge_fulfillment_jobs_in_flight_max 7.0
            cxbridge_http_requests{uri="/a {b} \\"c\\" d",outcome="ok"} 4.0 1796418107859
            cxbridge_fulfillment_external_latency_seconds_max{outcome="ok"} +Inf
            """;

    @Test
    void theValueIsTheTokenAfterTheSeriesNotAnExemplarsTimestamp() {
        assertThat(PrometheusText.sum(PAGE, "cxbridge_fulfillment_callback_latency_seconds_count", "outcome=\"ok\""))
                .isEqualTo(3.0);
    }

    @Test
    void sumsEverySeriesOfTheNameAndOnlyThatName() {
        assertThat(PrometheusText.sum(PAGE, "cxbridge_fulfillment_callback_latency_seconds_count"))
                .isEqualTo(5.0);
        assertThat(PrometheusText.sum(PAGE, "cxbridge_fulfillment_jobs_in_flight"))
                .isZero();
        assertThat(PrometheusText.sum(PAGE, "cxbridge_no_such_metric")).isZero();
    }

    @Test
    void labelsAreMatchedInsideTheBracesAndMayHoldBracesQuotesAndSpaces() {
        assertThat(PrometheusText.sum(PAGE, "cxbridge_http_requests", "outcome=\"ok\""))
                .isEqualTo(4.0);
        assertThat(PrometheusText.sum(PAGE, "cxbridge_fulfillment_jobs_in_flight", "outcome"))
                .isZero();
    }

    @Test
    void maxReadsInfinity() {
        assertThat(PrometheusText.max(PAGE, "cxbridge_fulfillment_external_latency_seconds_max", "outcome=\"ok\""))
                .hasValue(Double.POSITIVE_INFINITY);
        assertThat(PrometheusText.max(PAGE, "cxbridge_no_such_metric", "")).isEmpty();
    }

    @Test
    void unclosedLabelsAreRefused() {
        assertThatThrownBy(() -> PrometheusText.sum("cxbridge_x{outcome=\"ok\" 1.0", "cxbridge_x"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
