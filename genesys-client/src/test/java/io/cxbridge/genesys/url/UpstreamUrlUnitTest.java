package io.cxbridge.genesys.url;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UpstreamUrlUnitTest {

    private static final URI BASE = URI.create("http://genesys.test");

    /** The path corpus of issue #15 (the gateway's README lists the same). */
    static final List<String> CORPUS = List.of(
            "x.evil://a/api/v2/users",
            "http://evil.test/api/v2/users",
            "//evil.test/api/v2/users",
            "evil.test:443",
            "*",
            "/api/v2/users@evil.test",
            "/api/v2/../sim/stats",
            "/api/v2/./users",
            "/api/v2/%2e%2e/sim/stats",
            "/api/v2/%2E%2e/sim/stats",
            "/api/v2/%252e%252e/sim/stats",
            "/api/v2/%c0%ae%c0%ae/sim/stats",
            "/api/v2/%e0%80%ae%e0%80%ae/sim/stats",
            "/api/v2/..;/sim/stats",
            "/api/v2/users;jsessionid=1",
            "/api/v2/routing%2fqueues",
            "/api/v2/routing%2Fqueues",
            "/api/v2/routing%5cqueues",
            "/api/v2/routing\\queues",
            "/api/v2/routing/%00queues",
            "/api/v2/routing/%0aqueues",
            "/api/v2/routing/%0dqueues",
            "/api/v2/routing/%C2%85queues",
            "/api/v2/routing/\u0001queues",
            "/genesys%2Dapi/users",
            "/api%2Fv2/users",
            "/api%2fv2/users",
            "/api/v2/users#frag",
            "/api/v2/users?x=1#frag",
            "/api/v2//users",
            "/api/v2/%40evil",
            "/api/v2/users%",
            "/api/v2/users%zz",
            "/api/v2/us ers",
            "/api/v2/us\u00e9rs",
            "/api/v2/%ff",
            "/api/v2/%ed%a0%80",
            "/api/v2/%e2%80%a8");

    @Test
    void schemeHostAndPortComeOnlyFromTheBase() {
        UpstreamUrl url = UpstreamUrl.genesys(BASE, "/api/v2/users?pageSize=25");
        assertThat(url.toUri()).isEqualTo(URI.create("http://genesys.test:80/api/v2/users?pageSize=25"));
        RequestOptions options = url.options(HttpMethod.GET);
        assertThat(options.getHost()).isEqualTo("genesys.test");
        assertThat(options.getPort()).isEqualTo(80);
        assertThat(options.isSsl()).isFalse();
        assertThat(options.getURI()).isEqualTo("/api/v2/users?pageSize=25");
        assertThat(UpstreamUrl.genesys(URI.create("https://api.mypurecloud.de"), "/api/v2/x")
                        .options(HttpMethod.GET)
                        .getPort())
                .isEqualTo(443);
        assertThat(UpstreamUrl.genesys(URI.create("http://127.0.0.1:8090"), "/api/v2/x")
                        .port())
                .isEqualTo(8090);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "x.evil://a/api/v2/users",
                "http://evil.test/api/v2/users",
                "//evil.test/api/v2/users",
                "evil.test:443",
                "@evil.test/api/v2/users",
                ":80/api/v2/users",
                "/api/v2/users@evil.test"
            })
    void nothingTheClientWritesCanNameAnotherHost(String target) {
        assertThatThrownBy(() -> UpstreamUrl.genesys(BASE, target)).isInstanceOf(UnsafeTargetException.class);
    }

    @Test
    void everyEntryOfTheCorpusIsRefusedWithAReason() {
        for (String target : CORPUS) {
            assertThatThrownBy(() -> RequestTarget.parse(target, 2048))
                    .as(target)
                    .isInstanceOf(UnsafeTargetException.class)
                    .hasMessageMatching("the (request target|path|query) .+");
        }
    }

    @Test
    void aPathOverTheBoundIsRefusedAndOneAtItIsNot() {
        String atBound = "/api/v2/" + "a".repeat(2048 - 8);
        assertThat(RequestTarget.parse(atBound, 2048).path()).isEqualTo(atBound);
        assertThatThrownBy(() -> RequestTarget.parse(atBound + "a", 2048)).hasMessageContaining("longer than 2048");
    }

    @Test
    void onlyTheGenesysApiIsReachable() {
        for (String target : List.of("/sim/reset", "/api/v2", "/api/v1/users", "/oauth/token", "/")) {
            assertThatThrownBy(() -> UpstreamUrl.genesys(BASE, target))
                    .as(target)
                    .isInstanceOf(UnsafeTargetException.class)
                    .hasMessageContaining("/api/v2/");
        }
    }

    @Test
    void theQueryIsReEncodedFromItsParameters() {
        RequestTarget t = RequestTarget.parse("/api/v2/users?q=a+b&x=%2b&&flag&e=%C3%A9&s=a/b:c@d");
        assertThat(t.query())
                .containsExactly(
                        new RequestTarget.Parameter("q", "a b"),
                        new RequestTarget.Parameter("x", "+"),
                        new RequestTarget.Parameter("flag", null),
                        new RequestTarget.Parameter("e", "\u00e9"),
                        new RequestTarget.Parameter("s", "a/b:c@d"));
        assertThat(t.pathAndQuery()).isEqualTo("/api/v2/users?q=a%20b&x=%2B&flag&e=%C3%A9&s=a%2Fb%3Ac%40d");
        assertThatThrownBy(() -> RequestTarget.parse("/api/v2/users?q=%zz")).isInstanceOf(UnsafeTargetException.class);
        assertThatThrownBy(() -> RequestTarget.parse("/api/v2/users?q=%c0%ae")).hasMessageContaining("overlong");
        assertThatThrownBy(() -> RequestTarget.parse("/api/v2/users?q=a\nb")).isInstanceOf(UnsafeTargetException.class);
    }

    @Test
    void aSafePathKeepsOneCanonicalEncoding() {
        assertThat(RequestTarget.parse("/api/v2/users/%c3%a9t%C3%A9/").path())
                .isEqualTo("/api/v2/users/%C3%A9t%C3%A9/");
        assertThat(RequestTarget.parse("/api/v2/integrations/actions/custom_-_a1~b.c/execute")
                        .path())
                .isEqualTo("/api/v2/integrations/actions/custom_-_a1~b.c/execute");
        assertThat(RequestTarget.parse("/api/v2/a%20b/x:y,z!").path()).isEqualTo("/api/v2/a%20b/x:y,z!");
    }

    @Test
    void aBasePathPrefixesTheTargetAndTheAliasMapsOntoItsHome() {
        UpstreamUrl url = UpstreamUrl.of(
                URI.create("http://127.0.0.1:8083/retention/"), RequestTarget.parse("/v1/retention/apply?dryRun=true"));
        assertThat(url.pathAndQuery()).isEqualTo("/retention/v1/retention/apply?dryRun=true");
        // Every trailing slash of the base goes, and a base of slashes alone prefixes nothing.
        assertThat(UpstreamUrl.of(URI.create("http://h/a/b///"), RequestTarget.parse("/x"))
                        .pathAndQuery())
                .isEqualTo("/a/b/x");
        assertThat(UpstreamUrl.of(URI.create("http://h//"), RequestTarget.parse("/x"))
                        .pathAndQuery())
                .isEqualTo("/x");
        assertThat(RequestTarget.parse("/genesys-api/users")
                        .withPrefix("/genesys-api/", "/api/v2/")
                        .path())
                .isEqualTo("/api/v2/users");
        assertThatThrownBy(() -> UpstreamUrl.of(URI.create("http://user@h"), RequestTarget.parse("/x")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> UpstreamUrl.of(URI.create("file:///etc"), RequestTarget.parse("/x")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
