package io.cxbridge.directory.ttl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The packaged service refuses to start with a TTL outside 30..3600 s, and says which key and which range. */
class TtlStartupIT {

    @Test
    void aTtlOfTenSecondsStopsStartUpWithAMessageNamingTheKeyAndTheRange() throws Exception {
        Path jar = Path.of("target/quarkus-app/quarkus-run.jar");
        assertThat(jar).exists();
        Path log = Files.createTempFile("directory-svc-ttl", ".log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(
                        java,
                        "-Xmx128m",
                        "-Dcxbridge.directory.ttl.internal_agents=10",
                        "-Dquarkus.http.port=0",
                        "-Dcxbridge.genesys.base-url=http://127.0.0.1:9",
                        "-Dcxbridge.genesys.client-id=x",
                        "-Dcxbridge.genesys.client-secret=y",
                        "-Dcxbridge.genesys.token-encryption.current-key-id=k",
                        "-Dcxbridge.genesys.token-encryption.keys=k=5VFldDlsLCf8FoJ1yZEhAADQAFY0HpKuLhvTiVAif8Q=",
                        "-Dquarkus.log.console.json.enabled=false",
                        "-jar",
                        jar.toString()))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            assertThat(p.waitFor(90, TimeUnit.SECONDS))
                    .as("the process exits on its own")
                    .isTrue();
            String out = Files.readString(log, StandardCharsets.UTF_8);
            assertThat(p.exitValue()).as(out).isNotZero();
            assertThat(out).contains("cxbridge.directory.ttl.internal_agents is 10 s; allowed range is 30 to 3600 s");
        } finally {
            p.destroyForcibly();
            try {
                Files.deleteIfExists(log);
            } catch (IOException ignored) {
                // a temp file
            }
        }
    }
}
