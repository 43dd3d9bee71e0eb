package io.cxbridge.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PromQlTest {

    @Test
    void findsTheMetricsOfAggregationsRatesAndRatios() {
        assertThat(PromQl.metricNames(
                        "sum by (job, outcome) (rate(cxbridge_audit_events_total{namespace=~\"$namespace\", "
                                + "job=~\"$job\"}[$__rate_interval]))"))
                .containsExactly("cxbridge_audit_events_total");
        assertThat(PromQl.metricNames("sum(rate(http_server_requests_seconds_sum[5m])) by (job) / "
                        + "sum by (job) (rate(http_server_requests_seconds_count{status=~\"5..\"}[5m])) > 0.05"))
                .containsExactly("http_server_requests_seconds_sum", "http_server_requests_seconds_count");
        assertThat(PromQl.metricNames("max(sum by (pod) (jvm_memory_used_bytes{area=\"heap\"}) / "
                        + "sum by (pod) (jvm_memory_max_bytes{area=\"heap\"} > 0)) offset 1h"))
                .containsExactly("jvm_memory_used_bytes", "jvm_memory_max_bytes");
        assertThat(PromQl.metricNames("up{job=~\"gateway-svc|retry-svc\"} == 0 and on (job) x_total unless y"))
                .containsExactly("up", "x_total", "y");
    }

    @Test
    void ignoresLabelsStringsNumbersAndKeywords() {
        assertThat(PromQl.metricNames("histogram_quantile(0.99, sum by (le) (rate(a_bucket{le=\"+Inf\"}[5m]))) > 1e3"))
                .containsExactly("a_bucket");
        assertThat(PromQl.metricNames("a * on (pod) group_left (node) b > bool 2"))
                .containsExactly("a", "b");
    }

    @Test
    void readsGrafanaVariableQueries() {
        assertThat(PromQl.metricNames("label_values(cxbridge_dependency_up{namespace=~\"$namespace\"}, job)"))
                .containsExactly("cxbridge_dependency_up");
    }
}
