package io.cxbridge.genesys.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxbridge.genesys.http.GenesysClient;
import io.cxbridge.genesys.http.GenesysRequest;
import io.cxbridge.genesys.http.GenesysResponse;
import io.cxbridge.genesys.redaction.Redactor;
import io.cxbridge.genesys.token.TokenProvider;
import io.cxbridge.testkit.RedisResource;
import io.cxbridge.testkit.sim.GenesysSim;
import io.cxbridge.testkit.sim.GenesysSimResource;
import io.cxbridge.testkit.sim.SimControl;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.http.HttpMethod;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The client as a service gets it: beans built by Quarkus from {@code cxbridge.genesys.*}, Quarkus's Redis client. */
@QuarkusTest
@QuarkusTestResource(GenesysSimResource.class)
@QuarkusTestResource(RedisResource.class)
class GenesysBeansTest {

    @Inject
    GenesysClient client;

    @Inject
    TokenProvider tokens;

    @Inject
    Redactor redactor;

    @Test
    void createsAndListsQueuesThroughTheInjectedClient() {
        SimControl control = GenesysSim.shared().control();
        control.reset();
        GenesysResponse created = client.send(
                        GenesysRequest.json(HttpMethod.POST, "/api/v2/routing/queues", "{\"name\":\"Wiring\"}"))
                .await()
                .atMost(Duration.ofSeconds(20));
        assertThat(created.status()).isEqualTo(200);
        GenesysResponse listed = client.send(GenesysRequest.get("/api/v2/routing/queues?name=Wiring"))
                .await()
                .atMost(Duration.ofSeconds(20));
        assertThat(listed.bodyAsString()).contains("\"name\":\"Wiring\"");
        assertThat(control.stats().tokenRequests()).isEqualTo(1);
        assertThat(tokens.token().await().atMost(Duration.ofSeconds(5))).isNotBlank();
    }

    @Test
    void redactorUsesTheConfiguredFieldNames() {
        assertThat(redactor.json("{\"email\":\"a@b.example\",\"queueId\":\"q-1\"}"))
                .isEqualTo("{\"email\":\"[REDACTED]\",\"queueId\":\"q-1\"}");
    }
}
