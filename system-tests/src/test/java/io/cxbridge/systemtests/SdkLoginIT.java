package io.cxbridge.systemtests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxbridge.model.Json;
import io.cxbridge.testkit.sim.SimControl;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The official Genesys Cloud JavaScript SDK ({@code purecloud-platform-client-v2} 262.0.0, pinned in
 * {@code system-tests/js}) run with Node.js exactly as an application runs it, pointed at the stack's gateway with
 * the SDK's own {@code setGateway}: its own client-credentials login, queues, users with paging, a refused write,
 * refused logins, and an expired token after which it logs in again.
 */
@Order(3)
@ExtendWith(StackExtension.class)
class SdkLoginIT {

    private static final Path JS = Path.of(System.getProperty("cxbridge.root", ".."))
            .toAbsolutePath()
            .normalize()
            .resolve("system-tests/js");
    private static JsonNode run;
    private static String output;

    @BeforeAll
    static void runTheSdk() throws IOException, InterruptedException {
        if (!Files.isDirectory(JS.resolve("node_modules/purecloud-platform-client-v2"))) {
            // ./stack test installs it; a plain mvn run installs it here, from the pinned lock file.
            exec(List.of("npm", "ci", "--no-audit", "--no-fund"), 300);
        }
        StackEndpoints endpoints = StackExtension.stack().endpoints();
        output = exec(
                List.of("node", "sdk-login.js"),
                120,
                "GATEWAY_PORT",
                String.valueOf(endpoints.gatewayPort()),
                "API_PREFIX",
                "genesys");
        run = Json.mapper()
                .readTree(output.lines()
                        .filter(l -> l.startsWith("{"))
                        .reduce((a, b) -> b)
                        .orElseThrow(() -> new AssertionError("sdk-login.js printed no result:\n" + output)));
    }

    @Test
    @Order(1)
    void theSdkLogsInThroughTheGatewayAndListsCreatesAndReadsQueues() {
        assertThat(run.at("/login/ok").asBoolean()).as(output).isTrue();
        assertThat(run.at("/login/tokenPrefix").asText()).isEqualTo("cxbt_");
        assertThat(run.at("/login/expiresInMs").asLong()).isBetween(86_000_000L, 86_400_000L);
        assertThat(run.at("/created/ok").asBoolean()).as(output).isTrue();
        String id = run.at("/created/id").asText();
        assertThat(run.at("/read/id").asText()).isEqualTo(id);
        assertThat(run.at("/read/name").asText())
                .isEqualTo(run.at("/created/name").asText());
        assertThat(run.at("/listed/ok").asBoolean()).as(output).isTrue();
        List<String> names = new ArrayList<>();
        run.at("/listed/names").forEach(n -> names.add(n.asText()));
        assertThat(names).contains(run.at("/created/name").asText());

        // The sim answers 401 to any bearer it did not issue itself: its 200 for this read means it saw the org's
        // token, never the client key or the gateway's token.
        SimControl sim = new SimControl(StackExtension.stack().endpoints().simUrl());
        assertThat(sim.stats().requests("GET", "/api/v2/routing/queues/" + id, 200))
                .isEqualTo(1);
        assertThat(sim.stats().requests("GET", "/api/v2/routing/queues/" + id, 401))
                .isZero();
    }

    @Test
    @Order(2)
    void theOrganisationsUsersAreListedPageByPageAsTheSdkPages() {
        JsonNode pages = run.at("/userPages");
        assertThat(pages.size()).as(output).isGreaterThanOrEqualTo(2);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < pages.size(); i++) {
            JsonNode page = pages.get(i);
            assertThat(page.at("/ok").asBoolean()).as(output).isTrue();
            assertThat(page.at("/pageNumber").asInt()).isEqualTo(i + 1);
            page.at("/ids").forEach(n -> ids.add(n.asText()));
        }
        assertThat(ids).doesNotHaveDuplicates();
        assertThat(ids.size()).isEqualTo(pages.get(0).at("/total").asInt());
        assertThat(pages.size()).isEqualTo(pages.get(0).at("/pageCount").asInt());
    }

    @Test
    @Order(3)
    void aReadonlyClientReadsButIsRefusedAWrite() {
        assertThat(run.at("/readonlyLogin").asBoolean()).as(output).isTrue();
        assertThat(run.at("/readonlyRead").asBoolean()).as(output).isTrue();
        assertThat(run.at("/readonlyWrite/ok").asBoolean()).isFalse();
        assertThat(run.at("/readonlyWrite/status").asInt()).as(output).isEqualTo(403);
    }

    @Test
    @Order(4)
    void aWrongSecretIsInvalidClientAndAnotherGrantUnsupported() {
        assertThat(run.at("/wrongSecret/ok").asBoolean()).isFalse();
        assertThat(run.at("/wrongSecret/status").asInt()).as(output).isEqualTo(401);
        assertThat(run.at("/wrongSecret/body/error").asText()).isEqualTo("invalid_client");
        assertThat(run.at("/passwordGrant/status").asInt()).as(output).isEqualTo(400);
        assertThat(run.at("/passwordGrant/body/error").asText()).isEqualTo("unsupported_grant_type");
    }

    @Test
    @Order(5)
    void anExpiredTokenGetsThePlatforms401AndTheSdkLogsInAgain() {
        assertThat(run.at("/shortLogin/ok").asBoolean()).as(output).isTrue();
        assertThat(run.at("/shortLogin/expiresInMs").asLong()).isBetween(1_000L, 2_000L);
        assertThat(run.at("/shortFirst").asBoolean()).as(output).isTrue();
        JsonNode expired = run.at("/expired");
        assertThat(expired.at("/ok").asBoolean()).isFalse();
        assertThat(expired.at("/status").asInt()).as(output).isEqualTo(401);
        assertThat(expired.at("/body/code").asText()).isEqualTo("bad.credentials");
        assertThat(expired.at("/body/status").asInt()).isEqualTo(401);
        assertThat(expired.at("/body/contextId").asText()).isNotBlank();
        assertThat(run.at("/relogin").asBoolean()).as(output).isTrue();
        assertThat(run.at("/afterRelogin").asBoolean()).as(output).isTrue();
    }

    @Test
    @Order(6)
    void neitherKeysNorTokensReachTheGatewayOrSimLogs() throws IOException {
        String token = run.at("/token").asText();
        assertThat(token).startsWith("cxbt_");
        for (String part : List.of("gateway-svc", "genesys-sim")) {
            String log = Files.readString(StackExtension.stack().log(part), StandardCharsets.UTF_8);
            assertThat(log)
                    .as(part + " log")
                    .doesNotContain("cxb_demo_key", "cxb_readonly_key", "cxb_sdk_short_key", token, token.substring(5));
        }
    }

    private static String exec(List<String> command, int timeoutSeconds, String... env)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(JS.toFile()).redirectErrorStream(true);
        for (int i = 0; i + 1 < env.length; i += 2) {
            pb.environment().put(env[i], env[i + 1]);
        }
        Path out = Files.createTempFile(Path.of(System.getProperty("java.io.tmpdir")), "sdk-login", ".out");
        pb.redirectOutput(out.toFile());
        Process p = pb.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish within " + timeoutSeconds + " s:\n"
                    + Files.readString(out));
        }
        String text = Files.readString(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed (exit " + p.exitValue() + "):\n" + text);
        }
        return text;
    }
}
