package io.cxbridge.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The grant globs: {@code *} is one non-empty segment, {@code **} any number of them. */
class RouteGrantUnitTest {

    @Test
    void aStarMatchesOneNonEmptySegment() {
        RouteGrant users = RouteGrant.parse("GET /api/v2/users/*");
        assertThat(users.allows("GET", "/api/v2/users/u-1")).isTrue();
        assertThat(users.allows("GET", "/api/v2/users/"))
                .as("a trailing empty segment")
                .isFalse();
        assertThat(users.allows("GET", "/api/v2/users")).isFalse();
        assertThat(users.allows("GET", "/api/v2/users/u-1/roles")).isFalse();

        RouteGrant execute = RouteGrant.parse("POST /api/v2/integrations/actions/*/execute");
        assertThat(execute.allows("POST", "/api/v2/integrations/actions/a-1/execute"))
                .isTrue();
        assertThat(execute.allows("POST", "/api/v2/integrations/actions//execute"))
                .isFalse();

        RouteGrant prefix = RouteGrant.parse("GET /api/v2/users/*-x");
        assertThat(prefix.allows("GET", "/api/v2/users/u-x")).isTrue();
        assertThat(prefix.allows("GET", "/api/v2/users/-x")).isFalse();
    }

    @Test
    void aDoubleStarMatchesAnyNumberOfSegmentsAndTheBarePrefix() {
        RouteGrant all = RouteGrant.parse("GET /api/v2/**");
        assertThat(all.allows("GET", "/api/v2")).isTrue();
        assertThat(all.allows("GET", "/api/v2/")).isTrue();
        assertThat(all.allows("GET", "/api/v2/users/u-1/roles")).isTrue();
        assertThat(all.allows("POST", "/api/v2/users")).isFalse();
    }
}
