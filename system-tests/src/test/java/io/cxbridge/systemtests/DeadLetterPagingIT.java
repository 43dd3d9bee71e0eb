package io.cxbridge.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxbridge.systemtests.Gateway.Reply;
import io.cxbridge.testkit.sim.SimControl;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue #21: both dead-letter APIs, called through the gateway as a client calls them, page the way Genesys lists:
 * the same envelope for the same paging parameters, and following {@code nextUri} from the first page reaches every
 * dead letter once.
 */
@Order(2)
@ExtendWith(StackExtension.class)
class DeadLetterPagingIT {

    private static final int DEAD_LETTERS = 60;
    private static final int PAGE_SIZE = 25;
    private static final Set<String> ENVELOPE = Set.of(
            "entities",
            "pageSize",
            "pageNumber",
            "total",
            "pageCount",
            "firstUri",
            "selfUri",
            "previousUri",
            "nextUri",
            "lastUri");

    private final LocalStack stack = StackExtension.stack();
    private final Gateway gateway = StackExtension.flows().gateway();
    private final SimControl sim = StackExtension.flows().sim();

    @AfterEach
    void calmTheSim() {
        sim.clearFaults();
    }

    @Test
    void sixtyDeadLettersOfEachKindArePagedTwentyFiveAtATimeThroughTheGatewayByNextUri() throws Exception {
        // retry-svc: runs of one action the sim refuses with 400 are dead-lettered at once (a 4xx is final).
        String action = "paging-" + Trace.hex(3);
        sim.fault(Map.of("method", "POST", "path", Flows.executePath(action), "status", 400, "count", DEAD_LETTERS));
        Trace trace = Trace.random();
        Set<String> runs = new TreeSet<>(Load.parallel(DEAD_LETTERS, i -> Load.run(gateway, action, i, trace)));
        String runsFirstPage = "/v1/data-actions/dlq?actionId=" + action + "&pageSize=" + PAGE_SIZE;
        awaitTotal(runsFirstPage);

        // fulfillment-svc: jobs whose token the gateway did not seal, produced straight to its topic.
        Instant since = Instant.now().minusSeconds(1);
        Set<String> jobs = new TreeSet<>();
        try (KafkaProducer<String, String> producer = Load.producer(stack.endpoints())) {
            for (int i = 0; i < DEAD_LETTERS; i++) {
                jobs.add(Load.unsealedJob(producer, stack.endpoints(), "paging-" + i + "-" + Trace.hex(3)));
            }
        }
        String jobsFirstPage = "/v1/fulfillment/dlq?since=" + since + "&pageSize=" + PAGE_SIZE;
        awaitTotal(jobsFirstPage);

        List<JsonNode> runPages = follow(runsFirstPage);
        List<JsonNode> jobPages = follow(jobsFirstPage);

        assertThat(ids(runPages, "requestId"))
                .as("retry-svc's dead letters, each once")
                .isEqualTo(runs);
        assertThat(ids(jobPages, "jobId"))
                .as("fulfillment-svc's dead letters, each once")
                .isEqualTo(jobs);
        for (int p = 0; p < 3; p++) {
            JsonNode run = runPages.get(p);
            JsonNode job = jobPages.get(p);
            assertThat(fields(job)).as("fulfillment-svc page %d", p + 1).isEqualTo(fields(run));
            for (String number : List.of("pageSize", "pageNumber", "total", "pageCount")) {
                assertThat(job.path(number).asInt())
                        .as(number)
                        .isEqualTo(run.path(number).asInt());
            }
            assertThat(run.path("pageNumber").asInt()).isEqualTo(p + 1);
            assertThat(run.path("entities").size()).isEqualTo(p < 2 ? PAGE_SIZE : DEAD_LETTERS - 2 * PAGE_SIZE);
            assertThat(job.path("entities").size())
                    .isEqualTo(run.path("entities").size());
        }
        // the whole envelope in the middle; like Genesys, no previousUri on the first page and no nextUri on the last
        assertThat(fields(runPages.get(1))).isEqualTo(new TreeSet<>(ENVELOPE));
        assertThat(runPages.get(0).has("previousUri")).isFalse();
        assertThat(runPages.get(0).path("pageCount").asInt()).isEqualTo(3);
        assertThat(runPages.get(2).has("nextUri")).isFalse();
        assertThat(jobPages.get(2).has("nextUri")).isFalse();
    }

    private void awaitTotal(String firstPage) {
        await(firstPage + " lists all " + DEAD_LETTERS)
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    Reply r = gateway.get(firstPage, null);
                    return r.status() == 200 && r.json().path("total").asInt() == DEAD_LETTERS;
                });
    }

    /** Every page from the first, following {@code nextUri} as a client does (at most 10). */
    private List<JsonNode> follow(String firstPage) {
        List<JsonNode> pages = new ArrayList<>();
        String next = firstPage;
        while (next != null && pages.size() < 10) {
            Reply r = gateway.get(next, null);
            assertThat(r.status()).as(r.toString()).isEqualTo(200);
            JsonNode page = r.json();
            pages.add(page);
            next = page.path("nextUri").isTextual() ? page.path("nextUri").asText() : null;
        }
        assertThat(pages).as("pages of %s", firstPage).hasSize(3);
        return pages;
    }

    private static Set<String> ids(List<JsonNode> pages, String field) {
        Set<String> ids = new TreeSet<>();
        int entities = 0;
        for (JsonNode page : pages) {
            for (JsonNode e : page.path("entities")) {
                ids.add(e.path(field).asText());
                entities++;
            }
        }
        assertThat(entities).as("no dead letter listed twice").isEqualTo(ids.size());
        return ids;
    }

    private static Set<String> fields(JsonNode page) {
        Set<String> names = new LinkedHashSet<>();
        page.fieldNames().forEachRemaining(names::add);
        return new TreeSet<>(names);
    }
}
