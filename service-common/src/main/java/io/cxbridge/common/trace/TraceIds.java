package io.cxbridge.common.trace;

import io.cxbridge.model.event.Ids;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;

/** The trace id of the work in hand: the current OpenTelemetry span's (a W3C trace id came in), else a new one. */
public final class TraceIds {

    public static String current() {
        SpanContext ctx = Span.current().getSpanContext();
        return ctx.isValid() ? ctx.getTraceId() : Ids.newTraceId();
    }

    private TraceIds() {}
}
