package io.cxbridge.gateway;

import io.cxbridge.gateway.routes.EchoBackendResource;
import io.cxbridge.model.Topics;
import io.cxbridge.model.Topics.TopicSpec;
import io.cxbridge.model.audit.AuditTypes;
import io.cxbridge.testkit.KafkaResource;
import io.cxbridge.testkit.RedisResource;
import io.cxbridge.testkit.ServicePlatformContract;
import io.cxbridge.testkit.sim.GenesysSimResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import java.util.List;

@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTestResource(GenesysSimResource.class)
@QuarkusTestResource(EchoBackendResource.class)
class GatewayPlatformTest extends ServicePlatformContract {

    @Override
    protected String serviceName() {
        return "gateway-svc";
    }

    @Override
    protected boolean readyWithoutDependencies() {
        return true;
    }

    @Override
    protected List<TopicSpec> topics() {
        return List.of(Topics.AUDIT_SPEC, Topics.FAILED_RUNS_SPEC, Topics.FULFILLMENT_JOBS_SPEC);
    }

    @Override
    protected RequestSpecification client() {
        return RestAssured.given().header("X-API-Key", "cxb_demo_key");
    }

    @Override
    protected String auditType() {
        return AuditTypes.GATEWAY_REQUEST;
    }
}
