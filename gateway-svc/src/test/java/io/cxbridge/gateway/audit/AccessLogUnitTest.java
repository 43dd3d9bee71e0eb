package io.cxbridge.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cxbridge.common.audit.AuditEmitter;
import io.cxbridge.gateway.StepHarness;
import io.cxbridge.gateway.context.RequestContext;
import io.cxbridge.genesys.redaction.Redactor;
import io.cxbridge.genesys.url.RequestTarget;
import io.cxbridge.model.audit.AuditEvent;
import io.cxbridge.model.audit.AuditTypes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The log-and-audit step: one redacted log line and one audit event per request, refused ones included. */
class AccessLogUnitTest {

    /** Keeps the events instead of sending them to Kafka. */
    static final class CapturedAudit extends AuditEmitter {
        final List<AuditEvent> events = new CopyOnWriteArrayList<>();

        CapturedAudit() {
            super(null, null, null, null, Clock.systemUTC(), new SimpleMeterRegistry());
        }

        @Override
        public AuditEvent event(String type, String subject, String traceId, Object data) {
            return AuditEvent.create("gateway-svc", type, subject, traceId, Instant.now(), data);
        }

        @Override
        public void emitObserved(AuditEvent event) {
            events.add(event);
        }
    }

    private static final CapturedAudit audit = new CapturedAudit();
    private static StepHarness harness;

    @BeforeAll
    static void start() throws Exception {
        Redactor redactor = new Redactor(List.of("password"), List.of("pagesize"));
        harness = StepHarness.start(router -> {
            router.route().handler(new RequestIds(new SimpleMeterRegistry()));
            router.route().handler(new AccessLog(audit, redactor));
            router.route("/refused/*").handler(rc -> RequestContext.problem(rc, 400, "Bad Request", "refused"));
            router.post("/api/v2/things").handler(rc -> {
                rc.put(RequestContext.TARGET, RequestTarget.parse(rc.request().uri(), 2048));
                RequestContext.clientId(rc, "demo");
                rc.request().body().onSuccess(body -> {
                    rc.put(RequestContext.REQUEST_BODY, BodyTap.of(body, 10_240));
                    rc.put(RequestContext.UPSTREAM_STATUS, 201);
                    rc.response()
                            .setStatusCode(201)
                            .putHeader("Content-Type", "application/json")
                            .end("{\"id\":\"1\"}");
                });
            });
        });
    }

    @AfterAll
    static void stop() throws Exception {
        harness.close();
    }

    private static AuditEvent eventFor(String requestId) {
        await().until(() -> audit.events.stream().anyMatch(e -> e.subject().equals(requestId)));
        return audit.events.stream()
                .filter(e -> e.subject().equals(requestId))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void aForwardedRequestIsLoggedRedactedAndAuditedOnce() throws Exception {
        try (LogCapture logs = LogCapture.start()) {
            String traceId = "0af7651916cd43dd8448eb211c80319c";
            var answer = harness.sendBody(
                    "POST",
                    "/api/v2/things?pageSize=25&secret=s3cr3t",
                    "{\"password\":\"hunter2\",\"name\":\"x\"}",
                    "Content-Type",
                    "application/json",
                    "traceparent",
                    "00-" + traceId + "-b7ad6b7169203331-01");
            assertThat(answer.statusCode()).isEqualTo(201);
            AuditEvent event = eventFor(traceId);
            assertThat(event.type()).isEqualTo(AuditTypes.GATEWAY_REQUEST);
            assertThat(event.data().get("clientId").asText()).isEqualTo("demo");
            assertThat(event.data().get("method").asText()).isEqualTo("POST");
            assertThat(event.data().get("path").asText()).isEqualTo("/api/v2/things");
            assertThat(event.data().get("status").asInt()).isEqualTo(201);
            assertThat(event.data().get("upstreamStatus").asInt()).isEqualTo(201);
            await().until(() -> logs.lines().stream().anyMatch(l -> l.contains("/api/v2/things")));
            String line = logs.lines().stream()
                    .filter(l -> l.startsWith("io.cxbridge.gateway.requests") && l.contains("/api/v2/things"))
                    .findFirst()
                    .orElseThrow();
            assertThat(line)
                    .contains("POST /api/v2/things?pageSize=25", "-> 201", "client demo", "\"name\"")
                    .doesNotContain("s3cr3t")
                    .doesNotContain("hunter2");
            assertThat(audit.events.stream().filter(e -> e.subject().equals(traceId)))
                    .hasSize(1);
        }
    }

    @Test
    void aRefusedRequestIsAuditedWithoutItsTarget() throws Exception {
        String traceId = "1af7651916cd43dd8448eb211c80319c";
        var answer = harness.send("GET", "/refused/evil;x=1", "traceparent", "00-" + traceId + "-b7ad6b7169203331-01");
        assertThat(answer.statusCode()).isEqualTo(400);
        AuditEvent event = eventFor(traceId);
        assertThat(event.data().get("path").asText()).isEqualTo("(refused request target)");
        assertThat(event.data().get("status").asInt()).isEqualTo(400);
        assertThat(event.data().get("clientId").isNull()).isTrue();
    }

    @Test
    void managementIsNotAudited() throws Exception {
        int before = audit.events.size();
        harness.send("GET", "/q/health");
        harness.send("GET", "/refused/x", "traceparent", "00-2af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        eventFor("2af7651916cd43dd8448eb211c80319c");
        assertThat(audit.events).hasSize(before + 1);
    }
}
