package io.cxbridge.genesys;

import io.cxbridge.genesys.breaker.Breakers;
import io.cxbridge.genesys.config.Endpoints;
import io.cxbridge.genesys.config.GenesysConfig;
import io.cxbridge.genesys.http.GenesysClient;
import io.cxbridge.genesys.http.LoopLocalHttpClients;
import io.cxbridge.genesys.paging.Pager;
import io.cxbridge.genesys.redaction.Redactor;
import io.cxbridge.genesys.shaping.RateShaper;
import io.cxbridge.genesys.shaping.TokenBucket;
import io.cxbridge.genesys.token.TokenProvider;
import io.cxbridge.genesys.urlpolicy.FulfillmentUrlConfig;
import io.cxbridge.genesys.urlpolicy.FulfillmentUrlPolicy;
import io.cxbridge.genesys.webhook.WebhookSender;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.ext.web.client.WebClient;
import io.vertx.mutiny.redis.client.RedisAPI;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;

/** Wires the client's parts from {@code cxbridge.genesys.*}: one of each per process. */
@Singleton
public class GenesysProducers {

    private final WebClient web;
    private final LoopLocalHttpClients streamingHttp;

    public GenesysProducers(Vertx vertx, GenesysConfig config) {
        this.web = webClient(vertx, config);
        this.streamingHttp = streamingClient(vertx, config);
    }

    /**
     * The largest piece of a streamed answer handed on at once: what one socket read brought, up to 64 KiB, rather than
     * Netty's 8 KiB pieces, each of which the gateway's relay wrote and flushed with a system call of its own (issue
     * #20: a 25 KiB answer went to the client in four writes, now in one). The pieces are slices of the read buffer, so
     * nothing more is held.
     */
    public static final int RELAYED_CHUNK_SIZE = 64 * 1024;

    /**
     * The pooled core HTTP clients for streamed calls (the gateway's proxy), one per event loop; no redirects followed
     * either.
     */
    public static LoopLocalHttpClients streamingClient(Vertx vertx, GenesysConfig config) {
        HttpClientOptions options = new HttpClientOptions()
                .setConnectTimeout((int) config.http().connectTimeout().toMillis())
                .setMaxPoolSize(config.http().maxPoolSize())
                .setMaxChunkSize(RELAYED_CHUNK_SIZE);
        return new LoopLocalHttpClients(() -> vertx.getDelegate().createHttpClient(options));
    }

    /** The pooled HTTP client for Genesys and webhooks; never follows redirects (a redirect is an answer). */
    public static WebClient webClient(Vertx vertx, GenesysConfig config) {
        return WebClient.create(
                vertx,
                new WebClientOptions()
                        .setConnectTimeout((int) config.http().connectTimeout().toMillis())
                        .setMaxPoolSize(config.http().maxPoolSize())
                        .setFollowRedirects(false)
                        .setUserAgent("cxbridge"));
    }

    @Produces
    @Singleton
    Endpoints endpoints(GenesysConfig config) {
        return Endpoints.of(config);
    }

    @Produces
    @Singleton
    TokenProvider tokenProvider(
            GenesysConfig config, Endpoints endpoints, RedisAPI redis, Clock clock, MeterRegistry registry) {
        return new TokenProvider(config, endpoints, web, redis, clock, registry);
    }

    /** Redis token buckets for any rate budget a service keeps (the gateway's per-client limits). */
    @Produces
    @Singleton
    TokenBucket tokenBucket(RedisAPI redis, Clock clock) {
        return new TokenBucket(redis, clock);
    }

    @Produces
    @Singleton
    RateShaper rateShaper(GenesysConfig config, RedisAPI redis, Clock clock, MeterRegistry registry) {
        return new RateShaper(config, redis, clock, registry);
    }

    @Produces
    @Singleton
    GenesysClient genesysClient(
            GenesysConfig config,
            Endpoints endpoints,
            TokenProvider tokens,
            RateShaper shaper,
            Clock clock,
            MeterRegistry registry) {
        Breakers breakers = new Breakers(
                config.breaker().failureThreshold(),
                config.breaker().delay(),
                config.breaker().maxFamilies(),
                clock);
        return new GenesysClient(config, endpoints, web, streamingHttp, tokens, shaper, breakers, clock, registry);
    }

    @Produces
    @Singleton
    Pager pager(GenesysClient client) {
        return new Pager(client);
    }

    @Produces
    @Singleton
    FulfillmentUrlPolicy fulfillmentUrlPolicy(FulfillmentUrlConfig config) {
        return new FulfillmentUrlPolicy(config);
    }

    @Produces
    @Singleton
    Redactor redactor(GenesysConfig config) {
        return new Redactor(config.redaction().fields(), config.redaction().safeQueryParameters());
    }

    @Produces
    @Singleton
    WebhookSender webhookSender(Clock clock, MeterRegistry registry) {
        return new WebhookSender(web, clock, registry);
    }

    @PreDestroy
    void close() {
        web.close();
        streamingHttp.close();
    }
}
