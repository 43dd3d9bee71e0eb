package io.cxbridge.sim.retention;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cxbridge.model.Json;
import io.cxbridge.sim.config.RuntimeConfig;
import io.cxbridge.sim.http.Http;
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
        Http.readJson(ctx, config.settings().maxJsonBodyBytes(), body -> {
            RetentionService.Submission submission = retention.submit(body);
            if (submission instanceof RetentionService.Accepted accepted) {
                ctx.response().putHeader("x-job-id", accepted.jobId());
                ObjectNode answer = Json.mapper().createObjectNode();
                answer.put("jobId", accepted.jobId());
                Http.json(ctx, 202, answer);
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
                answer.put("contextId", Http.correlationId(ctx));
                Http.json(ctx, 409, answer);
            } else if (submission instanceof RetentionService.Invalid invalid) {
                Http.error(ctx, 400, Http.codeFor(400), invalid.message());
            }
        });
    }

    public void list(RoutingContext ctx) {
        int pageSize = Http.intParam(ctx, "pageSize", Paging.DEFAULT_PAGE_SIZE, 1);
        int pageNumber = Http.intParam(ctx, "pageNumber", 1, 1);
        listings.send(ctx, Paging.envelope(ctx, retention.policies(), pageSize, pageNumber));
    }

    public void policy(RoutingContext ctx, String id) {
        if ("DELETE".equals(ctx.request().method().name())) {
            if (retention.deletePolicy(id)) {
                Http.send(ctx, 204, Http.JSON, new byte[0]);
            } else {
                Http.notFound(ctx, "Retention policy " + id + " was not found");
            }
            return;
        }
        retention
                .policy(id)
                .ifPresentOrElse(
                        p -> Http.json(ctx, 200, p),
                        () -> Http.notFound(ctx, "Retention policy " + id + " was not found"));
    }

    public void job(RoutingContext ctx, String jobId) {
        retention
                .job(jobId)
                .ifPresentOrElse(
                        j -> Http.json(ctx, 200, j), () -> Http.notFound(ctx, "Job " + jobId + " was not found"));
    }
}
