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

class DirectoryInvalidationTest {

    static final Instant ISSUED = Instant.parse("2026-03-02T11:30:00.104Z");

    static DirectoryInvalidation valid() {
        return new DirectoryInvalidation(
                "internal_agents",
                "roster changed",
                ISSUED,
                "directory-svc/replica-1",
                "9b1d3f5a7c9e4b2d8f0a1c3e5a7c9e1b");
    }

    @Test
    void roundTripsThroughJsonWithIsoInstants() throws Exception {
        String json = write(valid());
        JsonNode tree = Json.mapper().readTree(json);
        assertThat(tree.get("issuedAt").isTextual()).isTrue();
        assertThat(tree.get("issuedAt").asText()).isEqualTo("2026-03-02T11:30:00.104Z");
        assertThat(read(json, DirectoryInvalidation.class)).isEqualTo(valid());
    }

    @Test
    void validInvalidationHasNoViolations() {
        assertThat(violations(valid())).isEmpty();
        assertThat(violations(new DirectoryInvalidation("external_vendors", null, ISSUED, null, null)))
                .isEmpty();
    }

    @Test
    void missingRequiredFieldsAreAllReportedAtOnce() {
        assertThat(violations(read("{\"reason\":\"why not\"}", DirectoryInvalidation.class)))
                .containsExactly(
                        new Violation("directoryId", "must not be blank"),
                        new Violation("issuedAt", "must not be null"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a/b", "a b", "../x", "a.b", "dir?x=1", "ünicode"})
    void directoryIdOutsideThePatternIsRefused(String id) {
        assertThat(violations(new DirectoryInvalidation(id, null, ISSUED, null, null)))
                .containsExactly(new Violation("directoryId", "must match " + Ids.DIRECTORY_ID_REGEX));
    }

    @Test
    void lengthLimitsAreAllReportedTogether() {
        DirectoryInvalidation bad =
                new DirectoryInvalidation("d".repeat(129), "r".repeat(513), ISSUED, "o".repeat(257), "t".repeat(129));
        assertThat(fields(bad)).containsExactly("directoryId", "origin", "reason", "traceId");
    }

    @Test
    void appliesOnlyToEntriesLoadedAtOrBeforeIssuedAt() {
        DirectoryInvalidation inv = valid();
        assertThat(inv.appliesTo(ISSUED.minusSeconds(60)))
                .as("older entry is dropped")
                .isTrue();
        assertThat(inv.appliesTo(ISSUED))
                .as("entry loaded at the same instant is dropped")
                .isTrue();
        assertThat(inv.appliesTo(ISSUED.plusMillis(1)))
                .as("fresher entry is kept")
                .isFalse();
    }

    @Test
    void unknownFieldsAreToleratedAndNotJsonFails() {
        DirectoryInvalidation inv = read("""
                {"directoryId":"internal_agents","issuedAt":"2026-03-02T11:30:00.104Z","levels":["L1","L2"]}
                """, DirectoryInvalidation.class);
        assertThat(inv.issuedAt()).isEqualTo(ISSUED);
        assertThatThrownBy(() -> Json.mapper().readValue("internal_agents", DirectoryInvalidation.class))
                .isInstanceOf(JsonProcessingException.class);
    }
}
