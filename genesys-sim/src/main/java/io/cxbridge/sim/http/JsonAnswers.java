package io.cxbridge.sim.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.cxbridge.model.Json;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.io.UncheckedIOException;

/** Writing an answer: a JSON body, or any bytes with their content type (nothing once the response is gone). */
public final class JsonAnswers {

    public static final String JSON = "application/json";

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

    private JsonAnswers() {}
}
