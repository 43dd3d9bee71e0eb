package io.cxbridge.sim.actions;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.cxbridge.model.Json;
import io.cxbridge.sim.http.JsonAnswers;
import io.cxbridge.sim.stats.SimStats;
import io.cxbridge.sim.stats.SimStats.ActionOutcome;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code POST /sim/actions/run}: calls an endpoint the way a Genesys web-services Data Action does (POST, JSON,
 * synchronous) and gives up at exactly {@code timeoutMs}, as the platform fails the flow then. The timer starts
 * before the connection is opened, so a slow connect counts against the timeout as well; on timeout the request
 * is reset, so the endpoint sees the caller go away. Each run is counted in {@code /sim/stats}
 * {@code actionRuns}: success (2xx), error (any other status, a connection error, an unreadable answer) or
 * timeout.
 */
@ApplicationScoped
public class ActionRunner {

    /** A Data Action reads at most this much of an answer; more is an error. */
    static final int MAX_RESPONSE_BYTES = 1024 * 1024;

    /** The JSON answer of a run; {@code status} is absent when no answer came, {@code error} says why. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"outcome", "status", "durationMs", "body", "error"})
    public record Result(String outcome, Integer status, long durationMs, JsonNode body, String error) {}

    private final Vertx vertx;
    private final SimStats stats;
    private final HttpClient client;

    public ActionRunner(Vertx vertx, SimStats stats) {
        this.vertx = vertx;
        this.stats = stats;
        this.client = vertx.createHttpClient(
                new HttpClientOptions().setMaxPoolSize(50).setKeepAlive(true));
    }

    @PreDestroy
    void close() {
        client.close();
    }

    public Future<Result> run(ActionRun run) {
        long started = System.nanoTime();
        Promise<Result> promise = Promise.promise();
        AtomicReference<HttpClientRequest> inFlight = new AtomicReference<>();
        AtomicBoolean finished = new AtomicBoolean();
        long timer = vertx.setTimer(run.timeoutMs(), t -> {
            if (finish(
                    finished,
                    promise,
                    ActionOutcome.TIMEOUT,
                    null,
                    started,
                    null,
                    "no answer within " + run.timeoutMs() + " ms")) {
                HttpClientRequest request = inFlight.get();
                if (request != null) {
                    request.reset();
                }
            }
        });
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setAbsoluteURI(run.url().toString());
        client.request(options)
                .compose(request -> {
                    if (promise.future().isComplete()) {
                        // timed out while connecting
                        request.reset();
                        return Future.failedFuture("timed out");
                    }
                    inFlight.set(request);
                    request.putHeader("Content-Type", JsonAnswers.JSON).putHeader("Accept", JsonAnswers.JSON);
                    run.headers().forEach(request::putHeader);
                    Future<HttpClientResponse> sent = run.body() == null
                            ? request.send()
                            : request.send(Buffer.buffer(JsonAnswers.bytes(run.body())));
                    return sent.compose(ActionRunner::readBounded);
                })
                .onComplete(ar -> {
                    vertx.cancelTimer(timer);
                    if (ar.failed()) {
                        finish(finished, promise, ActionOutcome.ERROR, null, started, null, describe(ar.cause()));
                        return;
                    }
                    Answer answer = ar.result();
                    boolean ok = answer.status() >= 200 && answer.status() < 300;
                    finish(
                            finished,
                            promise,
                            ok ? ActionOutcome.SUCCESS : ActionOutcome.ERROR,
                            answer.status(),
                            started,
                            parse(answer.body()),
                            ok ? null : "answered " + answer.status());
                });
        return promise.future();
    }

    private record Answer(int status, Buffer body) {}

    private static Future<Answer> readBounded(HttpClientResponse response) {
        Promise<Answer> promise = Promise.promise();
        Buffer body = Buffer.buffer();
        response.handler(chunk -> {
            if (body.length() + chunk.length() > MAX_RESPONSE_BYTES) {
                promise.tryFail(
                        new IllegalStateException("the answer is larger than " + MAX_RESPONSE_BYTES + " bytes"));
                response.request().reset();
                return;
            }
            body.appendBuffer(chunk);
        });
        response.exceptionHandler(promise::tryFail);
        response.endHandler(v -> promise.tryComplete(new Answer(response.statusCode(), body)));
        return promise.future();
    }

    /**
     * The first of the timer and the answer decides the run. It is counted before the promise completes: completing
     * writes the answer to the caller, who may read {@code /sim/stats} on another event loop before a count made
     * afterwards lands.
     */
    private boolean finish(
            AtomicBoolean finished,
            Promise<Result> promise,
            ActionOutcome outcome,
            Integer status,
            long started,
            JsonNode body,
            String error) {
        if (!finished.compareAndSet(false, true)) {
            return false;
        }
        long durationMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        stats.actionRun(outcome);
        promise.complete(new Result(outcome.name().toLowerCase(Locale.ROOT), status, durationMs, body, error));
        return true;
    }

    /** The answer as JSON when it is JSON, else as a string; null when empty. */
    private static JsonNode parse(Buffer body) {
        if (body == null || body.length() == 0) {
            return null;
        }
        try {
            return Json.mapper().readTree(body.getBytes());
        } catch (java.io.IOException e) {
            return TextNode.valueOf(body.toString(StandardCharsets.UTF_8));
        }
    }

    private static String describe(Throwable failure) {
        String message = failure.getMessage();
        return failure.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
