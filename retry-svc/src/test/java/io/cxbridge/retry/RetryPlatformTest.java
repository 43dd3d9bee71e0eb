package io.cxbridge.retry;

import io.cxbridge.model.Topics;
import io.cxbridge.model.Topics.TopicSpec;
import io.cxbridge.model.audit.AuditTypes;
import io.cxbridge.retry.support.WebhookReceiver;
import io.cxbridge.testkit.KafkaResource;
import io.cxbridge.testkit.RedisResource;
import io.cxbridge.testkit.ServicePlatformContract;
import io.cxbridge.testkit.sim.GenesysSimResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;

@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTestResource(GenesysSimResource.class)
@QuarkusTestResource(WebhookReceiver.class)
class RetryPlatformTest extends ServicePlatformContract {

    @Override
    protected String serviceName() {
        return "retry-svc";
    }

    @Override
    protected boolean readyWithoutDependencies() {
        return false;
    }

    @Override
    protected List<TopicSpec> topics() {
        return List.of(
                Topics.AUDIT_SPEC, Topics.FAILED_RUNS_SPEC, Topics.FAILED_RUNS_DLQ_SPEC, Topics.RETRY_STATE_SPEC);
    }

    @Override
    protected String auditType() {
        return AuditTypes.RETRY_SUCCEEDED;
    }
}
