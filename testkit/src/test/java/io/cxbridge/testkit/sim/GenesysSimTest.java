package io.cxbridge.testkit.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

class GenesysSimTest {

    @Test
    void aMissingJarIsAClearErrorSayingToBuildTheSimFirst(@TempDir Path dir) {
        assertThatThrownBy(() -> GenesysSim.locateJar(null, dir))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("genesys-sim is not built")
                .hasMessageContaining(dir.resolve(GenesysSim.JAR_IN_MODULE).toString())
                .hasMessageContaining("mvn -pl genesys-sim -am package");
        assertThatThrownBy(() -> GenesysSim.locateJar(dir.resolve("nope.jar").toString(), dir))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cxbridge.sim.jar")
                .hasMessageContaining("nope.jar");
    }

    @Test
    void theJarIsFoundInTheWorkingDirectoryOrAParent(@TempDir Path root) throws Exception {
        Path jar = root.resolve(GenesysSim.JAR_IN_MODULE);
        Files.createDirectories(jar.getParent());
        Files.writeString(jar, "");
        Path module = Files.createDirectories(root.resolve("gateway-svc"));
        assertThat(GenesysSim.locateJar(null, module)).isEqualTo(jar);
        assertThat(GenesysSim.locateJar(null, root)).isEqualTo(jar);
        assertThat(GenesysSim.locateJar(jar.toString(), Path.of("/"))).isEqualTo(jar.toAbsolutePath());
    }

    static boolean simIsBuilt() {
        try {
            GenesysSim.locateJar(System.getProperty(GenesysSim.JAR_PROPERTY), Path.of(System.getProperty("user.dir")));
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    /** Runs only when genesys-sim has been packaged (testkit builds before it in the reactor). */
    @Test
    @EnabledIf("simIsBuilt")
    void startsThePackagedSimOncePerJvmAndDrivesItsControlApi() throws Exception {
        GenesysSim sim = GenesysSim.shared();
        assertThat(GenesysSim.shared()).isSameAs(sim);
        assertThat(sim.baseUrl()).startsWith("http://127.0.0.1:");
        assertThat(sim.logFile()).exists();
        SimControl control = sim.control();
        control.reset();

        String token = sim.accessToken();
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> queues = http.send(
                HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/api/v2/routing/queues"))
                        .header("Authorization", "Bearer " + token)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(queues.statusCode()).isEqualTo(200);

        assertThat(control.config(Map.of("directorySize", 7))
                        .get("directorySize")
                        .asInt())
                .isEqualTo(7);
        assertThat(control.config().get("tokenExpiresIn").asInt()).isEqualTo(86400);
        String faultId = control.fault(Map.of("path", "/api/v2/users", "status", 503, "count", 1));
        assertThat(control.faults().get(0).get("id").asText()).isEqualTo(faultId);
        HttpResponse<String> faulted = http.send(
                HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/api/v2/users"))
                        .header("Authorization", "Bearer " + token)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(faulted.statusCode()).isEqualTo(503);
        control.clearFaults();
        assertThat(control.faults()).isEmpty();
        assertThatThrownBy(() -> control.fault(Map.of("path", "/api/v2/**", "probability", 2, "status", 500)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("probability");

        assertThat(control.touchDirectory("internal_agents")).endsWith("GMT");
        assertThat(control.fulfillment("nothing")).isEmpty();

        SimStats stats = control.stats();
        assertThat(stats.tokenRequests()).isEqualTo(1);
        assertThat(stats.requests("GET", "/api/v2/routing/queues", 200)).isEqualTo(1);
        assertThat(stats.requests("GET", "/api/v2/users")).isEqualTo(1);
        assertThat(stats.pages("/api/v2/routing/queues", "")).isEqualTo(1);
        assertThat(stats.uploads()).isEqualTo(new SimStats.Uploads(0, 0));

        SimControl.ActionRunResult run = control.runAction(
                sim.baseUrl() + "/external/api", Map.of("Idempotency-Key", "k-1"), Map.of("a", 1), 5000);
        assertThat(run.outcome()).isEqualTo("success");
        assertThat(run.status()).isEqualTo(200);
        assertThat(run.body().get("echo").get("a").asInt()).isEqualTo(1);
        SimStats afterRun = control.stats();
        assertThat(afterRun.actionRuns()).isEqualTo(new SimStats.ActionRuns(1, 0, 0));
        assertThat(afterRun.externalCalls("k-1")).isEqualTo(1);

        assertThat(control.seed().get("counts").get("users").asInt()).isEqualTo(2600);
        assertThat(control.reseed(Map.of("users", 5)).get("counts").get("users").asInt())
                .isEqualTo(5);

        JsonNode raw = control.statsJson();
        assertThat(raw.get("requestsTotal").asLong()).isEqualTo(afterRun.requestsTotal());

        Map<String, String> props = new GenesysSimResource().start();
        assertThat(props)
                .containsEntry("cxbridge.genesys.base-url", sim.baseUrl())
                .containsEntry("cxbridge.genesys.login-url", sim.baseUrl())
                .containsEntry("cxbridge.genesys.client-id", "cxbridge-local")
                .containsEntry("cxbridge.genesys.client-secret", "cxbridge-local-secret");
        control.reset();
        assertThat(control.config().get("directorySize").asInt()).isEqualTo(1300);
        assertThat(control.seed().get("counts").get("users").asInt()).isEqualTo(2600);
    }
}
