package io.cxbridge.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The prod overlay's PrometheusRule carries exactly the rules of deploy/observability/prometheus. */
class PrometheusRuleTest {

    @Test
    void prodPrometheusRuleHoldsTheSameGroupsAsTheRuleFiles() {
        List<Object> expected = new ArrayList<>();
        expected.addAll(Yml.list(Repo.yamlMap(Observability.LIVE_RULES), "groups"));
        expected.addAll(Yml.list(Repo.yamlMap(Observability.UPCOMING_RULES), "groups"));
        Map<String, Object> rule = Kustomize.overlay("prod").one("PrometheusRule", "cxbridge");
        assertThat(Yml.list(rule, "spec", "groups"))
                .as("run deploy/observability/prometheus/render-prometheusrule after changing a rule file")
                .isEqualTo(expected);
    }
}
