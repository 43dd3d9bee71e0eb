package io.cxbridge.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxbridge.model.audit.AuditEvent;
import io.cxbridge.model.audit.AuditTypes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/reference/events.md}'s "Audit events" names every audit type ({@link AuditTypes}) and every header an
 * audit event is sent with ({@link AuditEvent#kafkaHeaders()}); {@link AsyncApiContractTest} holds
 * {@code docs/asyncapi.yaml} to the same.
 */
class EventsReferenceTest {

    private static final Pattern CODE_SPAN = Pattern.compile("`([^`]+)`");

    @Test
    void theAuditTableNamesEveryAuditTypeAndNoOther() throws IOException {
        assertThat(documentedTypes(auditSection())).containsExactlyInAnyOrderElementsOf(AuditTypes.ALL);
    }

    @Test
    void theAuditSectionNamesEveryHeaderAnEventIsSentWith() throws IOException {
        String section = auditSection();
        AuditEvent event = AuditEvent.create(
                "retention-svc", AuditTypes.RETENTION_DRIFT_DETECTED, "p-1", "t-1", Instant.now(), null);
        assertThat(event.kafkaHeaders().keySet())
                .as("headers of an audit event")
                .contains(AuditEvent.H_TRACEID)
                .allSatisfy(
                        h -> assertThat(section).as("events.md, Audit events").contains("`" + h));
    }

    @Test
    void aTypeAfterTheFirstOfACellIsItsSiblingByItsLastPart() {
        String table = """
                | type | sent when |
                |---|---|
                | `io.cxbridge.retry.succeeded`, `.attempt-failed` | a run's outcomes |
                | `io.cxbridge.gateway.request` | once per request |
                """;
        assertThat(documentedTypes(table))
                .containsExactlyInAnyOrder(
                        "io.cxbridge.retry.succeeded",
                        "io.cxbridge.retry.attempt-failed",
                        "io.cxbridge.gateway.request");
    }

    /**
     * The types the first column of the table names: a full type ({@code io.cxbridge.retry.succeeded}), and after it
     * in the same cell its siblings by their last part ({@code .attempt-failed}).
     */
    static Set<String> documentedTypes(String section) {
        Set<String> types = new TreeSet<>();
        Matcher row = Pattern.compile("(?m)^\\| (`io\\.cxbridge\\.[^|]*) \\|").matcher(section);
        while (row.find()) {
            String family = null;
            Matcher span = CODE_SPAN.matcher(row.group(1));
            while (span.find()) {
                String name = span.group(1);
                if (name.startsWith(".") && family != null) {
                    types.add(family + name);
                } else {
                    types.add(name);
                    family = name.substring(0, name.lastIndexOf('.'));
                }
            }
        }
        return types;
    }

    /** From "## Audit events" to the next section. */
    private static String auditSection() throws IOException {
        String doc = Files.readString(eventsReference());
        int from = doc.indexOf("## Audit events");
        assertThat(from).as("events.md has a section \"Audit events\"").isNotNegative();
        int to = doc.indexOf("\n## ", from + 1);
        return doc.substring(from, to < 0 ? doc.length() : to);
    }

    private static Path eventsReference() {
        return AsyncApiContractTest.asyncApiFile().resolveSibling("reference/events.md");
    }
}
