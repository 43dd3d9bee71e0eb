package io.cxbridge.directory.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxbridge.model.Json;
import io.cxbridge.testkit.ServiceProcess;
import io.cxbridge.testkit.sim.GenesysSim;
import io.cxbridge.testkit.sim.SimControl;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue #17: the packaged service with {@code -Xmx256m} and a 32 MiB in-process byte bound, loading directories
 * of 10,000 entries until past the bound, evicts the least recently used and stays healthy (no OutOfMemoryError,
 * still ready, every read answered).
 */
class ByteBoundProcessIT {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final int ENTRIES = 10_000;
    /** Each directory is estimated at about 7 MiB (Footprint), so 6 of them are well past 32 MiB. */
    private static final int DIRECTORIES = 6;

    private SimControl sim;
    private ServiceProcess svc;

    @BeforeEach
    void start() {
        sim = GenesysSim.shared().control();
        sim.reset();
        sim.config(Map.of("directorySize", ENTRIES, "rateLimitPerMinute", 100_000));
        Map<String, String> p = GenesysSim.sharedWiring();
        p.put("cxbridge.directory.max-bytes", "32M");
        p.put("cxbridge.directory.max-entries", String.valueOf(ENTRIES));
        // Five pages a directory, no client-side shaping: the test is about memory, not the call budget.
        p.put("cxbridge.directory.upstream.page-size", "2000");
        p.put("cxbridge.genesys.rate-limit.enabled", "false");
        p.put("cxbridge.directory.consistency.enabled", "false");
        p.put("cxbridge.directory.redis.key-prefix", "bytebound-" + UUID.randomUUID());
        p.put("quarkus.shutdown.timeout", "3s");
        svc = ServiceProcess.start(
                "directory-svc", ServiceProcess.jarOf("directory-svc"), "256m", p, Duration.ofSeconds(90));
    }

    @AfterEach
    void stop() {
        if (svc != null) {
            svc.stop();
        }
        sim.reset();
    }

    @Test
    void loadingTenThousandEntryDirectoriesPastA32MiBBoundEvictsTheLeastRecentlyUsedAndStaysHealthy() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 6);
        load(run, 0);
        for (int i = 1; i < DIRECTORIES; i++) {
            load(run, i);
            // Directory 0 is used after every load: never the least recently used, so never evicted (FIFO would).
            assertThat(cacheOf(get(entries(run, 0) + "?pageSize=1")))
                    .as("directory 0 after loading %d", i)
                    .isEqualTo("HIT-L1");
        }
        JsonNode metrics = json(get("/v1/directories/metrics"));
        int held = metrics.path("size").asInt();
        assertThat(held)
                .as("past the byte bound some directories left memory: %s", metrics)
                .isGreaterThan(1)
                .isLessThan(DIRECTORIES);

        // The newest is held; the least recently used went (its read comes from Redis, not from memory).
        assertThat(cacheOf(get(entries(run, DIRECTORIES - 1) + "?pageSize=1"))).isEqualTo("HIT-L1");
        assertThat(cacheOf(get(entries(run, 1) + "?pageSize=1"))).isEqualTo("HIT-L2");

        // Whole bodies of 10,000 entries (about 2 MiB of JSON each) on top: no trouble for a 256 MiB heap.
        for (int i = 0; i < 3; i++) {
            assertThat(get(entries(run, i)).statusCode()).isEqualTo(200);
        }
        assertThat(svc.isAlive()).isTrue();
        assertThat(get(mgmt("/q/health/ready")).statusCode()).isEqualTo(200);
        assertThat(get(mgmt("/q/health/live")).statusCode()).isEqualTo(200);
        assertThat(Files.readString(svc.logFile())).doesNotContain("OutOfMemoryError");
    }

    private void load(String run, int i) throws Exception {
        HttpResponse<String> r = get(entries(run, i) + "?pageSize=1");
        assertThat(r.statusCode()).as("directory %d: %s", i, r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("X-Cache")).hasValue("MISS");
        assertThat(r.headers().firstValue("X-Total-Count")).hasValue(String.valueOf(ENTRIES));
    }

    private static String entries(String run, int i) {
        return "/v1/directories/bound-" + run + "-" + i + "/entries";
    }

    /** Health answers on the service's management port. */
    private String mgmt(String path) {
        return svc.managementUrl() + path;
    }

    private static String cacheOf(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r.headers().firstValue("X-Cache").orElse("");
    }

    private HttpResponse<String> get(String pathOrUrl) throws Exception {
        String url = pathOrUrl.startsWith("http") ? pathOrUrl : svc.baseUrl() + pathOrUrl;
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(60))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Json.mapper().readTree(r.body());
    }
}
