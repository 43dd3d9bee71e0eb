package io.cxbridge.systemtests;

import io.cxbridge.systemtests.AuditTail.AuditLine;
import java.util.List;
import java.util.Map;

/**
 * What one flow did: its trace id, the audit events of that trace in order, what it found out ({@code facts}, for
 * the ITs to assert on and the demo to print), and every way it did not end as expected ({@code problems}).
 */
public record FlowResult(
        String name,
        String title,
        String traceId,
        List<AuditLine> events,
        List<String> problems,
        Map<String, Object> facts) {

    public FlowResult {
        events = List.copyOf(events);
        problems = List.copyOf(problems);
        facts = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(facts));
    }

    public boolean ok() {
        return problems.isEmpty();
    }

    /** The CloudEvent types seen, in order. */
    public List<String> types() {
        return events.stream().map(AuditLine::type).toList();
    }

    /** The services ({@code ce_source}) that took part, in order of first appearance. */
    public List<String> services() {
        return events.stream().map(AuditLine::service).distinct().toList();
    }

    public Object fact(String key) {
        return facts.get(key);
    }

    @Override
    public String toString() {
        return name + " (trace " + traceId + ") " + (ok() ? "OK" : "FAILED " + problems) + " facts " + facts + " types "
                + types();
    }
}
