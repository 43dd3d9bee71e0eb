package io.cxbridge.common.trace;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceId;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Work done later on behalf of something that began in a trace (a run attempted from the schedule, long after the
 * record that brought it was consumed): the work gets a span in that trace, current while it runs, so the calls it
 * makes (HTTP, Kafka) are spans of the same trace and carry its {@code traceparent}. What is kept with the thing is only
 * its W3C trace id; the span the work hangs under has an id derived from the thing's own id, the same for every piece
 * of work done for it.
 */
@ApplicationScoped
public class ContinuedTraces {

    private final Tracer tracer;
    private final Vertx vertx;

    public ContinuedTraces(OpenTelemetry openTelemetry, Vertx vertx) {
        this.tracer = openTelemetry.getTracer("io.cxbridge");
        this.vertx = vertx;
    }

    /**
     * Runs {@code work} in a span named {@code spanName} of trace {@code traceId}, under the span id derived from
     * {@code anchor}; a missing or malformed trace id runs it as it is. The work runs on a duplicated Vert.x context of
     * its own, which carries the span to every callback of the work.
     */
    public <T> Uni<T> within(String traceId, String anchor, String spanName, Supplier<Uni<? extends T>> work) {
        if (traceId == null || !TraceId.isValid(traceId) || anchor == null) {
            return Uni.createFrom().deferred(work);
        }
        return Uni.createFrom().deferred(() -> {
            SpanContext parent = SpanContext.createFromRemoteParent(
                    traceId, anchorSpanId(anchor), TraceFlags.getSampled(), TraceState.getDefault());
            Span span = tracer.spanBuilder(spanName)
                    .setParent(Context.root().with(Span.wrap(parent)))
                    .startSpan();
            Context traced = Context.root().with(span);
            io.vertx.core.Context duplicated = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
            return Uni.createFrom()
                    .<T>emitter(emitter -> duplicated.runOnContext(v -> {
                        // Left attached: the duplicated context is this work's alone and is dropped with it.
                        traced.makeCurrent();
                        Uni.createFrom().deferred(work).subscribe().with(emitter::complete, emitter::fail);
                    }))
                    .onTermination()
                    .invoke((item, failure, cancelled) -> {
                        if (failure != null) {
                            span.setStatus(StatusCode.ERROR, failure.toString());
                        }
                        span.end();
                    });
        });
    }

    /** A valid span id (16 hex digits, not all zero) that is the same for the same anchor. */
    static String anchorSpanId(String anchor) {
        long bits =
                UUID.nameUUIDFromBytes(anchor.getBytes(StandardCharsets.UTF_8)).getMostSignificantBits();
        return HexFormat.of().toHexDigits(bits == 0 ? 1 : bits);
    }
}
