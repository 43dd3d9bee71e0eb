package io.cxbridge.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The Grafana dashboard and the Prometheus rule files of deploy/observability. */
final class Observability {

    static final Path DASHBOARD = Repo.path("deploy/observability/grafana/cxbridge-dashboard.json");
    static final Path LIVE_RULES = Repo.path("deploy/observability/prometheus/cxbridge-alerts.yaml");
    static final Path UPCOMING_RULES = Repo.path("deploy/observability/prometheus/cxbridge-alerts-upcoming.yaml");
    /** Series Prometheus makes itself for every target; no service exposes them. */
    static final Set<String> PROMETHEUS_SERIES = Set.of("up", "scrape_duration_seconds", "scrape_samples_scraped");

    static JsonNode dashboard() {
        try {
            return new ObjectMapper().readTree(DASHBOARD.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("the dashboard is not valid JSON", e);
        }
    }

    /** Every panel, rows' nested panels included. */
    static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode p : dashboard.path("panels")) {
            out.add(p);
            p.path("panels").forEach(out::add);
        }
        return out;
    }

    /** Every PromQL query of the dashboard, by where it is: panel targets and variable queries. */
    static Map<String, String> dashboardQueries(JsonNode dashboard) {
        Map<String, String> queries = new LinkedHashMap<>();
        for (JsonNode p : panels(dashboard)) {
            for (JsonNode t : p.path("targets")) {
                queries.put(
                        "panel '" + p.path("title").asText() + "' "
                                + t.path("refId").asText(),
                        t.path("expr").asText());
            }
        }
        for (JsonNode v : dashboard.path("templating").path("list")) {
            if (v.path("type").asText().equals("query")) {
                JsonNode q = v.path("query");
                queries.put(
                        "variable $" + v.path("name").asText(),
                        q.isObject() ? q.path("query").asText() : q.asText());
            }
        }
        return queries;
    }

    /** Every rule of a rule file (group name prefixed), as parsed YAML. */
    static Map<String, Map<String, Object>> rules(Path file) {
        Map<String, Map<String, Object>> rules = new LinkedHashMap<>();
        for (Object group : Yml.list(Repo.yamlMap(file), "groups")) {
            for (Object rule : Yml.list(group, "rules")) {
                rules.put(Yml.str(group, "name") + "/" + Yml.str(rule, "alert"), Yml.map(rule));
            }
        }
        return rules;
    }

    static Set<String> metricNames(Map<String, String> queries) {
        Set<String> names = new LinkedHashSet<>();
        queries.values().forEach(q -> names.addAll(PromQl.metricNames(q)));
        return names;
    }

    private Observability() {}
}
