package io.cxbridge.retention.media;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxbridge.genesys.http.GenesysClient;
import io.cxbridge.genesys.http.GenesysRequest;
import io.cxbridge.genesys.http.GenesysResponse;
import io.cxbridge.genesys.paging.Listing;
import io.cxbridge.genesys.paging.ListingRequest;
import io.cxbridge.genesys.paging.PageLimits;
import io.cxbridge.genesys.paging.Pager;
import io.cxbridge.retention.config.RetentionConfig;
import io.netty.handler.codec.http.QueryStringEncoder;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;
import io.vertx.mutiny.core.MultiMap;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.UriBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Genesys Cloud's media retention policies ({@code cxbridge.retention.media.policies-path}) through genesys-client:
 * every call takes its turn in the shared rate budget and gets the client's retries; the list is read whole by
 * the {@link Pager}.
 */
@ApplicationScoped
public class MediaRetentionUpstream {

    static final int PAGE_SIZE = 100;
    static final PageLimits LIMITS = new PageLimits(50, 32L * 1024 * 1024, 5_000, Duration.ofSeconds(30));

    private final GenesysClient client;
    private final RetentionConfig config;
    private final Pager pager;

    public MediaRetentionUpstream(GenesysClient client, RetentionConfig config) {
        this.client = client;
        this.config = config;
        this.pager = new Pager(client);
    }

    /** Every policy Genesys holds (all pages), managed or not. */
    public Uni<List<JsonNode>> list() {
        QueryStringEncoder first = new QueryStringEncoder(config.media().policiesPath());
        first.addParam("pageSize", String.valueOf(PAGE_SIZE));
        first.addParam("pageNumber", "1");
        return pager.readAll(new ListingRequest("media retention policies", first.toString(), "/id", LIMITS))
                .map(Listing::entities);
    }

    public Uni<GenesysResponse> create(JsonNode policy) {
        return client.send(GenesysRequest.json(HttpMethod.POST, config.media().policiesPath(), policy.toString()));
    }

    public Uni<GenesysResponse> replace(String policyId, JsonNode policy) {
        return client.send(GenesysRequest.json(HttpMethod.PUT, item(policyId), policy.toString()));
    }

    public Uni<GenesysResponse> delete(String policyId) {
        return client.send(new GenesysRequest(
                HttpMethod.DELETE, item(policyId), MultiMap.caseInsensitiveMultiMap(), null, Optional.empty()));
    }

    private String item(String policyId) {
        return UriBuilder.fromPath(config.media().policiesPath())
                .path("{policyId}")
                .build(policyId)
                .getRawPath();
    }
}
