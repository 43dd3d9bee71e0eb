package io.cxbridge.sim.oauth;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cxbridge.model.Json;
import io.cxbridge.sim.config.RuntimeConfig;
import io.cxbridge.sim.http.JsonAnswers;
import io.cxbridge.sim.http.RequestBodies;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code POST /oauth/token}: the client credentials grant as Genesys Cloud's login host answers it. The client
 * authenticates with HTTP Basic; the form body carries {@code grant_type=client_credentials}.
 */
@ApplicationScoped
public class TokenEndpoint {

    private static final int MAX_FORM_BYTES = 64 * 1024;

    private final RuntimeConfig config;
    private final TokenStore tokens;

    public TokenEndpoint(RuntimeConfig config, TokenStore tokens) {
        this.config = config;
        this.tokens = tokens;
    }

    public void handle(RoutingContext ctx) {
        RequestBodies.readBody(ctx, MAX_FORM_BYTES).onComplete(ar -> {
            if (ar.failed()) {
                RequestBodies.bodyFailed(ctx, ar.cause(), false);
                return;
            }
            answer(ctx, ar.result());
        });
    }

    private void answer(RoutingContext ctx, Buffer body) {
        if (!authenticated(ctx.request().getHeader("Authorization"))) {
            oauthError(ctx, 401, "invalid_client", "client authentication failed");
            return;
        }
        Map<String, String> form = form(body.toString(StandardCharsets.UTF_8));
        String grantType = form.get("grant_type");
        if (grantType == null || grantType.isBlank()) {
            oauthError(ctx, 400, "invalid_request", "grant_type is required");
            return;
        }
        if (!"client_credentials".equals(grantType)) {
            oauthError(ctx, 400, "unsupported_grant_type", "only grant_type=client_credentials is supported");
            return;
        }
        int expiresIn = config.get().tokenExpiresIn();
        String token = tokens.issue(config.settings().clientId());
        ObjectNode answer = Json.mapper().createObjectNode();
        answer.put("access_token", token);
        answer.put("token_type", "bearer");
        answer.put("expires_in", expiresIn);
        ctx.response().putHeader("Cache-Control", "no-store").putHeader("Pragma", "no-cache");
        JsonAnswers.json(ctx, 200, answer);
    }

    private boolean authenticated(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        String decoded;
        try {
            decoded = new String(
                    Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return false;
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return false;
        }
        boolean idOk = constantTimeEquals(
                decoded.substring(0, colon), config.settings().clientId());
        boolean secretOk = constantTimeEquals(
                decoded.substring(colon + 1), config.settings().clientSecret());
        return idOk & secretOk;
    }

    private static boolean constantTimeEquals(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    private static Map<String, String> form(String body) {
        Map<String, String> out = new HashMap<>();
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            try {
                out.putIfAbsent(
                        URLDecoder.decode(key, StandardCharsets.UTF_8),
                        URLDecoder.decode(value, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                // a malformed pair is ignored, as a missing one would be
            }
        }
        return out;
    }

    /** Error body in the shape of Genesys Cloud's login host. */
    private static void oauthError(RoutingContext ctx, int status, String error, String description) {
        ObjectNode body = Json.mapper().createObjectNode();
        body.put("error", error);
        body.put("description", description);
        body.put("error_description", description);
        JsonAnswers.json(ctx, status, body);
    }
}
