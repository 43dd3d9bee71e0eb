package io.cxbridge.gateway.login;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.cxbridge.gateway.routes.EchoBackendResource;
import io.cxbridge.testkit.KafkaResource;
import io.cxbridge.testkit.RedisResource;
import io.cxbridge.testkit.sim.GenesysSimResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Tokens are bound to the key they were issued against: rotate the key out of the keys file and they stop working. */
@QuarkusTest
@TestProfile(KeyRemovalRevokesTokensTest.FileKeys.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTestResource(GenesysSimResource.class)
@QuarkusTestResource(EchoBackendResource.class)
class KeyRemovalRevokesTokensTest {

    /** One fixed path: the profile and the test class are loaded by different class loaders. */
    private static final Path KEYS = Path.of(System.getProperty("java.io.tmpdir"), "key-removal-test-keys.yaml");

    private static final String QUEUES = "/api/v2/routing/queues";

    /** A filesystem keys file, re-read every second. */
    public static class FileKeys implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                Files.writeString(KEYS, clients("team-old-key", "team-new-key"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return Map.of(
                    "cxbridge.gateway.auth.keys-file", KEYS.toString(), "cxbridge.gateway.auth.reload-interval", "1s");
        }
    }

    @Test
    void tokensIssuedAgainstARemovedKeyStopWorkingAtTheNextReload() throws IOException {
        String old = TokenLoginTest.login("team", "team-old-key");
        String kept = TokenLoginTest.login("team", "team-new-key");
        given().header("Authorization", "Bearer " + old).get(QUEUES).then().statusCode(200);

        write(clients("team-new-key"));

        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> given().header("Authorization", "Bearer " + old)
                        .get(QUEUES)
                        .then()
                        .statusCode(401)
                        .body("code", equalTo("bad.credentials")));
        given().header("Authorization", "Bearer " + kept).get(QUEUES).then().statusCode(200);
    }

    private static String clients(String... keys) {
        StringBuilder yaml = new StringBuilder("clients:\n  - id: team\n    rateLimitPerMinute: 600\n    keys:\n");
        for (String k : keys) {
            yaml.append("      - key: ").append(k).append('\n');
        }
        return yaml.append("    routes:\n      - \"ANY /api/v2/**\"\n").toString();
    }

    private static void write(String yaml) throws IOException {
        Files.writeString(KEYS, yaml);
        // a later modification time whatever the file system's resolution, so the reload sees a change
        Files.setLastModifiedTime(KEYS, FileTime.from(Instant.now().plusSeconds(5)));
    }
}
