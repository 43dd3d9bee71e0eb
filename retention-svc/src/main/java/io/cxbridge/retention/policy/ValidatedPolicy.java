package io.cxbridge.retention.policy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cxbridge.model.problem.Violation;
import java.util.List;

/**
 * The outcome of validating one policy: either violations, or the normalised policy and the upstream payload
 * built from it with its defaults.
 */
public record ValidatedPolicy(RetentionPolicy policy, ObjectNode payload, List<Violation> violations) {

    public boolean valid() {
        return violations.isEmpty();
    }

    public String objectType() {
        return payload == null
                ? null
                : PolicyRules.objectType(policy.objectType()).orElse(null);
    }

    public int retentionPeriod() {
        return payload == null ? 0 : policy.retentionPeriod();
    }
}
