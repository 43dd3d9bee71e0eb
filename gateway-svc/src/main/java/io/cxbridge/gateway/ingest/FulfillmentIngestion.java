package io.cxbridge.gateway.ingest;

import com.fasterxml.jackson.databind.ObjectReader;
import io.cxbridge.common.problem.ProblemResponses;
import io.cxbridge.common.trace.TraceIds;
import io.cxbridge.gateway.config.GatewayConfig;
import io.cxbridge.genesys.urlpolicy.FulfillmentUrlPolicy;
import io.cxbridge.model.Channels;
import io.cxbridge.model.Json;
import io.cxbridge.model.crypto.TokenCipher;
import io.cxbridge.model.event.FulfillmentJob;
import io.cxbridge.model.event.Ids;
import io.cxbridge.model.problem.Violation;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.validation.Validator;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

/**
 * {@code POST /v1/fulfillment/execute}: checks the fulfillment URL against the policy, seals the
 * fulfillmentToken (AES-GCM) and publishes the job to {@code cxbridge.fulfillment.jobs.v1} (key
 * fulfillmentId: the id the URL names; an explicit one must be that id, and one path segment of
 * {@code FulfillmentJob}'s rule, else 400 naming {@code fulfillmentId}). 202
 * {@code {status: "accepted", jobId, fulfillmentId}} once the broker has it, whatever the external API will do; 503
 * with Retry-After when the broker does not acknowledge in time.
 */
@Path("/v1/fulfillment/execute")
public class FulfillmentIngestion {

    static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(60);
    /** The furthest ahead a deadline may be: the contract's, which fulfillment-svc holds to as well. */
    static final Duration MAX_DEADLINE_AHEAD = FulfillmentJob.MAX_DEADLINE_AHEAD;

    private static final ObjectReader READER = Json.mapper().readerFor(FulfillmentRequest.class);

    /** The 202 body. */
    public record Accepted(String status, String jobId, String fulfillmentId) {}

    private final MutinyEmitter<byte[]> jobs;
    private final Validator validator;
    private final FulfillmentUrlPolicy urlPolicy;
    private final TokenCipher cipher;
    private final Clock clock;
    private final GatewayConfig config;

    public FulfillmentIngestion(
            @Channel(Channels.FULFILLMENT_JOBS_OUT) @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 1024)
                    MutinyEmitter<byte[]> jobs,
            Validator validator,
            FulfillmentUrlPolicy urlPolicy,
            TokenCipher cipher,
            Clock clock,
            GatewayConfig config) {
        this.jobs = jobs;
        this.validator = validator;
        this.urlPolicy = urlPolicy;
        this.cipher = cipher;
        this.clock = clock;
        this.config = config;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Accept a Data Action fulfillment job; the result is posted to fulfillmentUrl later")
    @APIResponse(responseCode = "202", description = "{status: accepted, jobId, fulfillmentId}")
    @APIResponse(
            responseCode = "400",
            description = "problem+json listing every invalid field (fulfillmentUrl when the policy refuses it;"
                    + " fulfillmentId when it is not one path segment of A-Z a-z 0-9 . _ ~ - or not the id"
                    + " fulfillmentUrl names)")
    @APIResponse(
            responseCode = "413",
            description = "the job is larger than one Kafka record may be (1 MiB); nothing was published")
    @APIResponse(responseCode = "503", description = "the broker did not acknowledge in time; retry")
    public Uni<Response> execute(
            @RequestBody(
                            required = true,
                            content =
                                    @Content(
                                            mediaType = MediaType.APPLICATION_JSON,
                                            schema = @Schema(implementation = FulfillmentRequest.class)))
                    byte[] body) {
        IngestBodies.Parsed<FulfillmentRequest> parsed =
                IngestBodies.read(body, READER, "a field has the wrong type (deadline is an ISO-8601 instant)");
        if (parsed.refusal() != null) {
            return Uni.createFrom().item(parsed.refusal());
        }
        FulfillmentRequest request = parsed.value();
        List<Violation> violations =
                new ArrayList<>(IngestBodies.violations(validator, request, FulfillmentChecks::plainlyValid));
        // The job record's rule: the id becomes a header value (Idempotency-Key) and the key of the posted mark.
        violations.addAll(FulfillmentChecks.fulfillmentId(validator, request));
        // @Size counts characters; the sealed size (what fulfillment-svc accepts) follows the UTF-8 bytes.
        if (request.fulfillmentToken() != null
                && request.fulfillmentToken().length() <= TokenCipher.MAX_TOKEN_BYTES
                && request.fulfillmentToken().getBytes(StandardCharsets.UTF_8).length > TokenCipher.MAX_TOKEN_BYTES) {
            violations.add(new Violation(
                    "fulfillmentToken", "must be at most " + TokenCipher.MAX_TOKEN_BYTES + " bytes in UTF-8"));
        }
        if (!violations.isEmpty()) {
            return Uni.createFrom().item(ProblemResponses.validation(violations));
        }
        String traceId = TraceIds.current();
        if (!urlPolicy.resolvesDns(request.fulfillmentUrl())) {
            // Refused before any lookup, a test host or an address literal: no blocking, no hand-off to a worker.
            return accept(request, urlPolicy.check(request.fulfillmentUrl()), traceId);
        }
        // A host name to look up in DNS (which may block): off the event loop. An allowed name that could not be
        // looked up is a resolver outage as far as the client can tell, not a bad URL: 503, sent again later.
        return Uni.createFrom()
                .item(() -> urlPolicy.verdict(request.fulfillmentUrl()))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .onItem()
                .transformToUni(v -> v.lookupFailed()
                        ? Uni.createFrom()
                                .item(ProblemResponses.unavailable(
                                        "the fulfillmentUrl's host could not be looked up in DNS; send it again",
                                        traceId,
                                        LOOKUP_RETRY_AFTER_SECONDS))
                        : accept(request, v.refusal(), traceId));
    }

    /** The Retry-After of a 503 for a host that could not be looked up (the JVM keeps a failed lookup 10 s). */
    static final long LOOKUP_RETRY_AFTER_SECONDS = 10;

    private Uni<Response> accept(FulfillmentRequest request, Optional<String> refusal, String traceId) {
        List<Violation> violations = new ArrayList<>();
        refusal.ifPresent(reason -> violations.add(new Violation("fulfillmentUrl", reason)));
        Instant now = clock.instant();
        Instant deadline = request.deadline() != null ? request.deadline() : now.plus(DEFAULT_DEADLINE);
        if (!deadline.isAfter(now)) {
            violations.add(new Violation("deadline", "must be in the future"));
        } else if (deadline.isAfter(now.plus(MAX_DEADLINE_AHEAD))) {
            violations.add(new Violation("deadline", "must be at most 24 hours ahead"));
        }
        // The id the URL names (its {fulfillmentId} segment, the last one on the default callback path): it keys
        // the posted mark and the Idempotency-Key of the post to this URL, so an explicit id must be that one.
        String fulfillmentId = refusal.isPresent()
                ? null
                : urlPolicy.fulfillmentIdOf(request.fulfillmentUrl()).orElse(null);
        if (refusal.isEmpty() && fulfillmentId == null) {
            // not reached: a URL the policy accepts has the callback path, so it names an id
            violations.add(new Violation("fulfillmentUrl", "names no fulfillment id"));
        }
        String explicit = request.explicitFulfillmentId();
        if (fulfillmentId != null && explicit != null && !explicit.equals(fulfillmentId)) {
            violations.add(new Violation(
                    "fulfillmentId",
                    "must be the fulfillment id fulfillmentUrl names (its last path segment); leave it out to use"
                            + " that one"));
        }
        if (!violations.isEmpty()) {
            return Uni.createFrom().item(ProblemResponses.validation(violations));
        }
        String jobId = Ids.newEventId(); // a version 4 UUID (the contract's format), drawn without SecureRandom's lock
        FulfillmentJob job = new FulfillmentJob(
                jobId,
                fulfillmentId,
                request.fulfillmentUrl().trim(),
                cipher.encrypt(request.fulfillmentToken(), fulfillmentId),
                request.data() == null ? Json.mapper().createObjectNode() : request.data(),
                now,
                deadline,
                traceId);
        return KafkaIngest.publish(
                jobs,
                fulfillmentId,
                job,
                config.ingest().ackTimeout(),
                new Accepted("accepted", jobId, fulfillmentId),
                "retry the same request",
                traceId);
    }
}
