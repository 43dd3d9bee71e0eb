package io.cxbridge.model.event;

import static io.cxbridge.model.ValidationSupport.fields;
import static io.cxbridge.model.ValidationSupport.read;
import static io.cxbridge.model.ValidationSupport.violations;
import static io.cxbridge.model.ValidationSupport.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.cxbridge.model.Json;
import io.cxbridge.model.problem.Violation;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DirectoryUpdatedTest {

    static final Instant LAST_MODIFIED = Instant.parse("2026-03-02T11:29:41Z");
    static final String HASH = "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    static DirectoryUpdated withTtl(int ttl) {
        return new DirectoryUpdated("internal_agents", 412, LAST_MODIFIED, HASH, ttl, null);
    }

    @Test
    void roundTripsThroughJsonWithIsoInstants() throws Exception {
        DirectoryUpdated updated = new DirectoryUpdated(
                "internal_agents", 412, LAST_MODIFIED, HASH, 120, "9b1d3f5a7c9e4b2d8f0a1c3e5a7c9e1b");
        String json = write(updated);
        JsonNode tree = Json.mapper().readTree(json);
        assertThat(tree.get("lastModified").asText()).isEqualTo("2026-03-02T11:29:41Z");
        assertThat(tree.get("entryCount").asInt()).isEqualTo(412);
        assertThat(tree.get("ttlSeconds").asInt()).isEqualTo(120);
        assertThat(read(json, DirectoryUpdated.class)).isEqualTo(updated);
    }

    @Test
    void validUpdateHasNoViolations() {
        assertThat(violations(withTtl(120))).isEmpty();
        assertThat(violations(new DirectoryUpdated("emergency_contacts", 0, LAST_MODIFIED, HASH, 60, null)))
                .as("an empty directory is a valid update")
                .isEmpty();
    }

    @ParameterizedTest
    @ValueSource(ints = {30, 31, 300, 3599, 3600})
    void ttlWithinThirtySecondsAndOneHourIsAccepted(int ttl) {
        assertThat(violations(withTtl(ttl))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 0, 29, 3601, 86400})
    void ttlOutsideThirtySecondsAndOneHourIsRefused(int ttl) {
        assertThat(fields(withTtl(ttl))).containsExactly("ttlSeconds");
    }

    @Test
    void missingRequiredFieldsAreAllReportedAtOnce() {
        // absent ints read as 0: entryCount 0 is a valid count, ttlSeconds 0 is out of range
        assertThat(violations(read("{}", DirectoryUpdated.class)))
                .containsExactly(
                        new Violation("contentHash", "must not be blank"),
                        new Violation("directoryId", "must not be blank"),
                        new Violation("lastModified", "must not be null"),
                        new Violation("ttlSeconds", "must be greater than or equal to 30"));
    }

    @Test
    void everyBadFieldIsListedInOneGo() {
        DirectoryUpdated bad = new DirectoryUpdated("a/b", -1, LAST_MODIFIED, "h".repeat(129), 3601, "t".repeat(129));
        assertThat(violations(bad))
                .containsExactly(
                        new Violation("contentHash", "size must be between 0 and 128"),
                        new Violation("directoryId", "must match " + Ids.DIRECTORY_ID_REGEX),
                        new Violation("entryCount", "must be greater than or equal to 0"),
                        new Violation("traceId", "size must be between 0 and 128"),
                        new Violation("ttlSeconds", "must be less than or equal to 3600"));
    }

    @Test
    void unknownFieldsAreToleratedAndNotJsonFails() {
        DirectoryUpdated u = read("""
                {"directoryId":"internal_agents","entryCount":3,"lastModified":"2026-03-02T11:29:41Z",
                 "contentHash":"abc","ttlSeconds":60,"cdnHint":"purge"}
                """, DirectoryUpdated.class);
        assertThat(violations(u)).isEmpty();
        assertThatThrownBy(() -> Json.mapper().readValue("{\"entryCount\":\"lots\"}", DirectoryUpdated.class))
                .isInstanceOf(JsonProcessingException.class)
                .hasMessageContaining("entryCount");
        assertThatThrownBy(() -> Json.mapper().readValue("", DirectoryUpdated.class))
                .isInstanceOf(JsonProcessingException.class);
    }
}
