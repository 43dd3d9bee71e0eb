package io.cxbridge.sim.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cxbridge.model.Json;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.util.function.Consumer;

/** Reading a request body: bounded, resumed after the pipeline paused it, parsed leniently or strictly. */
public final class RequestBodies {

    /** Control API bodies: strict JSON (one value, no trailing garbage, no duplicate keys). */
    private static final ObjectMapper STRICT = Json.mapper()
            .copy()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    /** Raised when a body is larger than allowed. */
    public static final class BodyTooLarge extends RuntimeException {
        public BodyTooLarge(long limit) {
            super("request body is larger than " + limit + " bytes", null, false, false);
        }
    }

    /** Parses a control API body strictly; the message of the exception names what is wrong. */
    public static JsonNode parseStrict(Buffer body) throws IOException {
        if (body == null || body.length() == 0) {
            return null;
        }
        return STRICT.readTree(body.getBytes());
    }

    /** Parses a Genesys API body leniently (null when empty); throws when it is not JSON. */
    public static JsonNode parse(Buffer body) throws IOException {
        if (body == null || body.length() == 0) {
            return null;
        }
        return Json.mapper().readTree(body.getBytes());
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
    public static void readJson(RoutingContext ctx, long maxBytes, Consumer<JsonNode> then) {
        readBody(ctx, maxBytes).onComplete(ar -> {
            if (ar.failed()) {
                bodyFailed(ctx, ar.cause(), false);
                return;
            }
            JsonNode body;
            try {
                body = parse(ar.result());
            } catch (Exception e) {
                GenesysErrors.error(ctx, 400, GenesysErrors.codeFor(400), "The request body is not valid JSON");
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
                Problems.problem(ctx, 413, "Request body too large", failure.getMessage());
            } else {
                GenesysErrors.error(ctx, 413, GenesysErrors.codeFor(413), failure.getMessage());
            }
        } else if (!ctx.response().closed()) {
            if (problemJson) {
                Problems.problem(ctx, 400, "Unreadable request body", String.valueOf(failure.getMessage()));
            } else {
                GenesysErrors.error(ctx, 400, GenesysErrors.codeFor(400), "Unreadable request body");
            }
        }
    }

    private RequestBodies() {}
}
