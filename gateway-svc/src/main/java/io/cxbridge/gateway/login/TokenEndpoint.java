package io.cxbridge.gateway.login;

import io.cxbridge.gateway.auth.Authenticate;
import io.cxbridge.gateway.auth.ClientRegistry;
import io.cxbridge.gateway.auth.GatewayClient;
import io.cxbridge.gateway.auth.KeysFile;
import io.cxbridge.gateway.context.RequestContext;
import io.cxbridge.gateway.proxy.BodyLimit;
import io.cxbridge.model.Json;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code POST <login-path>/oauth/token}: the platform's client-credentials grant, so an SDK's own
 * {@code loginClientCredentialsGrant(clientId, clientSecret)} works against the gateway. The client id is a gateway
 * client's id and the secret one of its keys, sent as HTTP Basic (or as {@code client_id} and
 * {@code client_secret} form fields); the form says {@code grant_type=client_credentials}. The answer is
 * {@code {access_token, token_type: "bearer", expires_in}}; errors are the login host's OAuth errors.
 * {@code DELETE <login-path>/oauth/token} with {@code Authorization: Bearer <token>} revokes that token.
 * Neither the secret nor the token is ever logged: only the client id reaches the audit trail.
 */
@ApplicationScoped
public class TokenEndpoint {

    /** A client-credentials form is a few dozen bytes; anything much larger is not one. */
    private static final int MAX_FORM_BYTES = 8 * 1024;

    private final ClientRegistry clients;
    private final AccessTokens tokens;
    private final MeterRegistry registry;
    private final String path;

    public TokenEndpoint(ClientRegistry clients, AccessTokens tokens, MeterRegistry registry, SdkGatewayConfig config) {
        this.clients = clients;
        this.tokens = tokens;
        this.registry = registry;
        this.path = tokenPath(config.loginPath());
    }

    /** Installed by {@code chain.GatewayChain}. */
    public void install(Router router) {
        router.post(path).handler(this::issue);
        router.delete(path).handler(this::revoke);
    }

    /** The token endpoint authenticates its callers itself (Basic or the token), not with a client key. */
    public boolean isTokenEndpoint(String requestPath) {
        return path.equals(requestPath);
    }

    static String tokenPath(String loginPath) {
        String trimmed = loginPath.trim().replaceAll("/+$", "");
        if (!trimmed.isEmpty() && !trimmed.startsWith("/")) {
            trimmed = "/" + trimmed;
        }
        return trimmed + "/oauth/token";
    }

    private void issue(RoutingContext rc) {
        HttpServerRequest request = rc.request();
        if (announcedLength(request) > MAX_FORM_BYTES) {
            tooLarge(rc);
            return;
        }
        // Counted as it comes: a chunked body (or one longer than announced) is cut at the limit too, never
        // buffered whole (Vert.x's request.body() has no bound of its own).
        Buffer body = Buffer.buffer();
        boolean[] refused = {false};
        request.handler(chunk -> {
            if (refused[0]) {
                return;
            }
            if (body.length() + chunk.length() > MAX_FORM_BYTES) {
                refused[0] = true;
                tooLarge(rc);
                return;
            }
            body.appendBuffer(chunk);
        });
        request.exceptionHandler(e -> {
            if (!refused[0]) {
                refused[0] = true;
                rc.fail(e);
            }
        });
        request.endHandler(ignored -> {
            if (refused[0]) {
                return;
            }
            try {
                answer(rc, body);
            } catch (RuntimeException e) {
                // Thrown here it would be Vert.x's uncaught exception: no answer, and a message that may quote the
                // form (the secret). Only its type goes on.
                rc.fail(new IllegalStateException(
                        "the token request failed: " + e.getClass().getName()));
            }
        });
        // Quarkus hands requests over paused; the key check, which would resume them, does not run here.
        request.resume();
    }

    /** The announced {@code Content-Length}; a value that is not a number of bytes counts as too large. */
    static long announcedLength(HttpServerRequest request) {
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length == null) {
            return -1;
        }
        String digits = length.trim();
        if (digits.isEmpty() || !digits.chars().allMatch(Character::isDigit)) {
            return Long.MAX_VALUE;
        }
        // leading zeros do not make a length longer: "0000009000000" is 9,000,000 bytes
        String significant = digits.replaceFirst("^0+(?=.)", "");
        return significant.length() > 18 ? Long.MAX_VALUE : Long.parseLong(significant);
    }

    /** 400 in the platform's OAuth words; what the client still sends is read and dropped, then it is closed. */
    private static void tooLarge(RoutingContext rc) {
        PlatformErrors.oauth(rc, 400, "invalid_request", "the form body is larger than " + MAX_FORM_BYTES + " bytes");
        BodyLimit.drain(rc);
    }

    private void answer(RoutingContext rc, Buffer body) {
        Optional<Map<String, List<String>>> parsed = form(body);
        if (parsed.isEmpty()) {
            outcome("invalid_request");
            PlatformErrors.oauth(rc, 400, "invalid_request", "the form body is not valid form-urlencoded");
            return;
        }
        Map<String, List<String>> form = parsed.get();
        Optional<String[]> basic = basic(rc.request().getHeader(HttpHeaders.AUTHORIZATION));
        String formId = first(form, "client_id");
        String formSecret = first(form, "client_secret");
        if (basic.isPresent() && (formId != null || formSecret != null)) {
            PlatformErrors.oauth(
                    rc,
                    400,
                    "invalid_request",
                    "send the client credentials once: HTTP Basic or form fields, not both");
            return;
        }
        String id = basic.map(b -> b[0]).orElse(formId);
        String secret = basic.map(b -> b[1]).orElse(formSecret);
        if (id == null || secret == null || id.isEmpty() || secret.isEmpty()) {
            outcome("invalid_client");
            PlatformErrors.oauth(
                    rc,
                    401,
                    "invalid_client",
                    "send the gateway client id and one of its keys as HTTP Basic"
                            + " credentials (or client_id and client_secret form fields)");
            return;
        }
        Optional<GatewayClient> client = clients.byKey(secret).filter(c -> c.id().equals(id));
        if (client.isEmpty()) {
            outcome("invalid_client");
            PlatformErrors.oauth(rc, 401, "invalid_client", "client authentication failed");
            return;
        }
        RequestContext.clientId(rc, client.get().id());
        String grantType = first(form, "grant_type");
        if (grantType == null || grantType.isBlank()) {
            outcome("invalid_request");
            PlatformErrors.oauth(rc, 400, "invalid_request", "grant_type is required");
            return;
        }
        if (!"client_credentials".equals(grantType)) {
            outcome("unsupported_grant_type");
            PlatformErrors.oauth(rc, 400, "unsupported_grant_type", "only grant_type=client_credentials is supported");
            return;
        }
        tokens.issue(client.get(), KeysFile.sha256(secret))
                .subscribe()
                .with(
                        issued -> {
                            outcome("issued");
                            TokenResponse answer = new TokenResponse(
                                    issued.accessToken(),
                                    "bearer",
                                    issued.lifetime().toSeconds());
                            try {
                                rc.response()
                                        .setStatusCode(200)
                                        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                                        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                                        .putHeader("Pragma", "no-cache")
                                        .end(Json.mapper().writeValueAsString(answer));
                            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                                rc.fail(e);
                            }
                        },
                        failure -> unavailable(rc, failure));
    }

    /**
     * The form's fields; empty when it does not decode (a bad %-escape). Netty's decoder throws with the whole
     * form, the secret included, in its message: that exception must never reach a handler that logs it.
     */
    static Optional<Map<String, List<String>>> form(Buffer body) {
        try {
            return Optional.of(
                    new QueryStringDecoder(body.toString(StandardCharsets.UTF_8), StandardCharsets.UTF_8, false)
                            .parameters());
        } catch (IllegalArgumentException malformed) {
            return Optional.empty();
        }
    }

    private void revoke(RoutingContext rc) {
        Optional<String> token = Authenticate.presentedKey(rc.request()).filter(AccessTokens::isToken);
        if (token.isEmpty()) {
            PlatformErrors.oauth(
                    rc, 400, "invalid_request", "send the access token to revoke as 'Authorization: Bearer <token>'");
            return;
        }
        // Whose it was goes to the audit trail; an unknown or expired token is revoked all the same (RFC 7009).
        tokens.clientFor(token.get())
                .invoke(owner -> owner.ifPresent(c -> RequestContext.clientId(rc, c.id())))
                .chain(owner -> tokens.revoke(token.get()))
                .subscribe()
                .with(
                        revoked -> {
                            outcome("revoked");
                            rc.response().setStatusCode(204).end();
                        },
                        failure -> unavailable(rc, failure));
    }

    private void unavailable(RoutingContext rc, Throwable failure) {
        if (!(failure instanceof TokensUnavailable)) {
            rc.fail(failure);
            return;
        }
        outcome("unavailable");
        rc.response().putHeader("Retry-After", "5");
        PlatformErrors.oauth(
                rc,
                503,
                "temporarily_unavailable",
                "access tokens cannot be issued or revoked right now"
                        + " (the token store does not answer); gateway client keys still work");
    }

    private void outcome(String outcome) {
        registry.counter("cxbridge.gateway.login.token-requests", "outcome", outcome)
                .increment();
    }

    /** {@code Basic base64(id:secret)} as {id, secret}; empty when absent or not Basic. */
    private static Optional<String[]> basic(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.empty();
        }
        try {
            String decoded = new String(
                    Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0
                    ? Optional.empty()
                    : Optional.of(new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)});
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static String first(Map<String, List<String>> form, String name) {
        List<String> values = form.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
