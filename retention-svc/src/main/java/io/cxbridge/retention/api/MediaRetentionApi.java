package io.cxbridge.retention.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxbridge.common.problem.ProblemResponses;
import io.cxbridge.common.trace.TraceIds;
import io.cxbridge.model.problem.Violation;
import io.cxbridge.retention.media.MediaApply;
import io.cxbridge.retention.media.MediaPlan;
import io.cxbridge.retention.media.MediaPlanner;
import io.cxbridge.retention.media.MediaRetentionUpstream;
import io.cxbridge.retention.media.MediaTargets;
import io.cxbridge.retention.policy.PolicyValidator;
import io.cxbridge.retention.policy.ValidatedPolicy;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Plan and apply for the {@code media-retention} target. The body is one policy or a file (a list, or
 * {@code {policies: [...]}}); every violation of every policy is one 400 (fields prefixed {@code [i].} in a list),
 * because a plan of part of a file would plan the rest as deletions or conflicts it is not.
 */
@ApplicationScoped
public class MediaRetentionApi {

    private final PolicyValidator validator;
    private final MediaRetentionUpstream upstream;
    private final MediaApply applier;

    public MediaRetentionApi(PolicyValidator validator, MediaRetentionUpstream upstream, MediaApply applier) {
        this.validator = validator;
        this.upstream = upstream;
        this.applier = applier;
    }

    /** 200 {@code {target, policies: [{name, action, diff, conflictsWith, notes}], estimate}}; writes nothing. */
    public Uni<Response> plan(JsonNode body, boolean prune) {
        return planned(
                body,
                prune,
                plan -> Uni.createFrom().item(Response.ok(view(plan)).build()));
    }

    /** 202 {@code {target, requests: [{name, action, requestId}]}}; the writes follow in the request states. */
    public Uni<Response> apply(JsonNode body, boolean prune) {
        return planned(
                body,
                prune,
                plan -> applier.apply(plan, TraceIds.current())
                        .map(requests -> {
                            Map<String, Object> out = new LinkedHashMap<>();
                            out.put("target", MediaTargets.MEDIA_RETENTION);
                            out.put("requests", requests);
                            return Response.accepted(out).build();
                        })
                        // The requests could not be recorded (Redis): nothing was written to Genesys yet, and the
                        // next apply plans from Genesys again, so sending it again is safe.
                        .onFailure()
                        .recoverWithItem(MediaRetentionApi::unavailable));
    }

    private static Response unavailable(Throwable e) {
        return ProblemResponses.unavailable(
                "the requests could not be recorded and nothing was written; send it again", 1);
    }

    private Uni<Response> planned(JsonNode body, boolean prune, Function<MediaPlan, Uni<Response>> then) {
        boolean list = body.isArray() || body.isObject() && body.has("policies");
        JsonNode policies = body.isObject() && body.has("policies") ? body.get("policies") : body;
        if (list && (!policies.isArray() || policies.isEmpty())) {
            return Uni.createFrom()
                    .item(ProblemResponses.validation(
                            List.of(new Violation("policies", "must be a non-empty list of policies"))));
        }
        List<JsonNode> items = new ArrayList<>();
        if (list) {
            policies.forEach(items::add);
        } else {
            items.add(body);
        }
        List<ValidatedPolicy> valid = new ArrayList<>();
        List<Violation> violations = new ArrayList<>();
        Map<String, Integer> names = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            String prefix = list ? "[" + i + "]." : "";
            ValidatedPolicy v = validator.validate(items.get(i), prefix, true);
            violations.addAll(v.violations());
            if (v.valid()) {
                valid.add(v);
                Integer first = names.putIfAbsent(v.payload().path("name").asText(), i);
                if (first != null) {
                    violations.add(new Violation(
                            prefix + "name", "is also the name of policy [" + first + "]: names are unique in a file"));
                }
            }
        }
        if (!violations.isEmpty()) {
            return Uni.createFrom().item(ProblemResponses.validation(violations));
        }
        // Only the listing is a 502: a failure of the plan or of recording the requests is not Genesys's.
        return upstream.list()
                .onItemOrFailure()
                .transformToUni((existing, e) -> e != null
                        ? Uni.createFrom()
                                .item(ProblemResponses.of(
                                        502,
                                        "Bad Gateway",
                                        "the media retention policies could not be read from Genesys: "
                                                + e.getMessage()))
                        : then.apply(MediaPlanner.plan(valid, existing, prune)));
    }

    private static Map<String, Object> view(MediaPlan plan) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("target", MediaTargets.MEDIA_RETENTION);
        out.put("policies", plan.policies());
        out.put("estimate", plan.estimate());
        return out;
    }
}
