package io.cxbridge.gateway.login;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * What the official SDKs' gateway settings ({@code setGateway({path_params_login, path_params_api})} in
 * JavaScript, {@code GatewayConfiguration} in newer Java SDKs) point at.
 */
@ConfigMapping(prefix = "cxbridge.gateway.sdk")
public interface SdkGatewayConfig {

    /** The SDK's {@code path_params_login}: the token endpoint is {@code <login-path>/oauth/token}. */
    @WithDefault("/login")
    String loginPath();

    /** How long an access token lives unless the client's {@code tokenLifetime} says otherwise (the platform's 24 h). */
    @WithDefault("24h")
    Duration tokenLifetime();

    /**
     * Access tokens one client may hold at once: a login past it revokes the client's oldest live token, so a client
     * that logs in again and again keeps at most this many in Redis (each lives {@code token-lifetime}).
     */
    @WithDefault("1000")
    int maxTokensPerClient();

    /**
     * The SDK's {@code path_params_api}, e.g. {@code /genesys}: {@code /genesys/api/v2/**} is then one more alias of
     * {@code /api/v2/**}. Unset: the SDK leaves {@code path_params_api} empty and calls {@code /api/v2/**}.
     */
    Optional<String> apiPrefix();
}
