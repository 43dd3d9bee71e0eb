package io.cxbridge.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxbridge.common.kafka.RecordCheck;
import io.cxbridge.fulfillment.dlq.JobDeadLetterWriter;
import io.cxbridge.fulfillment.worker.FulfillmentWorker;
import io.cxbridge.retention.worker.RequestDeadLetters;
import io.cxbridge.retry.dlq.RunDeadLetterWriter;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The {@code cxbridge-error-class} values docs/asyncapi.yaml shows are the ones the services send: its examples use
 * only those, and its header description names every one (a consumer filters dead letters by them).
 */
class DeadLetterClassesDocTest {

    /** Every class a service writes on a dead letter. */
    private static final Set<String> SENT = new TreeSet<>(List.of(
            RunDeadLetterWriter.INVALID,
            RunDeadLetterWriter.REJECTED,
            RunDeadLetterWriter.EXHAUSTED,
            JobDeadLetterWriter.INVALID_JOB,
            FulfillmentWorker.URL_REFUSED,
            FulfillmentWorker.TOKEN_UNREADABLE,
            FulfillmentWorker.STATE_UNREADABLE,
            FulfillmentWorker.CALLBACK_FAILED,
            RequestDeadLetters.INVALID_REQUEST,
            RequestDeadLetters.STATE_UNREADABLE,
            RecordCheck.TOO_LARGE,
            RecordCheck.MALFORMED_HEADER,
            RecordCheck.UNKNOWN_HEADER,
            RecordCheck.UNKNOWN_SCHEMA_VERSION));

    private final String asyncApi = Repo.read(Repo.path("docs/asyncapi.yaml"));

    @Test
    void theExamplesShowOnlyClassesAServiceSends() {
        Set<String> shown = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^\\s+cxbridge-error-class: '?([^'\\s]+)'?\\s*$")
                .matcher(asyncApi);
        while (m.find()) {
            shown.add(m.group(1));
        }
        assertThat(shown).as("dead-letter examples in docs/asyncapi.yaml").isNotEmpty();
        assertThat(SENT).as("classes the services send").containsAll(shown);
    }

    @Test
    void theHeaderDescriptionNamesEveryClass() {
        int at = asyncApi.indexOf("cxbridge-error-class:\n");
        assertThat(at).as("the DeadLetterHeaders schema's cxbridge-error-class").isPositive();
        String description = asyncApi.substring(at, asyncApi.indexOf("cxbridge-error-reason:", at));
        for (String errorClass : SENT) {
            // a whole class name, not a part of another ("invalid" in "invalid-job")
            assertThat(description)
                    .as("the description names " + errorClass)
                    .containsPattern("(?<![\\w-])" + Pattern.quote(errorClass) + "(?![\\w-])");
        }
    }
}
