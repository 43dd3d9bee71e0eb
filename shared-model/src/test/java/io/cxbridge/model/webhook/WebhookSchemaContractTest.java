package io.cxbridge.model.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxbridge.model.Json;
import io.cxbridge.model.event.DirectoryUpdated;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each webhook body is a record whose JSON is exactly what its schema in {@code docs/webhooks} describes. */
class WebhookSchemaContractTest {

    @ParameterizedTest
    @CsvSource({
        "retry-webhook.schema.json, io.cxbridge.model.webhook.RetryWebhookEvent",
        "retention-webhook.schema.json, io.cxbridge.model.webhook.RetentionWebhookEvent",
        "retention-drift-webhook.schema.json, io.cxbridge.model.webhook.RetentionDriftWebhookEvent",
        "directory-webhook.schema.json, io.cxbridge.model.event.DirectoryUpdated"
    })
    void theSchemaListsExactlyTheRecordsFieldsAndRequiresOnlyThem(String schema, Class<? extends Record> type)
            throws Exception {
        JsonNode doc = Json.mapper().readTree(Files.readString(docs().resolve(schema)));
        Set<String> fields = new HashSet<>(
                Arrays.stream(type.getRecordComponents()).map(c -> c.getName()).toList());
        assertThat(names(doc.path("properties").fieldNames())).isEqualTo(fields);
        Set<String> required = new HashSet<>();
        doc.path("required").forEach(r -> required.add(r.asText()));
        assertThat(fields).containsAll(required);
        assertThat(doc.path("additionalProperties").asBoolean(true)).isFalse();
    }

    @ParameterizedTest
    @CsvSource({
        "retry-webhook.schema.json",
        "retention-webhook.schema.json",
        "retention-drift-webhook.schema.json",
        "directory-webhook.schema.json"
    })
    void aSerialisedSampleHasEveryRequiredFieldWithItsType(String schema) throws Exception {
        JsonNode doc = Json.mapper().readTree(Files.readString(docs().resolve(schema)));
        Object sample = switch (schema) {
            case "retry-webhook.schema.json" ->
                new RetryWebhookEvent(
                        RetryWebhookEvent.SUCCESS,
                        "e-1",
                        "r-1",
                        "a-1",
                        null,
                        2,
                        200,
                        Instant.parse("2026-01-01T00:00:00Z"),
                        null);
            case "retention-webhook.schema.json" ->
                new RetentionWebhookEvent(
                        RetentionWebhookEvent.DEPLOYED,
                        "e-1",
                        "r-1",
                        "deployed",
                        "j-1",
                        "p-1",
                        "call",
                        12L,
                        null,
                        Instant.parse("2026-01-01T00:00:00Z"),
                        "t");
            case "retention-drift-webhook.schema.json" ->
                new RetentionDriftWebhookEvent(
                        RetentionDriftWebhookEvent.DRIFT_DETECTED,
                        "e-1",
                        "media-retention",
                        2,
                        java.util.List.of(java.util.Map.of(
                                "name", "calls", "policyId", "p-1", "change", "deleted", "diff", java.util.List.of())),
                        Instant.parse("2026-01-01T00:00:00Z"),
                        "t");
            default -> new DirectoryUpdated("queues", 3, Instant.parse("2026-01-01T00:00:00Z"), "h", 300, null);
        };
        JsonNode json = Json.mapper().valueToTree(sample);
        for (JsonNode r : doc.path("required")) {
            JsonNode value = json.path(r.asText());
            String expected =
                    doc.path("properties").path(r.asText()).path("type").asText();
            assertThat(value.isMissingNode() || value.isNull()).as(r.asText()).isFalse();
            if (expected.equals("integer")) {
                assertThat(value.isIntegralNumber()).as(r.asText()).isTrue();
            } else if (expected.equals("string")) {
                assertThat(value.isTextual()).as(r.asText()).isTrue();
            }
        }
        json.fieldNames()
                .forEachRemaining(
                        f -> assertThat(doc.path("properties").has(f)).as(f).isTrue());
    }

    /** docs/reference/retry.md spells the webhook's body out: every field of the record, and no other. */
    @Test
    void theRetryReferenceSpellsOutTheWholeBody() throws Exception {
        String doc = Files.readString(docs().resolveSibling("reference/retry.md"));
        int section = doc.indexOf("## Webhook");
        assertThat(section).as("retry.md has a section \"Webhook\"").isNotNegative();
        Matcher body = Pattern.compile("`\\{(event:[^`]*)}`").matcher(doc.substring(section));
        assertThat(body.find())
                .as("retry.md spells the body as `{event: ..., ...}`")
                .isTrue();
        Set<String> named = new HashSet<>();
        for (String field : body.group(1).replaceAll("\"[^\"]*\"", "").split(",")) {
            Matcher name = Pattern.compile("^\\s*(\\w+)").matcher(field);
            if (name.find()) {
                named.add(name.group(1));
            }
        }
        assertThat(named)
                .as("the fields retry.md names")
                .isEqualTo(new HashSet<>(Arrays.stream(RetryWebhookEvent.class.getRecordComponents())
                        .map(c -> c.getName())
                        .toList()));
    }

    private static Set<String> names(Iterator<String> it) {
        Set<String> out = new HashSet<>();
        it.forEachRemaining(out::add);
        return out;
    }

    /** {@code docs/webhooks} from the module's directory (surefire's working directory) or the root. */
    private static Path docs() {
        for (Path p = Path.of(System.getProperty("user.dir")).toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("docs/webhooks"))) {
                return p.resolve("docs/webhooks");
            }
        }
        throw new IllegalStateException("docs/webhooks not found above " + System.getProperty("user.dir"));
    }
}
