package io.cxbridge.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The dashboard is a well-formed Grafana dashboard and both rule files are well-formed Prometheus rules. */
class ObservabilityFilesTest {

    private static final Pattern DURATION = Pattern.compile("([0-9]+(ms|s|m|h|d|w|y))+");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{?(\\w+)");

    @Test
    void theDashboardIsAGrafanaDashboardWhosePanelsAllQueryPrometheus() {
        JsonNode d = Observability.dashboard();
        assertThat(d.path("title").asText()).isNotBlank();
        assertThat(d.path("uid").asText()).matches("[a-zA-Z0-9_-]{1,40}");
        assertThat(d.path("schemaVersion").asInt()).isGreaterThanOrEqualTo(30);
        List<JsonNode> panels = Observability.panels(d);
        assertThat(panels).hasSizeGreaterThan(10);
        Set<Integer> ids = new HashSet<>();
        Set<String> defined = new LinkedHashSet<>();
        d.path("templating")
                .path("list")
                .forEach(v -> defined.add(v.path("name").asText()));
        assertThat(defined).contains("datasource", "namespace", "job");
        for (JsonNode p : panels) {
            String title = p.path("title").asText();
            assertThat(ids.add(p.path("id").asInt()))
                    .as("panel id of '%s' is unique", title)
                    .isTrue();
            for (String g : List.of("h", "w", "x", "y")) {
                assertThat(p.path("gridPos").has(g))
                        .as("'%s' gridPos.%s", title, g)
                        .isTrue();
            }
            if (p.path("type").asText().equals("row")) {
                continue;
            }
            assertThat(p.path("datasource").path("uid").asText())
                    .as("'%s' uses the datasource variable", title)
                    .isEqualTo("${datasource}");
            assertThat(p.path("targets")).as("'%s' has queries", title).isNotEmpty();
            for (JsonNode t : p.path("targets")) {
                String expr = t.path("expr").asText();
                assertThat(expr).as("'%s' %s", title, t.path("refId").asText()).isNotBlank();
                assertThat(PromQl.metricNames(expr))
                        .as("'%s' reads a metric", title)
                        .isNotEmpty();
                assertThat(balanced(expr))
                        .as("'%s' brackets balance: %s", title, expr)
                        .isTrue();
                Matcher m = VARIABLE.matcher(expr);
                while (m.find()) {
                    assertThat(defined.contains(m.group(1)) || m.group(1).startsWith("__"))
                            .as("'%s' uses $%s, which the dashboard defines", title, m.group(1))
                            .isTrue();
                }
                // Every service metric is narrowed to the selected services (the job variable).
                assertThat(expr).as("'%s' filters on $job", title).contains("job=~\"$job\"");
            }
        }
    }

    @Test
    void everyRuleHasAnExpressionADurationASeverityAndWordsForPeople() {
        for (Path file : List.of(Observability.LIVE_RULES, Observability.UPCOMING_RULES)) {
            Map<String, Map<String, Object>> rules = Observability.rules(file);
            assertThat(rules).as("%s has rules", file.getFileName()).isNotEmpty();
            Set<String> names = new HashSet<>();
            rules.forEach((id, rule) -> {
                String where = file.getFileName() + " " + id;
                assertThat(names.add(Yml.str(rule, "alert")))
                        .as("%s: alert names are unique", where)
                        .isTrue();
                assertThat(Yml.str(rule, "alert")).as("%s alert", where).matches("Cxbridge[A-Za-z0-9]+");
                String expr = Yml.str(rule, "expr");
                assertThat(expr).as("%s expr", where).isNotBlank();
                assertThat(balanced(expr)).as("%s expr brackets balance", where).isTrue();
                assertThat(PromQl.metricNames(expr))
                        .as("%s reads a metric", where)
                        .isNotEmpty();
                assertThat(Yml.str(rule, "for")).as("%s for", where).isNotNull().matches(DURATION);
                assertThat(Yml.str(rule, "labels", "severity"))
                        .as("%s severity", where)
                        .isIn("warning", "critical");
                assertThat(Yml.str(rule, "annotations", "summary"))
                        .as("%s summary", where)
                        .isNotBlank();
                assertThat(Yml.str(rule, "annotations", "description"))
                        .as("%s description", where)
                        .isNotBlank();
                assertThat(Yml.map(rule).keySet())
                        .as("%s fields", where)
                        .isSubsetOf("alert", "expr", "for", "labels", "annotations", "keep_firing_for");
            });
        }
    }

    /** (), [] and {} balance outside of string literals. */
    static boolean balanced(String expr) {
        StringBuilder stack = new StringBuilder();
        char quote = 0;
        for (int i = 0; i < expr.length(); i++) {
            char c = expr.charAt(i);
            if (quote != 0) {
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
                continue;
            }
            switch (c) {
                case '"', '\'', '`' -> quote = c;
                case '(', '[', '{' -> stack.append(c);
                case ')', ']', '}' -> {
                    if (stack.length() == 0 || "([{".indexOf(stack.charAt(stack.length() - 1)) != ")]}".indexOf(c)) {
                        return false;
                    }
                    stack.setLength(stack.length() - 1);
                }
                default -> {}
            }
        }
        return stack.length() == 0 && quote == 0;
    }
}
