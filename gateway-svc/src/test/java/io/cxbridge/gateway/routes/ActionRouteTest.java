package io.cxbridge.gateway.routes;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import io.cxbridge.testkit.KafkaResource;
import io.cxbridge.testkit.RedisResource;
import io.cxbridge.testkit.sim.GenesysSimResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

/** {@code POST /v1/actions/{name}} and its cache path reach fulfillment-svc, granted per action like any route. */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTestResource(GenesysSimResource.class)
@QuarkusTestResource(EchoBackendResource.class)
class ActionRouteTest {

    @Test
    void anActionCallIsForwardedWithItsBodyAndWithoutTheKey() {
        given().header("X-API-Key", "cxb_flow_key")
                .contentType(ContentType.JSON)
                .body("{\"customerId\":\"c-1\"}")
                .post("/v1/actions/echo")
                .then()
                .statusCode(200)
                .body("method", equalTo("POST"))
                .body("path", equalTo("/fulfillment/v1/actions/echo"))
                .body("bodySize", equalTo(20))
                .body("headers.x-cxbridge-client-id", equalTo("flow"))
                .body("headers.x-api-key", nullValue());
        given().header("X-API-Key", "cxb_demo_key")
                .delete("/v1/actions/echo/cache")
                .then()
                .statusCode(200)
                .body("method", equalTo("DELETE"))
                .body("path", equalTo("/fulfillment/v1/actions/echo/cache"));
    }

    @Test
    void aKeyGrantedOneActionReachesNoOther() {
        given().header("X-API-Key", "cxb_flow_key")
                .contentType(ContentType.JSON)
                .body("{}")
                .post("/v1/actions/other")
                .then()
                .statusCode(403);
        given().header("X-API-Key", "cxb_flow_key")
                .delete("/v1/actions/echo/cache")
                .then()
                .statusCode(403);
        given().header("X-API-Key", "cxb_readonly_key")
                .contentType(ContentType.JSON)
                .body("{}")
                .post("/v1/actions/echo")
                .then()
                .statusCode(403);
        given().contentType(ContentType.JSON)
                .body("{}")
                .post("/v1/actions/echo")
                .then()
                .statusCode(401);
    }
}
