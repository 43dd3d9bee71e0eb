package io.cxbridge.fulfillment;

import io.cxbridge.model.Topics;
import io.cxbridge.model.Topics.TopicSpec;
import io.cxbridge.model.audit.AuditTypes;
import io.cxbridge.testkit.KafkaResource;
import io.cxbridge.testkit.RedisResource;
import io.cxbridge.testkit.ServicePlatformContract;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;

@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTestResource(FulfillmentTestResource.class)
class FulfillmentPlatformTest extends ServicePlatformContract {

    @Override
    protected String serviceName() {
        return "fulfillment-svc";
    }

    @Override
    protected boolean readyWithoutDependencies() {
        return false;
    }

    /** Ready without Kafka (degraded): the Data Action endpoint keeps answering through a broker outage. */
    @Override
    protected boolean readyWithout(String dependency) {
        return dependency.equals("kafka");
    }

    @Override
    protected List<TopicSpec> topics() {
        return List.of(Topics.AUDIT_SPEC, Topics.FULFILLMENT_JOBS_SPEC, Topics.FULFILLMENT_JOBS_DLQ_SPEC);
    }

    @Override
    protected String auditType() {
        return AuditTypes.FULFILLMENT_COMPLETED;
    }
}
