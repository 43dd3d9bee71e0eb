package io.cxbridge.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
class RateLimitTest extends SimTestBase {

    @Test
    void reportsTheBudgetOnEverySuccessfulResponse() {
        String token = token();
        Response first = api(token).get("/api/v2/routing/queues");
        Response second = api(token).get("/api/v2/routing/queues");
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.header("inin-ratelimit-allowed")).isEqualTo("300");
        assertThat(first.header("inin-ratelimit-count")).isEqualTo("1");
        assertThat(second.header("inin-ratelimit-count")).isEqualTo("2");
        assertThat(Long.parseLong(second.header("inin-ratelimit-reset"))).isBetween(1L, 60L);
    }

    @Test
    void answers429WithRetryAfterOnceTheClientsBucketIsEmpty() {
        config(Map.of("rateLimitPerMinute", 3));
        String token = token();
        for (int i = 1; i <= 3; i++) {
            api(token)
                    .get("/api/v2/routing/queues")
                    .then()
                    .statusCode(200)
                    .header("inin-ratelimit-count", String.valueOf(i))
                    .header("inin-ratelimit-allowed", "3");
        }
        Response limited = api(token).get("/api/v2/routing/queues");
        assertThat(limited.statusCode()).isEqualTo(429);
        // 3 a minute refill one token every 20 s
        assertThat(Long.parseLong(limited.header("Retry-After"))).isBetween(1L, 20L);
        assertThat(limited.header("inin-ratelimit-count")).isEqualTo("3");
        assertThat(limited.header("inin-ratelimit-allowed")).isEqualTo("3");
        assertThat(Long.parseLong(limited.header("inin-ratelimit-reset"))).isBetween(1L, 60L);
        limited.then().body("code", equalTo("too.many.requests")).body("status", equalTo(429));

        // every /api/v2 path shares the client's bucket; the control API and the token endpoint do not
        api(token).get("/api/v2/users").then().statusCode(429);
        token();
        assertThat(requests("GET", "/api/v2/routing/queues", 429)).isEqualTo(1);
    }

    @Test
    void aNewLimitStartsWithAFullBucketAndZeroMeansUnlimited() {
        config(Map.of("rateLimitPerMinute", 1));
        String token = token();
        api(token).get("/api/v2/routing/queues").then().statusCode(200);
        api(token).get("/api/v2/routing/queues").then().statusCode(429);
        config(Map.of("rateLimitPerMinute", 2));
        api(token).get("/api/v2/routing/queues").then().statusCode(200);

        config(Map.of("rateLimitPerMinute", 0));
        for (int i = 0; i < 50; i++) {
            Response r = api(token).get("/api/v2/routing/queues");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.header("inin-ratelimit-allowed")).isNull();
        }
    }

    @Test
    void faultedRequestsDoNotSpendTheBudget() {
        config(Map.of("rateLimitPerMinute", 1));
        fault(Map.of("path", "/api/v2/routing/queues", "status", 503, "count", 2));
        String token = token();
        api(token).get("/api/v2/routing/queues").then().statusCode(503);
        api(token).get("/api/v2/routing/queues").then().statusCode(503);
        api(token).get("/api/v2/routing/queues").then().statusCode(200);
    }
}
