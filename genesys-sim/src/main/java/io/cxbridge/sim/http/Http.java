package io.cxbridge.sim.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cxbridge.model.Json;
import io.cxbridge.model.problem.Problem;
import io.cxbridge.model.problem.Violation;
import io.smallrye.common.vertx.VertxContext;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.impl.HttpServerRequestInternal;
import io.vertx.ext.web.RoutingContext;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** Small helpers shared by every endpoint: JSON answers, Genesys-style errors, problem+json, body reading. */
public final class Http {

    public static final String JSON = "application/json";
    public static final String CORRELATION_ID = "ININ-Correlation-Id";
    private static final String CORRELATION_KEY = "sim.correlationId";

    /** Control API bodies: strict JSON (one value, no trailing garbage, no duplicate keys). */
    private static final com.fasterxml.jackson.databind.ObjectMapper STRICT = Json.mapper()
            .copy()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    /** Sets a fresh {@code ININ-Correlation-Id} on the response and remembers it for error bodies. */
    public static String correlate(RoutingContext ctx) {
        String id = randomUuid();
        ctx.put(CORRELATION_KEY, id);
        ctx.response().putHeader(CORRELATION_ID, id);
        return id;
    }

    /**
     * A random (version 4) UUID from {@link ThreadLocalRandom}: ids and correlation ids need to be unique, not
     * unguessable, and {@code UUID.randomUUID()} serialises every event loop on one SecureRandom.
     */
    public static String randomUuid() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long msb = (random.nextLong() & ~0xF000L) | 0x4000L;
        long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb).toString();
    }

    public static String correlationId(RoutingContext ctx) {
        String id = ctx.get(CORRELATION_KEY);
        return id != null ? id : randomUuid().replace("-", "");
    }

    public static byte[] bytes(Object body) {
        try {
            return Json.mapper().writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void json(RoutingContext ctx, int status, Object body) {
        send(ctx, status, JSON, bytes(body));
    }

    public static void send(RoutingContext ctx, int status, String contentType, byte[] body) {
        HttpServerResponse response = ctx.response();
        if (response.ended() || response.closed()) {
            return;
        }
        response.setStatusCode(status);
        if (status == 204 || status == 304 || status < 200) {
            response.end();
            return;
        }
        response.putHeader("Content-Type", contentType);
        response.end(Buffer.buffer(body));
    }

    /**
     * The platform's error body ({@code message, code, status, messageParams, contextId, details, errors}), as
     * the SDK's {@code ErrorBody} reads it; {@code contextId} is the answer's {@code ININ-Correlation-Id}.
     */
    public static ObjectNode genesysError(RoutingContext ctx, int status, String code, String message) {
        ObjectNode body = Json.mapper().createObjectNode();
        body.put("message", message);
        body.put("code", code);
        body.put("status", status);
        body.putObject("messageParams");
        body.put("contextId", correlationId(ctx));
        body.putArray("details");
        body.putArray("errors");
        return body;
    }

    public static void error(RoutingContext ctx, int status, String code, String message) {
        json(ctx, status, genesysError(ctx, status, code, message));
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

    // ---- problem+json (control API) ---------------------------------------------------------------

    public static void problem(RoutingContext ctx, Problem problem) {
        send(ctx, problem.status(), Problem.MEDIA_TYPE, bytes(problem));
    }

    public static void problem(RoutingContext ctx, int status, String title, String detail) {
        problem(ctx, Problem.of(status, Problem.typeFor(status), title, detail, traceId(ctx)));
    }

    public static void invalid(RoutingContext ctx, List<Violation> violations) {
        problem(ctx, Problem.validation(violations, traceId(ctx)));
    }

    public static String traceId(RoutingContext ctx) {
        String traceparent = ctx.request().getHeader("traceparent");
        if (traceparent != null && traceparent.length() >= 35 && traceparent.charAt(2) == '-') {
            return traceparent.substring(3, 35);
        }
        return randomUuid().replace("-", "");
    }

    /** Parses a control API body strictly; the message of the exception names what is wrong. */
    public static JsonNode parseStrict(Buffer body) throws java.io.IOException {
        if (body == null || body.length() == 0) {
            return null;
        }
        return STRICT.readTree(body.getBytes());
    }

    /** Parses a Genesys API body leniently (null when empty); throws when it is not JSON. */
    public static JsonNode parse(Buffer body) throws java.io.IOException {
        if (body == null || body.length() == 0) {
            return null;
        }
        return Json.mapper().readTree(body.getBytes());
    }

    // ---- bodies --------------------------------------------------------------------------------------

    /** Raised when a body is larger than allowed. */
    public static final class BodyTooLarge extends RuntimeException {
        public BodyTooLarge(long limit) {
            super("request body is larger than " + limit + " bytes", null, false, false);
        }
    }

    /**
     * Reads the whole (paused) request body up to {@code maxBytes}. The pipeline pauses every request when it
     * arrives so nothing is lost while faults delay it; this resumes it.
     */
    public static Future<Buffer> readBody(RoutingContext ctx, long maxBytes) {
        HttpServerRequest request = ctx.request();
        Promise<Buffer> promise = Promise.promise();
        if (request.isEnded()) {
            promise.complete(Buffer.buffer());
            return promise.future();
        }
        Buffer body = Buffer.buffer();
        request.handler(chunk -> {
            if (promise.future().isComplete()) {
                return;
            }
            if (body.length() + (long) chunk.length() > maxBytes) {
                promise.tryFail(new BodyTooLarge(maxBytes));
                return;
            }
            body.appendBuffer(chunk);
        });
        request.endHandler(v -> promise.tryComplete(body));
        request.exceptionHandler(promise::tryFail);
        request.resume();
        return promise.future();
    }

    /**
     * Reads a JSON body (lenient; null when empty) and hands it on; an unreadable, too large or non-JSON
     * body is answered here with a Genesys-style 413 or 400.
     */
    public static void readJson(RoutingContext ctx, long maxBytes, java.util.function.Consumer<JsonNode> then) {
        readBody(ctx, maxBytes).onComplete(ar -> {
            if (ar.failed()) {
                bodyFailed(ctx, ar.cause(), false);
                return;
            }
            JsonNode body;
            try {
                body = parse(ar.result());
            } catch (Exception e) {
                error(ctx, 400, codeFor(400), "The request body is not valid JSON");
                return;
            }
            then.accept(body);
        });
    }

    /** Answers a failed body read: 413 (closing the connection, the rest of the body is not read) or 400. */
    public static void bodyFailed(RoutingContext ctx, Throwable failure, boolean problemJson) {
        if (failure instanceof BodyTooLarge) {
            ctx.response().putHeader("Connection", "close");
            if (problemJson) {
                problem(ctx, 413, "Request body too large", failure.getMessage());
            } else {
                error(ctx, 413, codeFor(413), failure.getMessage());
            }
        } else if (!ctx.response().closed()) {
            if (problemJson) {
                problem(ctx, 400, "Unreadable request body", String.valueOf(failure.getMessage()));
            } else {
                error(ctx, 400, codeFor(400), "Unreadable request body");
            }
        }
    }

    // ---- metrics ---------------------------------------------------------------------------------------

    /**
     * Names the request's URI template for the HTTP server metrics ({@code uri} tag of
     * {@code http_server_requests_seconds}), so ids in paths do not make one time series each.
     */
    @SuppressWarnings("deprecation")
    public static void uriTemplate(RoutingContext ctx, String template) {
        Context context = ctx.request() instanceof HttpServerRequestInternal internal
                ? internal.context()
                : Vertx.currentContext();
        if (context != null && VertxContext.isDuplicatedContext(context)) {
            context.putLocal("UrlPathTemplate", template);
        }
    }

    public static int intParam(RoutingContext ctx, String name, int defaultValue, int min) {
        String value = ctx.request().getParam(name);
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        int parsed;
        try {
            parsed = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new BadParam(name + " must be an integer, was \"" + abbreviate(value) + "\"");
        }
        if (parsed < min) {
            throw new BadParam(name + " must be at least " + min + ", was " + parsed);
        }
        return parsed;
    }

    /** A query parameter that cannot be used; answered 400. */
    public static final class BadParam extends RuntimeException {
        public BadParam(String message) {
            super(message, null, false, false);
        }
    }

    public static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }

    private Http() {}
}
