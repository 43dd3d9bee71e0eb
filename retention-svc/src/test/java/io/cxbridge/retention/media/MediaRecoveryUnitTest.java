package io.cxbridge.retention.media;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cxbridge.model.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How the recovery tells from the policies Genesys holds whether a stopped process's write was taken. */
class MediaRecoveryUnitTest {

    static ObjectNode policy(String name, int days) throws Exception {
        return (ObjectNode) Json.mapper().readTree("""
                {"name": "%s", "description": "Retain call recordings [managed-by: cxbridge]", "enabled": true,
                 "mediaPolicies": {"callPolicy": {"conditions": {},
                 "actions": {"retentionDuration": {"deleteRetention": {"days": %d}}}}}}""".formatted(name, days));
    }

    static ObjectNode held(String id, JsonNode body) {
        ObjectNode p = body.deepCopy();
        p.put("id", id);
        p.put("selfUri", "/api/v2/recording/mediaretentionpolicies/" + id);
        return p;
    }

    static PendingWrites.PendingWrite write(String action, String policyId, JsonNode body) {
        return new PendingWrites.PendingWrite("r1", "gone", "t", "calls", action, "call", policyId, null, null, body);
    }

    @Test
    void aCreateIsTakenWhenAManagedPolicyOfItsNameHoldsItsContent() throws Exception {
        JsonNode body = policy("calls", 90);
        MediaRecovery.Verdict v = MediaRecovery.judge(
                write(MediaPlan.CREATE, null, body), List.of(held("other", policy("other", 90)), held("p1", body)));
        assertThat(v.taken()).isTrue();
        assertThat(v.policyId()).isEqualTo("p1");

        MediaRecovery.Verdict absent =
                MediaRecovery.judge(write(MediaPlan.CREATE, null, body), List.of(held("other", policy("other", 90))));
        assertThat(absent.taken()).as("nothing of that name: never written").isFalse();
        assertThat(absent.reason()).contains("apply the file again");

        ObjectNode byHand = held("h1", body);
        byHand.put("description", "made by hand");
        assertThat(MediaRecovery.judge(write(MediaPlan.CREATE, null, body), List.of(byHand))
                        .taken())
                .as("a policy of that name not managed by cxbridge is not ours")
                .isFalse();

        MediaRecovery.Verdict differs =
                MediaRecovery.judge(write(MediaPlan.CREATE, null, body), List.of(held("p2", policy("calls", 30))));
        assertThat(differs.taken()).isFalse();
        assertThat(differs.reason()).contains("p2").contains("plan the file again");
    }

    @Test
    void anUpdateIsTakenWhenItsPolicyHoldsItsContentAndADeleteWhenItsPolicyIsGone() throws Exception {
        JsonNode body = policy("calls", 120);
        assertThat(MediaRecovery.judge(write(MediaPlan.UPDATE, "p1", body), List.of(held("p1", body)))
                        .taken())
                .isTrue();
        MediaRecovery.Verdict before =
                MediaRecovery.judge(write(MediaPlan.UPDATE, "p1", body), List.of(held("p1", policy("calls", 90))));
        assertThat(before.taken())
                .as("still the old content: the PUT never landed")
                .isFalse();
        assertThat(MediaRecovery.judge(write(MediaPlan.UPDATE, "p1", body), List.of())
                        .reason())
                .contains("no longer exists");

        assertThat(MediaRecovery.judge(write(MediaPlan.DELETE, "p1", null), List.of(held("p2", body)))
                        .taken())
                .isTrue();
        assertThat(MediaRecovery.judge(write(MediaPlan.DELETE, "p1", null), List.of(held("p1", body)))
                        .taken())
                .isFalse();
    }
}
