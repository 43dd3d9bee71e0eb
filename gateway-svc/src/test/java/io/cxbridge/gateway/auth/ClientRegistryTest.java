package io.cxbridge.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientRegistryTest {

    @TempDir
    Path dir;

    private static String file(String id, String key) {
        return """
                clients:
                  - id: %s
                    rateLimitPerMinute: 60
                    keys: [{sha256: %s}]
                    routes: ["GET /api/v2/**"]
                """.formatted(id, KeysFile.sha256(key));
    }

    @Test
    void aChangedFileRotatesKeysWithoutARestart() throws Exception {
        Path keys = dir.resolve("keys.yaml");
        Files.writeString(keys, file("team-a", "old-key"));
        ClientRegistry registry = new ClientRegistry(Optional.of(keys.toString()), false);
        assertThat(registry.byKey("old-key")).map(GatewayClient::id).contains("team-a");

        Files.writeString(keys, file("team-a", "new-key"));
        Files.setLastModifiedTime(keys, FileTime.from(Instant.now().plusSeconds(5)));
        registry.reloadIfChanged();

        assertThat(registry.byKey("new-key")).map(GatewayClient::id).contains("team-a");
        assertThat(registry.byKey("old-key")).isEmpty();
    }

    @Test
    void aBrokenChangeKeepsTheClientsLoadedBefore() throws Exception {
        Path keys = dir.resolve("keys.yaml");
        Files.writeString(keys, file("team-a", "good-key"));
        ClientRegistry registry = new ClientRegistry(Optional.of(keys.toString()), false);

        Files.writeString(keys, "clients: [{id: broken}]");
        Files.setLastModifiedTime(keys, FileTime.from(Instant.now().plusSeconds(5)));
        registry.reloadIfChanged();

        assertThat(registry.byKey("good-key")).isPresent();
    }

    @Test
    void aBadFileStopsTheStartWithItsReason() throws Exception {
        Path keys = dir.resolve("keys.yaml");
        Files.writeString(keys, "clients: [{id: x, rateLimitPerMinute: 5, keys: [{key: plain}], routes: ['GET /a']}]");
        assertThatThrownBy(() -> new ClientRegistry(Optional.of(keys.toString()), false))
                .hasMessageContaining("plain-text key");
        assertThatThrownBy(() -> new ClientRegistry(
                        Optional.of(dir.resolve("missing.yaml").toString()), false))
                .hasMessageContaining("missing.yaml");
    }

    @Test
    void noKeysFileMeansNoClients() {
        assertThat(new ClientRegistry(Optional.empty(), false).byKey("anything"))
                .isEmpty();
    }
}
