package io.cxbridge.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The Data Action dashboard reads fulfillment-svc's action meters, which the gateway does not expose (so it is its own
 * file, out of LiveMetricsTest's reach): every query is narrowed to the selected services and reads only metrics a
 * module registers.
 */
class ActionDashboardTest {

    static final Path ACTIONS = Repo.path("deploy/observability/grafana/cxbridge-actions-dashboard.json");

    @Test
    void everyQueryReadsARegisteredActionMetricOfTheSelectedServicesAndActions() throws IOException {
        JsonNode d = new ObjectMapper().readTree(Files.readString(ACTIONS));
        assertThat(d.path("uid").asText()).isEqualTo("cxbridge-actions");
        assertThat(Observability.panels(d)).hasSizeGreaterThanOrEqualTo(6);
        Set<String> registered = LiveMetricsTest.registeredMeterNames();
        Map<String, String> queries = Observability.dashboardQueries(d);
        assertThat(queries).hasSizeGreaterThanOrEqualTo(6);
        queries.forEach((where, query) -> {
            for (String metric : PromQl.metricNames(query)) {
                // a histogram's buckets come with its count (publishPercentileHistogram)
                String base = metric.endsWith("_bucket") ? metric.replaceAll("_bucket$", "_count") : metric;
                assertThat(registered)
                        .as("%s reads %s, which a module registers", where, metric)
                        .contains(base);
                if (where.startsWith("panel")) {
                    assertThat(metric).as("%s reads an action metric", where).startsWith("cxbridge_action_");
                }
            }
            if (where.startsWith("panel")) {
                assertThat(query)
                        .as("%s filters on $job and $action", where)
                        .contains("job=~\"$job\"")
                        .contains("action=~\"$action\"");
            }
        });
    }
}
