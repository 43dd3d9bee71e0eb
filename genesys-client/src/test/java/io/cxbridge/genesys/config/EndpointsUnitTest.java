package io.cxbridge.genesys.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cxbridge.genesys.TestConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EndpointsUnitTest {

    @Test
    void regionSelectsApiAndLoginHosts() {
        Endpoints e = Endpoints.of(TestConfig.genesys(Map.of("cxbridge.genesys.region", "eu_west_1")));
        assertThat(e.apiBase()).hasToString("https://api.mypurecloud.ie");
        assertThat(e.loginBase()).hasToString("https://login.mypurecloud.ie");
    }

    @Test
    void everyRegionOfTheSpecIsKnown() {
        assertThat(Region.parse("us-east-1").apiHost()).isEqualTo("api.mypurecloud.com");
        assertThat(Region.parse("ap_southeast_2").loginHost()).isEqualTo("login.mypurecloud.com.au");
        assertThat(Region.parse("AP_NORTHEAST_1").apiHost()).isEqualTo("api.mypurecloud.jp");
        assertThat(Region.parse("eu_central_1").apiHost()).isEqualTo("api.mypurecloud.de");
        assertThat(Region.parse("us_west_2").loginHost()).isEqualTo("login.usw2.pure.cloud");
        assertThat(Region.parse("ca_central_1").apiHost()).isEqualTo("api.cac1.pure.cloud");
        assertThat(Region.parse("ap_northeast_2").apiHost()).isEqualTo("api.apne2.pure.cloud");
        assertThat(Region.parse("eu_west_2").apiHost()).isEqualTo("api.euw2.pure.cloud");
        assertThat(Region.parse("ap_south_1").apiHost()).isEqualTo("api.aps1.pure.cloud");
        assertThat(Region.values()).hasSize(10);
    }

    @Test
    void unknownRegionNamesTheValidOnes() {
        assertThatThrownBy(() -> Region.parse("mars_north_1"))
                .hasMessageContaining("mars_north_1")
                .hasMessageContaining("eu_west_1");
    }

    @Test
    void explicitBaseUrlWinsAndLogsInAtItselfWhenNotAnApiHost() {
        Endpoints e = Endpoints.of(TestConfig.genesys(
                Map.of("cxbridge.genesys.region", "eu_west_1", "cxbridge.genesys.base-url", "http://127.0.0.1:8090/")));
        assertThat(e.apiBase()).hasToString("http://127.0.0.1:8090");
        assertThat(e.loginBase()).hasToString("http://127.0.0.1:8090");
    }

    @Test
    void baseUrlOnAnApiHostDerivesTheLoginHost() {
        Endpoints e =
                Endpoints.of(TestConfig.genesys(Map.of("cxbridge.genesys.base-url", "https://api.euw2.pure.cloud")));
        assertThat(e.loginBase()).hasToString("https://login.euw2.pure.cloud");
    }

    @Test
    void theTokenUrlIsBuiltOnTheLoginBase() {
        assertThat(Endpoints.of(TestConfig.genesys(Map.of("cxbridge.genesys.region", "eu_west_1")))
                        .tokenUrl()
                        .toUri())
                .hasToString("https://login.mypurecloud.ie:443/oauth/token");
        assertThat(Endpoints.of(TestConfig.genesys(Map.of(
                                "cxbridge.genesys.base-url",
                                "http://127.0.0.1:8090",
                                "cxbridge.genesys.login-url",
                                "https://sso.example.com/genesys/")))
                        .tokenUrl()
                        .toUri())
                .hasToString("https://sso.example.com:443/genesys/oauth/token");
    }

    @Test
    void aLoginUrlWithUserInfoOrAQueryIsRefusedAtStartUp() {
        for (String login : List.of(
                "https://admin:hunter2@login.example.com",
                "https://login.example.com/?next=/evil",
                "https://login.example.com#frag",
                "ftp://login.example.com")) {
            assertThatThrownBy(() -> Endpoints.of(TestConfig.genesys(
                            Map.of("cxbridge.genesys.region", "eu_west_1", "cxbridge.genesys.login-url", login))))
                    .as(login)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("cxbridge.genesys.login-url")
                    .hasMessageNotContaining("hunter2");
        }
    }

    @Test
    void neitherRegionNorBaseUrlIsAClearError() {
        assertThatThrownBy(() -> Endpoints.of(TestConfig.genesys(Map.of())))
                .hasMessageContaining("cxbridge.genesys.region")
                .hasMessageContaining("base-url");
        assertThatThrownBy(() -> Endpoints.of(TestConfig.genesys(Map.of("cxbridge.genesys.base-url", "not a url"))))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
