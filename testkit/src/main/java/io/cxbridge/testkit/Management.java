package io.cxbridge.testkit;

import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The management interface (health, metrics) of the {@code @QuarkusTest} application. The services run it on its
 * own port ({@code quarkus.management.test-port=0}: a random one in tests); RestAssured's default port is the API
 * port, so every {@code /q/health/*} and {@code /q/metrics} call of a test goes through {@link #given()}.
 */
public final class Management {

    private Management() {}

    /** A RestAssured request to the management port; paths keep their {@code /q/...} form. */
    public static RequestSpecification given() {
        return RestAssured.given().port(port());
    }

    /** The Prometheus text of {@code /q/metrics} (answered 200), read on the management port. */
    public static String metrics() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    /** The port the management interface of the running test application listens on. */
    public static int port() {
        // In a @QuarkusTest the test-port key reads Quarkus's value registry, so a random port (0) answers the bound
        // one.
        return ConfigProvider.getConfig().getValue("quarkus.management.test-port", Integer.class);
    }
}
