package io.cxbridge.sim;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
class PlatformTest extends SimTestBase {

    @Test
    void healthMetricsAndOpenApiAreServed() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        api().get("/api/v2/routing/directories/d1/entries").then().statusCode(200);
        given().get("/q/metrics")
                .then()
                .statusCode(200)
                .body(containsString("http_server_requests_seconds_count"))
                .body(containsString("uri=\"/api/v2/routing/directories/{directoryId}/entries\""));
        given().get("/q/openapi")
                .then()
                .statusCode(200)
                .body(containsString("/sim/faults"))
                .body(containsString("/api/v2/datamanagement/retention/policies"))
                .body(containsString("/api/v2/externalcontacts/scan/contacts"))
                .body(containsString("/sim/seed"));
    }

    @Test
    void unknownGenesysPathsOutsideTheStoreAre404() {
        given().get("/oauth/authorize").then().statusCode(404).body("code", equalTo("not.found"));
        api().get("/api/v2/").then().statusCode(404);
        api().put("/api/v2/downloads/blob").then().statusCode(405);
    }
}
