package io.cxbridge.fulfillment.action;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import io.cxbridge.common.audit.AuditEmitter;
import io.cxbridge.common.problem.ProblemResponses;
import io.cxbridge.common.trace.TraceIds;
import io.cxbridge.model.Json;
import io.cxbridge.model.audit.AuditTypes;
import io.cxbridge.model.event.Ids;
import io.cxbridge.model.problem.Problem;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.buffer.Buffer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * The synchronous Data Action endpoint: answers within the action's budget whatever the external API does, with
 * the external answer, a cached one (HIT within the TTL, STALE when the call fails and the entry is younger than
 * TTL + stale-for) or a failure body Genesys flows can read. Audit events leave off the answer path.
 */
@ApplicationScoped
public class ActionService {

    /** The body is forwarded as it came, so a field named twice must not pass: the URL would read the last value. */
    private static final ObjectReader STRICT =
            Json.mapper().reader().with(StreamReadFeature.STRICT_DUPLICATE_DETECTION);

    private static final Logger LOG = Logger.getLogger(ActionService.class);
    /** A caller's X-Cxbridge-Request-Id is kept when it looks like an id; else one is made (no lock: Ids). */
    private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    public static final String CACHE_HEADER = "X-Cxbridge-Cache";
    /** Kept back from the budget for the answer's own way back (through the gateway to Genesys). */
    static final Duration ANSWER_MARGIN = Duration.ofMillis(200);

    private final ActionRegistry registry;
    private final ActionCaller caller;
    private final ActionCache cache;
    private final ActionMetrics metrics;
    private final AuditEmitter audit;
    private final Clock clock;

    public ActionService(
            ActionRegistry registry,
            ActionCaller caller,
            ActionCache cache,
            ActionMetrics metrics,
            AuditEmitter audit,
            Clock clock) {
        this.registry = registry;
        this.caller = caller;
        this.cache = cache;
        this.metrics = metrics;
        this.audit = audit;
        this.clock = clock;
    }

    /** What one call needs to finish: the action, its request id, trace id and start. */
    private record Call(
            ActionRegistry.Configured action, String requestId, String traceId, Instant start, long startNanos) {
        Duration took() {
            return Duration.ofNanos(System.nanoTime() - startNanos);
        }
    }

    public Uni<Response> run(String name, String raw, String requestIdHeader) {
        long startNanos = System.nanoTime();
        Instant start = clock.instant();
        String traceId = TraceIds.current();
        String requestId =
                requestIdHeader != null && REQUEST_ID.matcher(requestIdHeader).matches()
                        ? requestIdHeader
                        : Ids.newEventId();
        Optional<ActionRegistry.Configured> found = registry.find(name);
        if (found.isEmpty()) {
            return Uni.createFrom().item(ProblemResponses.of(404, "Not Found", "no action named " + name));
        }
        ActionRegistry.Configured action = found.get();
        JsonNode body;
        try {
            body = raw == null || raw.isBlank() ? null : STRICT.readTree(raw);
        } catch (StreamReadException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("Duplicate field")) {
                // never Jackson's message: it quotes the body
                return Uni.createFrom()
                        .item(ProblemResponses.of(
                                400,
                                "Malformed request",
                                "the body names a field twice; the URL and the cache key would read one value and "
                                        + "the API the other"));
            }
            body = null;
        } catch (JsonProcessingException e) {
            body = null;
        }
        if (body == null) {
            return Uni.createFrom()
                    .item(ProblemResponses.of(
                            400,
                            "Malformed request",
                            "the body is not valid JSON"
                                    + (action.url().fields().isEmpty()
                                            ? ""
                                            : "; the action needs the fields "
                                                    + String.join(
                                                            ", ", action.url().fields()))));
        }
        UrlTemplate.Expansion url = action.url().expand(body);
        if (!url.ok()) {
            return Uni.createFrom().item(ProblemResponses.validation(url.problems()));
        }
        Call call = new Call(action, requestId, traceId, start, startNanos);
        ActionsConfig.Cache cacheConfig = action.config().cache();
        Duration budget = action.config().budget();
        Instant deadline = start.plus(budget)
                .minus(ANSWER_MARGIN.compareTo(budget.dividedBy(4)) < 0 ? ANSWER_MARGIN : budget.dividedBy(4));
        String key = cacheConfig.enabled() ? cache.key(name, body, cacheConfig.keyFields()) : null;
        Uni<Optional<ActionCache.Entry>> cached = key == null
                ? Uni.createFrom().item(Optional.empty())
                : cache.get(key, Duration.between(clock.instant(), deadline).dividedBy(4));
        Buffer payload = Buffer.buffer(raw);
        return cached.chain(entry -> {
            if (entry.isPresent() && entry.get().age(clock.instant()).compareTo(cacheConfig.ttl()) < 0) {
                metrics.cache(name, "hit");
                return Uni.createFrom().item(success(call, "HIT", entry.get(), 0));
            }
            if (key != null) {
                metrics.cache(name, "miss");
            }
            Duration guard = Duration.between(clock.instant(), start.plus(budget));
            return caller.call(action, url.url(), payload, requestId, deadline)
                    // A last guard: whatever happens below, the answer leaves within the budget.
                    .ifNoItem()
                    // no timer waits less than a millisecond (Vert.x refuses it): the budget's end, or 1 ms after it
                    .after(guard.toMillis() < 1 ? Duration.ofMillis(1) : guard)
                    .recoverWithItem(() -> new ActionCaller.Result(
                            ActionCaller.Kind.TIMEOUT, 0, null, 0, "the answer budget was used up"))
                    .map(result -> finish(call, result, key, entry));
        });
    }

    private Response finish(Call call, ActionCaller.Result result, String key, Optional<ActionCache.Entry> entry) {
        ActionRegistry.Configured action = call.action();
        ActionsConfig.Cache cacheConfig = action.config().cache();
        if (result.kind() == ActionCaller.Kind.OK) {
            ActionCache.Entry fresh =
                    new ActionCache.Entry(clock.instant(), result.body() == null ? "" : result.body());
            if (key != null) {
                // Off the answer path: a cache that is away costs the answer nothing.
                cache.put(key, fresh, cacheConfig.ttl().plus(cacheConfig.staleFor()))
                        .subscribe()
                        .with(
                                ok -> {},
                                e -> LOG.warnf(
                                        "action %s: cache write failed: %s",
                                        action.name(), e.getClass().getSimpleName()));
            }
            return success(call, key == null ? "NONE" : "MISS", fresh, result.attempts());
        }
        boolean staleAllowed = result.kind() != ActionCaller.Kind.REJECTED;
        if (staleAllowed
                && entry.isPresent()
                && entry.get().age(clock.instant()).compareTo(cacheConfig.ttl().plus(cacheConfig.staleFor())) < 0) {
            metrics.cache(action.name(), "stale");
            return success(call, "STALE", entry.get(), result.attempts());
        }
        return failure(call, result, key == null ? "NONE" : "MISS");
    }

    private Response success(Call call, String cacheOutcome, ActionCache.Entry entry, int attempts) {
        String name = call.action().name();
        Duration took = call.took();
        boolean stale = cacheOutcome.equals("STALE");
        metrics.answered(name, stale ? "stale" : cacheOutcome.equals("HIT") ? "hit" : "ok", took);
        emit(
                stale ? AuditTypes.ACTION_SERVED_STALE : AuditTypes.ACTION_COMPLETED,
                call,
                new ActionAudit(
                        name, 200, took.toMillis(), attempts, cacheOutcome, null, call.requestId(), call.traceId()));
        Response.ResponseBuilder answer = Response.ok(entry.body(), MediaType.APPLICATION_JSON_TYPE)
                .header("X-Request-Id", call.requestId())
                .header("X-Upstream-Attempts", attempts);
        if (!cacheOutcome.equals("NONE")) {
            answer.header(CACHE_HEADER, cacheOutcome);
        }
        if (stale || cacheOutcome.equals("HIT")) {
            answer.header("Age", entry.age(clock.instant()).toSeconds());
        }
        return answer.build();
    }

    private Response failure(Call call, ActionCaller.Result result, String cacheOutcome) {
        String name = call.action().name();
        ActionError error = switch (result.kind()) {
            case TIMEOUT ->
                ActionError.of(
                        504,
                        ActionError.EXTERNAL_TIMEOUT,
                        "External API timeout",
                        "the external API did not answer within the action's budget of "
                                + call.action().config().budget().toMillis() + " ms",
                        call.requestId(),
                        call.traceId());
            case CIRCUIT_OPEN ->
                ActionError.of(
                        503,
                        ActionError.CIRCUIT_OPEN,
                        "Circuit open",
                        "the external API failed repeatedly; calls are paused for a short while",
                        call.requestId(),
                        call.traceId());
            case REJECTED ->
                ActionError.of(
                        502,
                        ActionError.EXTERNAL_REJECTED,
                        "External API rejected the call",
                        result.detail(),
                        call.requestId(),
                        call.traceId());
            default ->
                ActionError.of(
                        502,
                        ActionError.EXTERNAL_UNAVAILABLE,
                        "External API unavailable",
                        result.detail() + " after " + result.attempts() + " attempt(s)",
                        call.requestId(),
                        call.traceId());
        };
        Duration took = call.took();
        metrics.answered(name, error.errorCode(), took);
        emit(
                AuditTypes.ACTION_FAILED,
                call,
                new ActionAudit(
                        name,
                        error.status(),
                        took.toMillis(),
                        result.attempts(),
                        cacheOutcome,
                        error.errorCode(),
                        call.requestId(),
                        call.traceId()));
        return Response.status(error.status())
                .type(Problem.MEDIA_TYPE)
                .entity(error)
                .header("X-Request-Id", call.requestId())
                .header("X-Upstream-Attempts", result.attempts())
                .build();
    }

    private void emit(String type, Call call, ActionAudit data) {
        try {
            audit.emitObserved(audit.event(type, call.action().name(), call.traceId(), data));
        } catch (RuntimeException e) {
            // The answer never depends on the broker; emitObserved counts what it could not send.
            LOG.warnf("action %s: audit event %s not sent: %s", call.action().name(), type, e.getMessage());
        }
    }

    /** Drops an action's cached answers. */
    public Uni<Response> clearCache(String name) {
        if (registry.find(name).isEmpty()) {
            return Uni.createFrom().item(ProblemResponses.of(404, "Not Found", "no action named " + name));
        }
        return cache.clear(name)
                .map(n -> Response.ok(Json.mapper()
                                .createObjectNode()
                                .put("action", name)
                                .put("removed", n))
                        .type(MediaType.APPLICATION_JSON_TYPE)
                        .build())
                .ifNoItem()
                .after(Duration.ofSeconds(5))
                .fail()
                .onFailure()
                .recoverWithItem(e -> ProblemResponses.of(
                        503,
                        "Service Unavailable",
                        "the action cache could not be cleared (Redis did not answer); retry shortly"));
    }
}
