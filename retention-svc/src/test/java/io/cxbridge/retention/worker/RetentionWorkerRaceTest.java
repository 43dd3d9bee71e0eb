package io.cxbridge.retention.worker;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxbridge.model.Json;
import io.cxbridge.model.Topics;
import io.cxbridge.model.audit.AuditTypes;
import io.cxbridge.model.event.RetentionRequest;
import io.cxbridge.retention.state.RequestRecord;
import io.cxbridge.retention.state.RequestState;
import io.cxbridge.retention.state.RequestStore;
import io.cxbridge.testkit.KafkaBroker;
import io.cxbridge.testkit.KafkaResource;
import io.cxbridge.testkit.RedisResource;
import io.cxbridge.testkit.TopicReader;
import io.cxbridge.testkit.sim.GenesysSim;
import io.cxbridge.testkit.sim.GenesysSimResource;
import io.quarkus.arc.ClientProxy;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two replicas can work one request after a rebalance: its end is recorded, counted and audited once, and a step of
 * the replica that comes second never overwrites it.
 */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTestResource(GenesysSimResource.class)
class RetentionWorkerRaceTest {

    static final String POLICIES = "/api/v2/datamanagement/retention/policies";

    private final GenesysSim genesys = GenesysSim.shared();

    @Inject
    RetentionWorker worker;

    @Inject
    RequestStore store;

    @Inject
    Clock clock;

    @BeforeEach
    void resetSim() {
        genesys.control().reset();
        genesys.control().config(Map.of("jobCompletionMs", 150));
    }

    private long deployed() {
        return ((Number) given().get("/v1/retention/report")
                        .then()
                        .statusCode(200)
                        .extract()
                        .path("deployed"))
                .longValue();
    }

    @Test
    void aPollingRequestWorkedTwiceAtOnceIsDeployedAndCountedOnce() throws Exception {
        String requestId = UUID.randomUUID().toString();
        JsonNode policy = Json.mapper().readTree("""
                {"name": "race-%s", "objectType": "call", "retentionPeriod": 90, "enabled": true,
                 "schedule": {"frequency": "DAILY", "timezone": "UTC"}, "tags": {"managedBy": "cxbridge"}}""".formatted(requestId.substring(0, 8)));
        // the job Genesys runs for it, complete before either replica looks
        io.restassured.response.Response accepted = given().baseUri(genesys.baseUrl())
                .auth()
                .oauth2(genesys.accessToken())
                .contentType("application/json")
                .body(policy.toString())
                .post(POLICIES);
        assertEquals(202, accepted.statusCode());
        String jobId = accepted.header("x-job-id") != null
                ? accepted.header("x-job-id")
                : accepted.jsonPath().getString("jobId");
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> "COMPLETED"
                        .equals(given().baseUri(genesys.baseUrl())
                                .auth()
                                .oauth2(genesys.accessToken())
                                .get("/api/v2/datamanagement/jobs/" + jobId)
                                .then()
                                .extract()
                                .path("status")));
        RequestRecord polling = RequestRecord.queued(requestId, "call", clock.instant())
                .withJob(jobId)
                .to(RequestState.submitted, clock.instant())
                .to(RequestState.polling, clock.instant());
        store.put(polling).await().atMost(Duration.ofSeconds(10));
        long before = deployed();

        RetentionRequest request = new RetentionRequest(requestId, policy, false, null);
        RetentionWorker target = ClientProxy.unwrap(worker);
        Uni.combine()
                .all()
                .unis(target.process(request), target.process(request))
                .discardItems()
                .await()
                .atMost(Duration.ofSeconds(20));

        assertEquals(1, deployed() - before, "the request is counted once");
        // and reported once: only the replica that records the end sends its audit event
        assertEquals(
                1,
                TopicReader.readAll(KafkaBroker.shared().bootstrapServers(), Topics.AUDIT, Duration.ofSeconds(10))
                        .stream()
                        .filter(r -> requestId.equals(r.key()))
                        .filter(TopicReader.header("ce_type", AuditTypes.RETENTION_DEPLOYED)
                                .or(TopicReader.header("ce_type", AuditTypes.RETENTION_FAILED)))
                        .count(),
                "one audit event for the end");
        assertEquals(
                "deployed",
                given().get("/v1/retention/requests/" + requestId)
                        .then()
                        .statusCode(200)
                        .extract()
                        .path("state"));
    }
}
