package io.cxbridge.retention.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxbridge.common.messaging.InfrastructureRetry;
import io.cxbridge.common.problem.ProblemResponses;
import io.cxbridge.common.trace.TraceIds;
import io.cxbridge.model.event.RetentionRequest;
import io.cxbridge.model.problem.Violation;
import io.cxbridge.retention.config.RetentionConfig;
import io.cxbridge.retention.estimate.StorageEstimate;
import io.cxbridge.retention.estimate.StorageEstimator;
import io.cxbridge.retention.media.MediaTargets;
import io.cxbridge.retention.policy.PolicyRules;
import io.cxbridge.retention.policy.PolicyValidator;
import io.cxbridge.retention.policy.RetentionPolicy;
import io.cxbridge.retention.policy.ValidatedPolicy;
import io.cxbridge.retention.report.RetentionReport;
import io.cxbridge.retention.state.RequestRecord;
import io.cxbridge.retention.state.RequestStore;
import io.cxbridge.retention.worker.RetentionUpstream;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/** The retention API (SPEC retention-svc). Every error is problem+json; validation lists every violation. */
@Path("/v1/retention")
@Produces(MediaType.APPLICATION_JSON)
public class RetentionResource {

    static final String YAML = "application/yaml";
    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(RetentionResource.class);
    private static final java.time.Duration COUNTER_RETRY = java.time.Duration.ofMillis(100);

    private final PolicyValidator validator;
    private final RequestPublisher publisher;
    private final RequestStore store;
    private final RetentionUpstream upstream;
    private final RetentionReport report;
    private final RetentionConfig config;
    private final MediaRetentionApi media;

    public RetentionResource(
            PolicyValidator validator,
            RequestPublisher publisher,
            RequestStore store,
            RetentionUpstream upstream,
            RetentionReport report,
            RetentionConfig config,
            MediaRetentionApi media) {
        this.validator = validator;
        this.media = media;
        this.publisher = publisher;
        this.store = store;
        this.upstream = upstream;
        this.report = report;
        this.config = config;
    }

    @POST
    @Path("/policies")
    @Consumes({MediaType.APPLICATION_JSON, YAML, "application/x-yaml", "text/yaml"})
    @Operation(
            summary = "Validate a retention policy and queue it for deployment",
            description = "The body is the flat policy {name, description, objectType, retentionPeriod, enabled, "
                    + "schedule {frequency, dayOfWeek, dayOfMonth, timezone}, filters, tags, licenseTier, dailyVolumeGB}. "
                    + "202 {requestId} once the request is on cxbridge.retention.requests.v1; follow it at "
                    + "GET /v1/retention/requests/{requestId}.")
    @APIResponse(responseCode = "202", description = "queued: {requestId}")
    @APIResponse(
            responseCode = "400",
            description = "problem+json listing every violation (a media-retention list of more than "
                    + "cxbridge.retention.max-policies-per-request policies: one violation on policies; a policy "
                    + "serialising to more than 256 KiB: one violation on the field that weighs most, e.g. "
                    + "filters.queues or tags); nothing is queued")
    @APIResponse(
            responseCode = "413",
            description = "the broker refused the request as larger than one Kafka record (validation bounds the "
                    + "policy, so this is a last resort); sent again it fails again")
    @APIResponse(responseCode = "503", description = "the broker did not take the request; retry")
    public Uni<Response> submit(
            @RequestBody(
                            content = {
                                @Content(
                                        mediaType = MediaType.APPLICATION_JSON,
                                        schema = @Schema(implementation = RetentionPolicy.class)),
                                @Content(mediaType = YAML, schema = @Schema(implementation = RetentionPolicy.class))
                            })
                    String body,
            @HeaderParam("Content-Type") String contentType,
            @Parameter(description = TARGET) @QueryParam("target") String target) {
        Target t = target(target, null);
        if (t.refusal() != null) {
            return Uni.createFrom().item(t.refusal());
        }
        if (t.media()) {
            return parsed(body, contentType, node -> media.apply(node, false));
        }
        return withValidPolicy(
                body,
                contentType,
                v -> enqueue(v)
                        .map(id -> Response.accepted(Map.of("requestId", id)).build())
                        .onFailure()
                        .recoverWithItem(RetentionResource::unavailable));
    }

    @POST
    @Path("/plan")
    @Consumes({MediaType.APPLICATION_JSON, YAML, "application/x-yaml", "text/yaml"})
    @Operation(
            summary = "Validate a policy and show its storage estimate and overlaps, deploying nothing",
            description = "200 {policy (the payload that would be sent), estimate, overlaps, mergedRetentionPeriod}. "
                    + "overlaps are existing policies of the same objectType within the overlap window (15 days). "
                    + "With ?target=media-retention the body may be a file (a list, or {policies: [...]}) of at most "
                    + "cxbridge.retention.max-policies-per-request (100) policies.")
    @APIResponse(responseCode = "200", description = "the plan")
    @APIResponse(
            responseCode = "400",
            description = "problem+json listing every violation (dailyVolumeGB: a finite number from 0 to "
                    + "1,000,000; a list longer than max-policies-per-request: one violation on policies)")
    @APIResponse(responseCode = "502", description = "the existing policies could not be listed")
    public Uni<Response> plan(
            @RequestBody(
                            content = {
                                @Content(
                                        mediaType = MediaType.APPLICATION_JSON,
                                        schema = @Schema(implementation = RetentionPolicy.class)),
                                @Content(mediaType = YAML, schema = @Schema(implementation = RetentionPolicy.class))
                            })
                    String body,
            @HeaderParam("Content-Type") String contentType,
            @Parameter(description = TARGET) @QueryParam("target") String target,
            @Parameter(description = PRUNE) @QueryParam("prune") String prune) {
        Target t = target(target, prune);
        if (t.refusal() != null) {
            return Uni.createFrom().item(t.refusal());
        }
        if (t.media()) {
            return parsed(body, contentType, node -> media.plan(node, t.prune()));
        }
        return withValidPolicy(
                body,
                contentType,
                // Only the listing is a 502: a failure of the plan itself is not Genesys's.
                v -> upstream.policies()
                        .onItemOrFailure()
                        .transform((existing, e) -> e != null
                                ? ProblemResponses.of(
                                        502,
                                        "Bad Gateway",
                                        "the existing policies could not be listed from Genesys: " + e.getMessage())
                                : Response.ok(plan(v, existing)).build()));
    }

    @POST
    @Path("/apply")
    @Consumes({MediaType.APPLICATION_JSON, YAML, "application/x-yaml", "text/yaml"})
    @Operation(
            summary = "Plan a list of policies and deploy the valid ones",
            description = "The body is a list of at most cxbridge.retention.max-policies-per-request (100) policies "
                    + "(JSON array, or a YAML sequence with Content-Type application/yaml; {policies: [...]} is "
                    + "accepted too). Every policy is validated and planned before the first is queued. 200 "
                    + "{accepted, rejected, results: [{index, name, status: queued|invalid|unavailable, requestId, "
                    + "estimate, overlaps, mergedRetentionPeriod, violations, error}]}: invalid policies are reported "
                    + "and not queued; once the broker refuses one, the rest are not tried (unavailable).")
    @APIResponse(responseCode = "200", description = "each policy's outcome")
    @APIResponse(
            responseCode = "400",
            description = "the body is not a list of policies, or holds more than max-policies-per-request "
                    + "(one violation on policies); nothing is queued")
    public Uni<Response> apply(
            @RequestBody(
                            content = {
                                @Content(
                                        mediaType = MediaType.APPLICATION_JSON,
                                        schema =
                                                @Schema(
                                                        type = SchemaType.ARRAY,
                                                        implementation = RetentionPolicy.class)),
                                @Content(
                                        mediaType = YAML,
                                        schema =
                                                @Schema(
                                                        type = SchemaType.ARRAY,
                                                        implementation = RetentionPolicy.class))
                            })
                    String body,
            @HeaderParam("Content-Type") String contentType,
            @Parameter(description = TARGET) @QueryParam("target") String target,
            @Parameter(description = PRUNE) @QueryParam("prune") String prune) {
        Target t = target(target, prune);
        if (t.refusal() != null) {
            return Uni.createFrom().item(t.refusal());
        }
        if (t.media()) {
            return parsed(body, contentType, node -> media.apply(node, t.prune()));
        }
        return parsed(body, contentType, node -> applySeed(node));
    }

    /**
     * The seed target's apply: every policy is validated and planned before the first is queued, so that past that
     * point only the broker can refuse one, and that is reported on the policy (never an error answer after part of
     * the list was queued). Invalid policies are reported and not queued (SPEC: deploy the valid ones, report each).
     * Once the broker refused one, the rest are not tried: each would wait {@code publish-ack-timeout} in turn.
     */
    private Uni<Response> applySeed(JsonNode node) {
        JsonNode list = node.isObject() && node.has("policies") ? node.get("policies") : node;
        if (!list.isArray() || list.isEmpty()) {
            return Uni.createFrom()
                    .item(ProblemResponses.validation(
                            List.of(new Violation("body", "must be a non-empty list of policies"))));
        }
        List<ValidatedPolicy> validated = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            validated.add(validator.validate(list.get(i), "[" + i + "]."));
        }
        return upstream.policies().onFailure().recoverWithItem(e -> null).chain(existing -> {
            List<Map<String, Object>> results = new ArrayList<>();
            for (int i = 0; i < validated.size(); i++) {
                ValidatedPolicy v = validated.get(i);
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("index", i);
                result.put("name", list.get(i).path("name").asText(null));
                if (!v.valid()) {
                    result.put("status", "invalid");
                    result.put("violations", v.violations());
                } else if (existing != null) {
                    result.putAll(plan(v, existing));
                    result.remove("policy");
                }
                results.add(result);
            }
            // Whether the broker took every request so far.
            Uni<Boolean> chain = Uni.createFrom().item(true);
            for (int i = 0; i < validated.size(); i++) {
                ValidatedPolicy v = validated.get(i);
                Map<String, Object> result = results.get(i);
                if (!v.valid()) {
                    continue;
                }
                chain = chain.chain(brokerTook -> {
                    if (!brokerTook) {
                        result.put("status", "unavailable");
                        result.put(
                                "error",
                                "not queued: the broker did not take an earlier policy of this list; apply the "
                                        + "unavailable ones again");
                        return Uni.createFrom().item(false);
                    }
                    return enqueue(v)
                            .map(id -> {
                                result.put("status", "queued");
                                result.put("requestId", id);
                                return true;
                            })
                            .onFailure()
                            .recoverWithItem(e -> {
                                result.put("status", "unavailable");
                                result.put("error", "the broker did not take the request; apply it again");
                                return false;
                            });
                });
            }
            return chain.map(ignored -> {
                long accepted = results.stream()
                        .filter(r -> "queued".equals(r.get("status")))
                        .count();
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("accepted", accepted);
                out.put("rejected", results.size() - accepted);
                out.put("results", results);
                return Response.ok(out).build();
            });
        });
    }

    /** Parses and validates one policy; a malformed or invalid body is refused with 400 before {@code then} runs. */
    private Uni<Response> withValidPolicy(
            String body, String contentType, Function<ValidatedPolicy, Uni<Response>> then) {
        return parsed(body, contentType, node -> {
            ValidatedPolicy v = validator.validate(node, "");
            return v.valid() ? then.apply(v) : Uni.createFrom().item(ProblemResponses.validation(v.violations()));
        });
    }

    /**
     * Parses the body (JSON, or YAML by Content-Type); a malformed one, or a list (an array, or {@code {policies:
     * [...]}}) of more than {@code max-policies-per-request} policies, is refused with 400 before {@code then}.
     */
    private Uni<Response> parsed(String body, String contentType, Function<JsonNode, Uni<Response>> then) {
        JsonNode node;
        try {
            node = PolicyBodies.parse(body, contentType);
        } catch (IllegalArgumentException e) {
            return malformed(e);
        }
        JsonNode list = node.isObject() && node.has("policies") ? node.get("policies") : node;
        int max = config.maxPoliciesPerRequest();
        if (list.isArray() && list.size() > max) {
            return Uni.createFrom()
                    .item(ProblemResponses.validation(List.of(new Violation(
                            "policies",
                            "must hold at most " + max + " policies per request (it holds " + list.size()
                                    + "); nothing was planned or queued"))));
        }
        return then.apply(node);
    }

    static final String TARGET = "media-retention (Genesys Cloud's media retention policies) or seed (the seed's "
            + "datamanagement contract); cxbridge.retention.default-target when absent";
    static final String PRUNE =
            "media-retention only: true plans (and applies) the deletion of managed policies " + "absent from the file";

    /** The request's target and prune flag, or the 400 that refuses them. */
    private record Target(String name, boolean prune, Response refusal) {
        boolean media() {
            return MediaTargets.MEDIA_RETENTION.equals(name);
        }
    }

    private Target target(String target, String prune) {
        List<Violation> violations = new ArrayList<>();
        String name = target == null || target.isBlank() ? config.defaultTarget() : target.trim();
        if (!MediaTargets.ALL.contains(name)) {
            violations.add(new Violation(
                    "target", "must be one of " + String.join(", ", config.targets()) + " (was '" + name + "')"));
        } else if (!config.targets().contains(name)) {
            violations.add(new Violation(
                    "target", name + " is not enabled here (enabled: " + String.join(", ", config.targets()) + ")"));
        }
        boolean pruning = "true".equalsIgnoreCase(prune);
        if (prune != null && !pruning && !"false".equalsIgnoreCase(prune)) {
            violations.add(new Violation("prune", "must be true or false"));
        } else if (pruning && !MediaTargets.MEDIA_RETENTION.equals(name)) {
            violations.add(new Violation("prune", "applies to the media-retention target only"));
        }
        return new Target(name, pruning, violations.isEmpty() ? null : ProblemResponses.validation(violations));
    }

    private static Uni<Response> malformed(IllegalArgumentException e) {
        return Uni.createFrom().item(ProblemResponses.of(400, "Malformed request", e.getMessage()));
    }

    @GET
    @Path("/requests/{requestId}")
    @Operation(
            summary = "A request's state and history",
            description = "{requestId, state (queued|submitted|polling|deployed|failed), history [{state, at}], jobId, "
                    + "policyId, mergedRetentionPeriod, replacedPolicyIds, latencyMs, error}")
    @APIResponse(responseCode = "200", description = "the request")
    @APIResponse(responseCode = "404", description = "no such request")
    public Uni<Response> request(@PathParam("requestId") String requestId) {
        return store.get(requestId)
                .map(found -> found.map(r -> Response.ok(view(r)).build())
                        .orElseGet(() -> ProblemResponses.of(404, "Not Found", "no retention request " + requestId)));
    }

    @GET
    @Path("/estimate")
    @Operation(
            summary = "Projected storage of a retention",
            description = "GB = retentionDays x dailyVolumeGB x the objectType's multiplier (call 1.2, chat 0.8, "
                    + "email 1.5, task 0.4, interaction 1.0, sms 0.3); TB = GB / 1024; riskLevel HIGH above 50 TB, "
                    + "MEDIUM above 20 TB, else LOW.")
    @APIResponse(
            responseCode = "200",
            description =
                    "{objectType, retentionDays, dailyVolumeGB, projectedStorageGB, projectedStorageTB, riskLevel}")
    @APIResponse(responseCode = "400", description = "problem+json listing every invalid parameter")
    public Response estimate(
            @Parameter(description = "call, chat, email, task, interaction or sms") @QueryParam("objectType")
                    String objectType,
            @Parameter(description = "days, at least 1") @QueryParam("retentionDays") String retentionDays,
            @Parameter(description = "GB a day, from 0 to 1,000,000") @QueryParam("dailyVolumeGB")
                    String dailyVolumeGB) {
        List<Violation> violations = new ArrayList<>();
        String type = PolicyRules.objectType(objectType).orElse(null);
        if (type == null) {
            violations.add(
                    new Violation("objectType", "must be one of " + String.join(", ", PolicyRules.OBJECT_TYPES)));
        }
        Integer days = null;
        try {
            days = Integer.valueOf(retentionDays == null ? "" : retentionDays.trim());
            if (days < 1) {
                violations.add(new Violation("retentionDays", "must be at least 1"));
            }
        } catch (NumberFormatException e) {
            violations.add(new Violation("retentionDays", "must be a whole number of days"));
        }
        Double volume = null;
        try {
            volume = Double.valueOf(dailyVolumeGB == null ? "" : dailyVolumeGB.trim());
            if (!(volume >= 0 && volume <= RetentionPolicy.MAX_DAILY_VOLUME_GB)) {
                violations.add(new Violation("dailyVolumeGB", PolicyValidator.DAILY_VOLUME_RULE));
            }
        } catch (NumberFormatException e) {
            violations.add(new Violation("dailyVolumeGB", PolicyValidator.DAILY_VOLUME_RULE));
        }
        if (!violations.isEmpty()) {
            return ProblemResponses.validation(violations);
        }
        return Response.ok(StorageEstimator.estimate(type, days, volume)).build();
    }

    @GET
    @Path("/report")
    @Operation(
            summary = "What retention-svc did",
            description = "{totalRequests, deployed, failed, inFlight, successRate, conflictRate, averageLatencyMs}: "
                    + "rates over finished requests, latency over finished requests, from the recorded outcomes.")
    @APIResponse(responseCode = "200", description = "the report")
    public Uni<Map<String, Object>> report() {
        return report.compute();
    }

    private Uni<String> enqueue(ValidatedPolicy v) {
        String requestId = UUID.randomUUID().toString();
        com.fasterxml.jackson.databind.node.ObjectNode payload = v.payload().deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) payload.get("tags")).put("cxbridgeRequestId", requestId);
        RetentionRequest request = new RetentionRequest(requestId, payload, false, TraceIds.current());
        return publisher
                .publish(request, v.objectType())
                // The broker has it, so it will deploy: a counter that fails now must not turn that into a 503
                // (a resend would deploy it twice). Retried briefly, then logged; the report under-counts one.
                .call(() -> report.submitted()
                        .onFailure()
                        .retry()
                        .withBackOff(COUNTER_RETRY)
                        .atMost(2)
                        .onFailure()
                        .recoverWithItem(e -> {
                            LOG.warnf(
                                    "retention request %s is queued but was not counted in the report: %s",
                                    requestId, e.toString());
                            return null;
                        }))
                .replaceWith(requestId);
    }

    private Map<String, Object> plan(ValidatedPolicy v, List<JsonNode> existing) {
        List<JsonNode> overlaps =
                RetentionUpstream.overlaps(existing, v.objectType(), v.retentionPeriod(), config.overlapWindowDays());
        int merged = overlaps.stream()
                .mapToInt(p -> p.path("retentionPeriod").asInt())
                .reduce(v.retentionPeriod(), Math::max);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("policy", v.payload());
        Double volume = v.policy().dailyVolumeGB();
        StorageEstimate estimate =
                volume == null ? null : StorageEstimator.estimate(v.objectType(), v.retentionPeriod(), volume);
        out.put("estimate", estimate);
        out.put(
                "overlaps",
                overlaps.stream()
                        .map(p -> {
                            Map<String, Object> o = new LinkedHashMap<>();
                            o.put("policyId", p.path("id").asText(null));
                            o.put("name", p.path("name").asText(null));
                            o.put("objectType", p.path("objectType").asText(null));
                            o.put("retentionPeriod", p.path("retentionPeriod").asInt());
                            return o;
                        })
                        .toList());
        out.put("mergedRetentionPeriod", overlaps.isEmpty() ? null : merged);
        return out;
    }

    static Map<String, Object> view(RequestRecord r) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("requestId", r.requestId());
        out.put("state", r.state());
        out.put("history", r.history());
        out.put("jobId", r.jobId());
        out.put("policyId", r.policyId());
        out.put("mergedRetentionPeriod", r.mergedRetentionPeriod());
        out.put("replacedPolicyIds", r.replacedPolicyIds());
        out.put("latencyMs", r.latencyMs());
        out.put("error", r.error());
        return out;
    }

    private static Response unavailable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (InfrastructureRetry.tooLargeForKafka(t)) {
                // validation bounds the policy, so this is a last resort; sent again it would fail again (as
                // gateway-svc answers its own too-large records)
                return ProblemResponses.of(
                        413, "Payload Too Large", "the request is larger than one Kafka record may be; send less");
            }
        }
        return ProblemResponses.unavailable("the request could not be queued; send it again", 1);
    }
}
