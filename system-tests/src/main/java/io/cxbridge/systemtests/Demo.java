package io.cxbridge.systemtests;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxbridge.systemtests.AuditTail.AuditLine;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code ./stack demo}: drives every flow against a running stack (ports from the same environment variables as
 * {@code ./stack}) and prints, for each, its trace id and the audit events read back from
 * {@code cxbridge.audit.v1}. Exit status 0 when every flow ended as expected, 1 when one did not, 2 when the
 * stack is not up.
 */
public final class Demo {

    private static final DateTimeFormatter CLOCK =
            DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

    public static void main(String[] args) {
        System.exit(run(StackEndpoints.from(System.getenv()), System.out));
    }

    static int run(StackEndpoints endpoints, PrintStream out) {
        if (!ready(endpoints.managementUrl("gateway-svc")) || !ready(endpoints.simUrl())) {
            out.println("demo: the stack is not up (no ready gateway at " + endpoints.gatewayUrl()
                    + " or genesys-sim at " + endpoints.simUrl()
                    + "). Start it with ./stack up (same port variables), then ./stack demo.");
            return 2;
        }
        out.println("cxbridge demo: gateway " + endpoints.gatewayUrl() + ", genesys-sim " + endpoints.simUrl()
                + ", audit topic cxbridge.audit.v1 on " + endpoints.kafkaBootstrap());
        out.println();
        List<FlowResult> results = new ArrayList<>();
        try (AuditTail audit = AuditTail.start(endpoints.kafkaBootstrap(), Duration.ofSeconds(30))) {
            Flows flows = new Flows(endpoints, audit);
            int n = 0;
            for (var flow : List.<java.util.function.Supplier<FlowResult>>of(
                    flows::proxy,
                    flows::failedRunRetried,
                    flows::deadLetterReplayed,
                    flows::fulfillment,
                    flows::retentionOverlap,
                    flows::directoryInvalidation,
                    flows::directoryAgents,
                    flows::dataActionStale)) {
                FlowResult result = flow.get();
                results.add(result);
                print(++n, result, out);
            }
        }
        long failed = results.stream().filter(r -> !r.ok()).count();
        out.println(
                failed == 0
                        ? "All " + results.size() + " flows ended as expected."
                        : failed + " of " + results.size() + " flows did not end as expected: "
                                + results.stream()
                                        .filter(r -> !r.ok())
                                        .map(FlowResult::name)
                                        .toList());
        return failed == 0 ? 0 : 1;
    }

    static void print(int n, FlowResult r, PrintStream out) {
        out.printf("%d. %s  [%s]%n", n, r.title(), r.ok() ? "OK" : "FAILED");
        out.printf("   trace id  %s%n", r.traceId());
        out.printf("   services  %s%n", String.join(" -> ", r.services()));
        if (!r.facts().isEmpty()) {
            StringBuilder facts = new StringBuilder();
            for (Map.Entry<String, Object> f : r.facts().entrySet()) {
                facts.append(facts.isEmpty() ? "" : ", ")
                        .append(f.getKey())
                        .append('=')
                        .append(f.getValue());
            }
            out.printf("   facts     %s%n", facts);
        }
        out.printf("   audit events of the trace (%d, in order):%n", r.events().size());
        for (AuditLine e : r.events()) {
            out.printf(
                    "     %s  %-42s %-16s %s%n",
                    e.time() == null ? "?" : CLOCK.format(e.time()), e.type(), e.service(), detail(e));
        }
        for (String p : r.problems()) {
            out.printf("   PROBLEM: %s%n", p);
        }
        out.println();
    }

    /** One short, secret-free line of what an event says. */
    static String detail(AuditLine e) {
        JsonNode d = e.data();
        String type = e.type() == null ? "" : e.type();
        if (type.endsWith(".gateway.request")) {
            return d.path("method").asText() + " " + d.path("path").asText() + " -> "
                    + d.path("status").asText() + " (client "
                    + d.path("clientId").asText("-") + ")";
        }
        if (type.contains(".retry.")) {
            return "run " + d.path("requestId").asText(e.subject())
                    + (d.hasNonNull("attempts")
                            ? " attempt " + d.path("attempts").asText()
                            : "")
                    + (d.hasNonNull("status") ? " status " + d.path("status").asText() : "");
        }
        if (type.contains(".fulfillment.")) {
            return "fulfillment " + d.path("fulfillmentId").asText(e.subject());
        }
        if (type.contains(".action.")) {
            return "action " + d.path("action").asText(e.subject()) + " -> "
                    + d.path("status").asText()
                    + " cache " + d.path("cache").asText("-")
                    + (d.hasNonNull("errorCode") ? " " + d.path("errorCode").asText() : "") + " in "
                    + d.path("durationMs").asText() + " ms";
        }
        if (type.contains(".retention.")) {
            String days = d.hasNonNull("mergedRetentionPeriod")
                    ? "merged " + d.path("mergedRetentionPeriod").asText() + " d, replaces "
                            + d.path("replacedPolicyIds")
                    : d.hasNonNull("retentionPeriod")
                            ? d.path("retentionPeriod").asText() + " d"
                            : d.hasNonNull("policyId")
                                    ? "policy " + d.path("policyId").asText()
                                    : "";
            return "request " + d.path("requestId").asText(e.subject()) + " " + days;
        }
        if (type.contains(".directory.")) {
            return "directory " + d.path("directoryId").asText(e.subject())
                    + (d.hasNonNull("entryCount") ? " (" + d.path("entryCount").asText() + " entries)" : "");
        }
        return "subject " + e.subject();
    }

    /** Readiness at a health base URL: the gateway's management interface, the sim's API port. */
    private static boolean ready(String baseUrl) {
        try {
            HttpResponse<Void> r = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(baseUrl + "/q/health/ready"))
                                    .timeout(Duration.ofSeconds(3))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200;
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return false;
        }
    }

    private Demo() {}
}
