package io.cxbridge.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.mypurecloud.sdk.v2.ApiClient;
import com.mypurecloud.sdk.v2.ApiException;
import com.mypurecloud.sdk.v2.api.RoutingApi;
import com.mypurecloud.sdk.v2.model.CreateQueueRequest;
import com.mypurecloud.sdk.v2.model.Queue;
import com.mypurecloud.sdk.v2.model.QueueEntityListing;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The official Genesys Cloud Java SDK (platform-client-v2 198.1.0), pointed at the sim, lists, creates and
 * fetches routing queues. The SDK's own client-credentials login cannot be used: it derives the login host by
 * replacing the first label of the base path's host ("https://login." + the rest), so the token comes from the
 * sim's /oauth/token and is handed to the SDK.
 */
@QuarkusTest
class SdkCompatibilityTest extends SimTestBase {

    @Test
    void routingQueuesThroughTheOfficialSdk() throws Exception {
        try (ApiClient client = ApiClient.Builder.standard()
                .withBasePath(baseUrl())
                .withAccessToken(token())
                .build()) {
            RoutingApi routing = new RoutingApi(client);

            QueueEntityListing empty = routing.getRoutingQueues(1, 25, null, null, null, null, null, null);
            assertThat(empty.getEntities()).isEmpty();
            assertThat(empty.getTotal()).isZero();

            Queue support = routing.postRoutingQueues(
                    new CreateQueueRequest().name("Support").description("Tier 1"));
            Queue billing = routing.postRoutingQueues(new CreateQueueRequest().name("Billing"));
            assertThat(support.getId()).isNotBlank();
            assertThat(support.getName()).isEqualTo("Support");
            assertThat(support.getSelfUri()).isEqualTo("/api/v2/routing/queues/" + support.getId());

            QueueEntityListing page = routing.getRoutingQueues(1, 1, null, null, null, null, null, null);
            assertThat(page.getEntities()).extracting(Queue::getName).containsExactly("Support");
            assertThat(page.getTotal()).isEqualTo(2);
            assertThat(page.getPageCount()).isEqualTo(2);
            assertThat(page.getNextUri()).isEqualTo("/api/v2/routing/queues?pageSize=1&pageNumber=2");

            // the SDK sends divisionId, sortOrder and hasPeer too; the sim ignores filters it does not know
            QueueEntityListing all =
                    routing.getRoutingQueues(1, 25, "asc", null, null, List.of("some-division"), null, false);
            assertThat(all.getEntities()).extracting(Queue::getName).containsExactly("Support", "Billing");

            QueueEntityListing byId =
                    routing.getRoutingQueues(1, 25, null, null, List.of(billing.getId()), null, null, null);
            assertThat(byId.getEntities()).extracting(Queue::getId).containsExactly(billing.getId());

            Queue fetched = routing.getRoutingQueue(support.getId());
            assertThat(fetched.getName()).isEqualTo("Support");
            assertThat(fetched.getDescription()).isEqualTo("Tier 1");

            ApiException missing = catchThrowableOfType(
                    ApiException.class,
                    () -> routing.getRoutingQueue(UUID.randomUUID().toString()));
            assertThat(missing.getStatusCode()).isEqualTo(404);
            assertThat(missing.getCorrelationId()).isNotBlank();
        }
        assertThat(requests("POST", "/api/v2/routing/queues", 200)).isEqualTo(2);
    }

    @Test
    void theSdkSeesA401ForAnUnknownToken() throws Exception {
        try (ApiClient client = ApiClient.Builder.standard()
                .withBasePath(baseUrl())
                .withAccessToken("nope")
                .build()) {
            ApiException e = catchThrowableOfType(
                    ApiException.class,
                    () -> new RoutingApi(client).getRoutingQueues(1, 25, null, null, null, null, null, null));
            assertThat(e.getStatusCode()).isEqualTo(401);
            assertThat(e.getRawBody()).contains("bad.credentials");
        }
    }
}
