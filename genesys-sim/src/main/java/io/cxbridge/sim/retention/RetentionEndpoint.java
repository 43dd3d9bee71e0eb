package io.cxbridge.sim.retention;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cxbridge.model.Json;
import io.cxbridge.sim.config.RuntimeConfig;
import io.cxbridge.sim.http.GenesysErrors;
import io.cxbridge.sim.http.JsonAnswers;
import io.cxbridge.sim.http.QueryParams;
import io.cxbridge.sim.http.RequestBodies;
import io.cxbridge.sim.listing.Listings;
import io.cxbridge.sim.store.Paging;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Data management endpoints (the seed designs' contract, not published Genesys endpoints):
 * <ul>
 * <li>{@code POST /api/v2/datamanagement/retention/policies}: 202, header {@code x-job-id} and body
 * {@code {"jobId"}}; 409 {@code {code: "conflict", message, status, conflictingPolicyIds, contextId}} when a
 * stored policy has the same objectType and a retentionPeriod within 15 days (inclusive) and is not named in
 * {@code replacesPolicyIds}; 400 without objectType or retentionPeriod.</li>
 * <li>{@code GET .../retention/policies} (Genesys list envelope), {@code GET/DELETE .../policies/{id}}.</li>
 * <li>{@code GET /api/v2/datamanagement/jobs/{jobId}}: {@code {id, status: RUNNING|COMPLETED|FAILED,
 * dateCreated, dateCompleted?, result?: {policyId}, errorMessage?}}.</li>
 * </ul>
 */
@ApplicationScoped
public class RetentionEndpoint {

    private final RetentionService retention;
    private final RuntimeConfig config;
    private final Listings listings;

    public RetentionEndpoint(RetentionService retention, RuntimeConfig config, Listings listings) {
        this.retention = retention;
        this.config = config;
        this.listings = listings;
    }

    public void submit(RoutingContext ctx) {
        RequestBodies.readJson(ctx, config.settings().maxJsonBodyBytes(), body -> {
            RetentionService.Submission submission = retention.submit(body);
            if (submission instanceof RetentionService.Accepted accepted) {
                ctx.response().putHeader("x-job-id", accepted.jobId());
                ObjectNode answer = Json.mapper().createObjectNode();
                answer.put("jobId", accepted.jobId());
                JsonAnswers.json(ctx, 202, answer);
            } else if (submission instanceof RetentionService.Conflict conflict) {
                ObjectNode answer = Json.mapper().createObjectNode();
                answer.put("code", "conflict");
                answer.put("status", 409);
                answer.put(
                        "message",
                        "The policy overlaps " + conflict.conflictingPolicyIds().size()
                                + " existing " + conflict.objectType() + " policy(ies) with a retention period within "
                                + RetentionService.OVERLAP_DAYS
                                + " days; name them in replacesPolicyIds to replace them");
                answer.putPOJO("conflictingPolicyIds", conflict.conflictingPolicyIds());
                answer.put("contextId", GenesysErrors.correlationId(ctx));
                JsonAnswers.json(ctx, 409, answer);
            } else if (submission instanceof RetentionService.Invalid invalid) {
                GenesysErrors.error(ctx, 400, GenesysErrors.codeFor(400), invalid.message());
            }
        });
    }

    public void list(RoutingContext ctx) {
        int pageSize = QueryParams.intParam(ctx, "pageSize", Paging.DEFAULT_PAGE_SIZE, 1);
        int pageNumber = QueryParams.intParam(ctx, "pageNumber", 1, 1);
        listings.send(ctx, Paging.envelope(ctx, retention.policies(), pageSize, pageNumber));
    }

    public void policy(RoutingContext ctx, String id) {
        if ("DELETE".equals(ctx.request().method().name())) {
            if (retention.deletePolicy(id)) {
                JsonAnswers.send(ctx, 204, JsonAnswers.JSON, new byte[0]);
            } else {
                GenesysErrors.notFound(ctx, "Retention policy " + id + " was not found");
            }
            return;
        }
        retention
                .policy(id)
                .ifPresentOrElse(
                        p -> JsonAnswers.json(ctx, 200, p),
                        () -> GenesysErrors.notFound(ctx, "Retention policy " + id + " was not found"));
    }

    public void job(RoutingContext ctx, String jobId) {
        retention
                .job(jobId)
                .ifPresentOrElse(
                        j -> JsonAnswers.json(ctx, 200, j),
                        () -> GenesysErrors.notFound(ctx, "Job " + jobId + " was not found"));
    }
}
