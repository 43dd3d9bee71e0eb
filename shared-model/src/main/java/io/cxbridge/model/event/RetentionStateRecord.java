package io.cxbridge.model.event;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.Instant;

/**
 * One entry of retention-svc's journal, {@code cxbridge.retention.state.v1} (compacted: the last entry of each key
 * is what counts; a record without a value forgets its key). retention-svc writes it before the state it describes
 * is acted on, and rebuilds its Redis state from the topic after Redis lost its data.
 *
 * <p>{@code kind} {@value #REQUEST}: keyed by {@code requestId}, {@code request} is the request's state as
 * retention-svc keeps it. {@code kind} {@value #POLICY_SET} (reserved for media retention): keyed by the policy
 * name, {@code policySet} is the last applied policy set. A reader skips kinds it does not know.
 */
public record RetentionStateRecord(
        @NotBlank @Size(max = 32) String kind,
        @Size(max = 128) String requestId,
        JsonNode request,
        JsonNode policySet,
        @NotNull Instant journaledAt) {

    public static final String REQUEST = "request";
    public static final String POLICY_SET = "policy-set";

    public static RetentionStateRecord request(String requestId, JsonNode state, Instant at) {
        return new RetentionStateRecord(REQUEST, requestId, state, null, at);
    }
}
