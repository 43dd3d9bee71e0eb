package io.cxbridge.gateway.login;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.cxbridge.gateway.context.RequestContext;
import io.cxbridge.model.Json;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The two error shapes the official SDKs read where they talk to the platform itself, so their own code paths
 * run: the login host's OAuth error ({@code {error, description, error_description}}, RFC 6749 section 5.2) and
 * the API's ErrorBody ({@code {message, code, status, messageParams, messageWithParams, contextId, details,
 * errors}}, the fields genesys-sim sends too). Everywhere else the gateway
 * answers problem+json.
 */
final class PlatformErrors {

    static void oauth(RoutingContext rc, int status, String error, String description) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("description", description);
        body.put("error_description", description);
        if (status == 401) {
            rc.response().putHeader("WWW-Authenticate", "Basic realm=\"cxbridge\"");
        }
        send(rc, status, body);
    }

    /** An API ErrorBody; {@code contextId} is the request's trace id. */
    static void api(RoutingContext rc, int status, String code, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("message", message);
        body.put("code", code);
        body.put("status", status);
        body.put("messageParams", Map.of());
        body.put("messageWithParams", message); // no params: the message as it is
        body.put("contextId", RequestContext.traceId(rc));
        body.put("details", List.of());
        body.put("errors", List.of());
        send(rc, status, body);
    }

    private static void send(RoutingContext rc, int status, Map<String, Object> body) {
        try {
            rc.response()
                    .setStatusCode(status)
                    .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                    .end(Json.mapper().writeValueAsString(body));
        } catch (JsonProcessingException e) {
            rc.response().setStatusCode(status).end();
        }
    }

    private PlatformErrors() {}
}
