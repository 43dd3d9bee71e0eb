package io.cxbridge.retention.media;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxbridge.retention.state.RequestJournal;
import io.cxbridge.retention.state.RequestRecord;
import io.cxbridge.testkit.KafkaResource;
import io.cxbridge.testkit.RedisResource;
import io.cxbridge.testkit.sim.GenesysSim;
import io.cxbridge.testkit.sim.GenesysSimResource;
import io.cxbridge.testkit.sim.SimControl;
import io.quarkus.arc.ClientProxy;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Once Genesys took a media-retention write, recording it (the {@code policy-set} journal entry, the audit event,
 * the state) is retried until done, never turned into a {@code failed} write; and a policy too large for its journal
 * record is refused before anything is written.
 */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTestResource(GenesysSimResource.class)
class MediaApplyRecordingTest {

    static final String PATH = MediaRetentionTest.PATH;

    private final SimControl sim = GenesysSim.shared().control();

    @Inject
    RequestJournal journal;

    @BeforeEach
    void resetSim() {
        sim.reset();
    }

    private long writes() {
        return sim.stats().requests().stream()
                .filter(r -> !r.method().equals("GET") && r.path().startsWith(PATH))
                .mapToLong(r -> r.count())
                .sum();
    }

    @Test
    void aKafkaBlipAfterGenesysTookTheWriteIsRetriedAndTheRestOfTheFileIsWorked() {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String first = "blip-first-" + tag;
        String second = "blip-second-" + tag;
        RequestJournal real = ClientProxy.unwrap(journal);
        AtomicInteger policySetFailures = new AtomicInteger(2);
        AtomicInteger endFailures = new AtomicInteger(1);
        QuarkusMock.installMockForType(
                new RequestJournal(null, Clock.systemUTC()) {
                    @Override
                    public Uni<Void> writePolicySet(String name, JsonNode applied) {
                        // the journal is away just after Genesys took the first policy
                        if (name.equals(first) && policySetFailures.getAndDecrement() > 0) {
                            return Uni.createFrom().failure(new IllegalStateException("broker away"));
                        }
                        return real.writePolicySet(name, applied);
                    }

                    @Override
                    public Uni<Void> write(RequestRecord record) {
                        // and once more when the first request's end is journaled
                        if (record.terminal() && endFailures.getAndDecrement() > 0) {
                            return Uni.createFrom().failure(new IllegalStateException("broker away"));
                        }
                        return real.write(record);
                    }
                },
                RequestJournal.class);

        JsonPath applied = MediaRetentionTest.apply("""
                policies:
                  - name: %s
                    objectType: call
                    retentionPeriod: 90
                    enabled: true
                  - name: %s
                    objectType: email
                    retentionPeriod: 60
                    enabled: true
                """.formatted(first, second), "");
        MediaRetentionTest.awaitDeployed(applied);

        Map<String, String> ids = given()
                .baseUri(GenesysSim.shared().baseUrl())
                .auth()
                .oauth2(GenesysSim.shared().accessToken())
                .get(PATH + "?pageSize=100")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .<Map<String, Object>>getList("entities")
                .stream()
                .collect(Collectors.toMap(p -> (String) p.get("name"), p -> (String) p.get("id")));
        List<String> requestIds = applied.getList("requests.requestId");
        String policyId = given().get("/v1/retention/requests/" + requestIds.get(0))
                .then()
                .extract()
                .path("policyId");
        assertThat(policyId)
                .as("the first request holds the policy Genesys created")
                .isEqualTo(ids.get(first));
        assertThat(policySetFailures.get())
                .as("the policy set was journaled after the blip")
                .isLessThan(0);
        assertThat(writes()).as("one POST each").isEqualTo(2);
        // journaled as applied: a person deleting it at Genesys is drift
        given().baseUri(GenesysSim.shared().baseUrl())
                .auth()
                .oauth2(GenesysSim.shared().accessToken())
                .delete(PATH + "/" + ids.get(first))
                .then()
                .statusCode(204);
        List<Map<String, Object>> drifted = given().get("/v1/retention/drift")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("drifted");
        assertThat(drifted).as("the first policy is in the last applied set").anySatisfy(d -> {
            assertThat(d.get("name")).isEqualTo(first);
            assertThat(d.get("change")).isEqualTo("deleted");
        });
    }

    @Test
    void aPolicyTooLargeForItsJournalRecordIsA400NamingTheFieldBeforeAnythingIsWritten() {
        String queues = IntStream.range(0, 30_000)
                .mapToObj(i -> "\"" + new UUID(0, i) + "\"")
                .collect(Collectors.joining(",", "[", "]"));
        String body = """
                [{"name": "small", "objectType": "chat", "retentionPeriod": 60, "enabled": true},
                 {"name": "huge", "objectType": "call", "retentionPeriod": 90, "enabled": true,
                  "filters": {"queues": %s, "directions": ["INBOUND"]}}]""".formatted(queues);
        long writes = writes();
        for (String endpoint : List.of("plan", "apply")) {
            given().contentType("application/json")
                    .body(body.getBytes(StandardCharsets.UTF_8))
                    .post("/v1/retention/" + endpoint + "?target=media-retention")
                    .then()
                    .statusCode(400)
                    .contentType("application/problem+json")
                    .body("violations", hasSize(1))
                    .body("violations[0].field", equalTo("[1].filters.queues"))
                    .body("violations[0].message", containsString("too large"));
        }
        assertThat(writes()).as("nothing written to Genesys").isEqualTo(writes);
    }
}
