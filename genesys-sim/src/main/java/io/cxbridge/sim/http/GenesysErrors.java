package io.cxbridge.sim.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cxbridge.model.Json;
import io.cxbridge.model.event.Ids;
import io.vertx.ext.web.RoutingContext;

/**
 * The platform's side of an answer: its {@code ININ-Correlation-Id} and its error body ({@code message, code, status,
 * messageParams, messageWithParams, contextId, details, errors}), as the SDK's {@code ErrorBody} reads it. The sim
 * gives no {@code messageParams}, so {@code messageWithParams} is the message itself.
 */
public final class GenesysErrors {

    public static final String CORRELATION_ID = "ININ-Correlation-Id";
    private static final String CORRELATION_KEY = "sim.correlationId";

    /** Sets a fresh {@code ININ-Correlation-Id} on the response and remembers it for error bodies. */
    public static String correlate(RoutingContext ctx) {
        String id = Ids.newEventId();
        ctx.put(CORRELATION_KEY, id);
        ctx.response().putHeader(CORRELATION_ID, id);
        return id;
    }

    public static String correlationId(RoutingContext ctx) {
        String id = ctx.get(CORRELATION_KEY);
        return id != null ? id : Ids.newEventId().replace("-", "");
    }

    /**
     * The error body; {@code contextId} is the answer's {@code ININ-Correlation-Id}; {@code messageWithParams} is
     * {@code message} (no {@code messageParams}).
     */
    public static ObjectNode genesysError(RoutingContext ctx, int status, String code, String message) {
        ObjectNode body = Json.mapper().createObjectNode();
        body.put("message", message);
        body.put("code", code);
        body.put("status", status);
        body.putObject("messageParams");
        // the message with its {param} placeholders filled in from messageParams; the sim's messages have none
        body.put("messageWithParams", message);
        body.put("contextId", correlationId(ctx));
        body.putArray("details");
        body.putArray("errors");
        return body;
    }

    public static void error(RoutingContext ctx, int status, String code, String message) {
        JsonAnswers.json(ctx, status, genesysError(ctx, status, code, message));
    }

    /** The Genesys error code used for a status when nothing more specific applies. */
    public static String codeFor(int status) {
        return switch (status) {
            case 400 -> "bad.request";
            case 401 -> "bad.credentials";
            case 403 -> "not.authorized";
            case 404 -> "not.found";
            case 405 -> "method.not.allowed";
            case 409 -> "conflict";
            case 413 -> "request.entity.too.large";
            case 415 -> "unsupported.media.type";
            case 429 -> "too.many.requests";
            case 502 -> "bad.gateway";
            case 503 -> "service.unavailable";
            case 504 -> "gateway.timeout";
            default -> status >= 500 ? "internal.server.error" : "http." + status;
        };
    }

    public static void methodNotAllowed(RoutingContext ctx, String allow) {
        ctx.response().putHeader("Allow", allow);
        error(
                ctx,
                405,
                codeFor(405),
                "Method " + ctx.request().method().name() + " is not allowed on "
                        + ctx.request().path() + "; allowed: " + allow);
    }

    public static void notFound(RoutingContext ctx, String message) {
        error(ctx, 404, codeFor(404), message);
    }

    private GenesysErrors() {}
}
