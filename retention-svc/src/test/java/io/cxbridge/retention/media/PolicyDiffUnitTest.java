package io.cxbridge.retention.media;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxbridge.model.Json;
import org.junit.jupiter.api.Test;

class PolicyDiffUnitTest {

    static JsonNode call(String conditions, int days) throws Exception {
        return Json.mapper().readTree("""
                {"name": "p", "enabled": true, "mediaPolicies": {"callPolicy": {"conditions": %s,
                 "actions": {"retentionDuration": {"deleteRetention": {"days": %d}}}}}}""".formatted(conditions, days));
    }

    @Test
    void overlapNeedsEveryCommonConditionToIntersect() throws Exception {
        JsonNode sales =
                call("{\"forQueues\": [{\"id\": \"q1\"}, {\"id\": \"q2\"}], \"directions\": [\"INBOUND\"]}", 30);
        assertThat(PolicyDiff.overlap(sales, call("{\"forQueues\": [{\"id\": \"q2\"}]}", 90), "callPolicy"))
                .as("q2 in both, directions absent from one means all")
                .isTrue();
        assertThat(PolicyDiff.overlap(sales, call("{}", 90), "callPolicy"))
                .as("no conditions: everything")
                .isTrue();
        assertThat(PolicyDiff.overlap(sales, call("{\"forQueues\": [{\"id\": \"q3\"}]}", 90), "callPolicy"))
                .isFalse();
        assertThat(PolicyDiff.overlap(
                        sales,
                        call("{\"forQueues\": [{\"id\": \"q1\"}], \"directions\": [\"OUTBOUND\"]}", 90),
                        "callPolicy"))
                .as("queues meet, directions do not")
                .isFalse();
        assertThat(PolicyDiff.overlap(sales, call("{}", 90), "chatPolicy"))
                .as("another media type")
                .isFalse();
    }

    @Test
    void emptyListsNullsAndOrderAreNoChangeButAValueIs() throws Exception {
        JsonNode applied = call("{\"forQueues\": [{\"id\": \"q1\"}, {\"id\": \"q2\"}]}", 30);
        JsonNode echoed = Json.mapper().readTree("""
                {"id": "x", "name": "p", "enabled": true, "order": 3, "selfUri": "/x", "mediaPolicies": {"callPolicy":
                 {"conditions": {"forQueues": [{"id": "q2", "name": "Two"}, {"id": "q1"}], "forUsers": [],
                  "dateRanges": []}, "actions": {"assignEvaluations": [], "retentionDuration":
                  {"deleteRetention": {"days": 30}, "archiveRetention": null}}}, "chatPolicy": null}}""");
        assertThat(PolicyDiff.diff(applied, echoed)).isEmpty();
        assertThat(PolicyDiff.diff(applied, call("{\"forQueues\": [{\"id\": \"q1\"}]}", 31)))
                .extracting(PolicyDiff.Change::path)
                .containsExactly(
                        "mediaPolicies.callPolicy.actions.retentionDuration.deleteRetention.days",
                        "mediaPolicies.callPolicy.conditions.forQueues");
        assertThat(PolicyDiff.deleteAfterDays(applied, "callPolicy")).isEqualTo(30);
        assertThat(PolicyDiff.deleteAfterDays(applied, "emailPolicy")).isNull();
    }
}
