package io.cxbridge.gateway.login;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ApiPrefixAliasTest {

    @Test
    void onlyThePrefixFollowedByTheApiIsStripped() {
        assertThat(ApiPrefixAlias.target("/genesys/api/v2/routing/queues?pageSize=2", "/genesys"))
                .contains("/api/v2/routing/queues?pageSize=2");
        assertThat(ApiPrefixAlias.target("/genesys/api/v2", "/genesys")).contains("/api/v2");
        assertThat(ApiPrefixAlias.target("/genesys/api/v2?x=1", "/genesys")).contains("/api/v2?x=1");
        assertThat(ApiPrefixAlias.target("/genesys/api/v2x/queues", "/genesys")).isEmpty();
        assertThat(ApiPrefixAlias.target("/genesys/v1/retention", "/genesys")).isEmpty();
        assertThat(ApiPrefixAlias.target("/genesys-api/routing/queues", "/genesys"))
                .isEmpty();
        assertThat(ApiPrefixAlias.target("/api/v2/routing/queues", "/genesys")).isEmpty();
        // what follows is checked by the path guard like any path
        assertThat(ApiPrefixAlias.target("/genesys/api/v2/../x", "/genesys")).contains("/api/v2/../x");
    }

    @Test
    void theTokenPathFollowsTheLoginPath() {
        assertThat(TokenEndpoint.tokenPath("/login")).isEqualTo("/login/oauth/token");
        assertThat(TokenEndpoint.tokenPath("login/")).isEqualTo("/login/oauth/token");
        assertThat(TokenEndpoint.tokenPath("")).isEqualTo("/oauth/token");
    }
}
