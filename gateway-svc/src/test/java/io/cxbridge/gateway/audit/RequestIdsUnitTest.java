package io.cxbridge.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxbridge.gateway.StepHarness;
import io.cxbridge.gateway.context.RequestContext;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The request-id step: well-formed ids kept, malformed ones replaced and counted, X-Request-Id on every answer. */
class RequestIdsUnitTest {

    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private static StepHarness harness;

    @BeforeAll
    static void start() throws Exception {
        harness = StepHarness.start(router -> {
            router.route().handler(new RequestIds(registry));
            router.get("/ids")
                    .handler(rc ->
                            rc.response().end(rc.get(RequestContext.TRACE_ID) + " " + RequestContext.requestId(rc)));
            // An answer written by someone who does not think of the request id still carries it.
            router.get("/refused")
                    .handler(rc -> rc.response().setStatusCode(418).end());
        });
    }

    @AfterAll
    static void stop() throws Exception {
        harness.close();
    }

    private static double replaced(String header) {
        return registry.counter("cxbridge.gateway.trace.headers.replaced", "header", header)
                .count();
    }

    @Test
    void wellFormedIdsAreKept() throws Exception {
        var answer = harness.send(
                "GET", "/ids", "traceparent", "00-" + TRACE + "-00f067aa0ba902b7-01", "X-Request-Id", "order-42");
        assertThat(answer.body()).isEqualTo(TRACE + " order-42");
        assertThat(answer.headers().firstValue("X-Request-Id")).hasValue("order-42");
    }

    @Test
    void withoutARequestIdTheTraceIdIsIt() throws Exception {
        var answer = harness.send("GET", "/ids", "traceparent", "00-" + TRACE + "-00f067aa0ba902b7-01");
        assertThat(answer.body()).isEqualTo(TRACE + " " + TRACE);
        assertThat(harness.send("GET", "/refused").headers().firstValue("X-Request-Id"))
                .isPresent();
    }

    @Test
    void malformedIdsAreReplacedNeverCopiedAndCounted() throws Exception {
        double before = replaced("X-Request-Id");
        double beforeTrace = replaced("traceparent");
        var answer = harness.send("GET", "/ids", "traceparent", "00-zz-bad", "X-Request-Id", "a b\"<script>");
        String[] ids = answer.body().split(" ");
        assertThat(ids[0]).matches("[0-9a-f]{32}").isNotEqualTo(TRACE);
        assertThat(ids[1]).isEqualTo(ids[0]);
        assertThat(answer.headers().firstValue("X-Request-Id")).hasValue(ids[0]);
        assertThat(replaced("X-Request-Id")).isEqualTo(before + 1);
        assertThat(replaced("traceparent")).isEqualTo(beforeTrace + 1);
    }

    @Test
    void managementIsLeftAlone() throws Exception {
        assertThat(harness.send("GET", "/q/health").headers().firstValue("X-Request-Id"))
                .isEmpty();
    }
}
