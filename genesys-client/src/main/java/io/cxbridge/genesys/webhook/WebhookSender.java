package io.cxbridge.genesys.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.cxbridge.genesys.retry.Backoff;
import io.cxbridge.genesys.retry.Transience;
import io.cxbridge.model.Headers;
import io.cxbridge.model.Json;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpHeaders;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.WebClient;
import java.time.Clock;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * The one sender of cxbridge's optional webhooks: a JSON POST of a documented event, signed
 * ({@link Headers#SIGNATURE}, see {@link WebhookSigner}), each attempt within the target's timeout. Transient answers
 * ({@link Transience}), timeouts and connection failures are tried again, {@value #ATTEMPTS} attempts at most; the
 * body is the same each time, so a receiver drops a repeat by the event's id. A failed delivery is logged (host only)
 * and counted ({@code cxbridge_webhook_deliveries_total{webhook,outcome}}) and never fails the work that sent it.
 */
public final class WebhookSender {

    private static final Logger LOG = Logger.getLogger(WebhookSender.class);
    static final int ATTEMPTS = 3;
    static final Backoff BACKOFF = new Backoff(Duration.ofMillis(200), 2, Duration.ofSeconds(1), 0);

    private final WebClient web;
    private final Clock clock;
    private final MeterRegistry registry;
    private final Backoff backoff;

    public WebhookSender(WebClient web, Clock clock, MeterRegistry registry) {
        this(web, clock, registry, BACKOFF);
    }

    WebhookSender(WebClient web, Clock clock, MeterRegistry registry, Backoff backoff) {
        this.web = web;
        this.clock = clock;
        this.registry = registry;
        this.backoff = backoff;
    }

    /** Delivers in the background and returns at once: a webhook never holds up the work. */
    public void send(WebhookTarget target, Record event) {
        deliver(target, event).subscribe().with(ok -> {});
    }

    /** Completes with true when the receiver answered 2xx within the attempts, false otherwise; never fails. */
    public Uni<Boolean> deliver(WebhookTarget target, Record event) {
        String body;
        try {
            body = Json.mapper().writeValueAsString(event);
        } catch (JsonProcessingException e) {
            LOG.errorf(
                    e,
                    "webhook %s: the %s event could not be written as JSON",
                    target.name(),
                    event.getClass().getSimpleName());
            return Uni.createFrom().item(false).invoke(ok -> count(target, false));
        }
        return attempt(target, body, 1).invoke(ok -> count(target, ok));
    }

    private Uni<Boolean> attempt(WebhookTarget target, String body, int n) {
        long now = clock.instant().getEpochSecond();
        return web.postAbs(target.url().toString())
                .timeout(target.timeout().toMillis())
                .putHeader(HttpHeaders.CONTENT_TYPE.toString(), "application/json")
                .putHeader(Headers.SIGNATURE, WebhookSigner.signature(target.secret(), now, body))
                .sendBuffer(Buffer.buffer(body))
                .ifNoItem()
                .after(target.timeout())
                .fail()
                .map(r -> new Attempt(r.statusCode(), null))
                .onFailure()
                .recoverWithItem(e -> new Attempt(0, e.getClass().getSimpleName()))
                .chain(a -> {
                    if (a.delivered()) {
                        return Uni.createFrom().item(true);
                    }
                    if (!a.transientFailure() || n >= ATTEMPTS) {
                        LOG.warnf(
                                "webhook %s to %s not delivered after %d attempt(s): %s",
                                target.name(), target.url().getHost(), n, a);
                        return Uni.createFrom().item(false);
                    }
                    return Uni.createFrom()
                            .voidItem()
                            .onItem()
                            .delayIt()
                            .by(backoff.nominal(n - 1))
                            .chain(() -> attempt(target, body, n + 1));
                });
    }

    private void count(WebhookTarget target, boolean delivered) {
        registry.counter(
                        "cxbridge.webhook.deliveries",
                        "webhook",
                        target.name(),
                        "outcome",
                        delivered ? "delivered" : "failed")
                .increment();
    }

    /** One attempt's result: an HTTP status, or 0 with the failure's name when no answer came. */
    private record Attempt(int status, String failure) {
        boolean delivered() {
            return status >= 200 && status < 300;
        }

        boolean transientFailure() {
            return status == 0 || Transience.isTransient(status);
        }

        @Override
        public String toString() {
            return status == 0 ? "no answer (" + failure + ")" : "HTTP " + status;
        }
    }
}
