package io.cxbridge.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxbridge.common.config.Placeholders;
import io.cxbridge.testkit.KafkaBroker;
import io.cxbridge.testkit.RedisServer;
import io.cxbridge.testkit.ServiceProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A service started with a value of the Secret templates ({@code CHANGE_ME}) refuses to start, naming the
 * setting and never printing a value: the prod overlay cannot come up half-configured.
 */
class PlaceholderRefusalTest {

    @Test
    void findNamesEveryPropertyHoldingThePlaceholder() {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("cxbridge.genesys.client-id", "real-id");
        props.put("cxbridge.genesys.client-secret", "CHANGE_ME");
        props.put("cxbridge.token-encryption.keys", "CHANGE_ME_KEY_ID=CHANGE_ME_BASE64_256_BIT_KEY");
        assertThat(Placeholders.find(props))
                .containsExactly("cxbridge.genesys.client-secret", "cxbridge.token-encryption.keys");
        assertThat(Placeholders.refusal(List.of("cxbridge.genesys.client-secret")))
                .contains("cxbridge.genesys.client-secret", "CHANGE_ME placeholder")
                .doesNotContain("real-id");
    }

    @Test
    void aPackagedServiceWithAPlaceholderSecretRefusesToStartAndNamesIt() throws Exception {
        Path jar = ServiceProcess.jarOf("retry-svc");
        Path log = Files.createTempFile(Path.of(System.getProperty("user.dir"), "target"), "placeholder-", ".log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m",
                "-Dquarkus.http.port=0",
                "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.management.port=0",
                "-Dquarkus.profile=local",
                "-Dkafka.bootstrap.servers=" + KafkaBroker.shared().bootstrapServers(),
                "-Dquarkus.redis.hosts=" + RedisServer.shared().url(),
                "-Dcxbridge.genesys.base-url=http://127.0.0.1:9",
                "-Dcxbridge.kafka.partitions=1",
                "-Dcxbridge.genesys.client-secret=CHANGE_ME",
                "-jar",
                jar.toString()));
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            assertThat(process.waitFor(90, TimeUnit.SECONDS))
                    .as("retry-svc exits by itself")
                    .isTrue();
            String output = Files.readString(log, StandardCharsets.UTF_8);
            assertThat(process.exitValue()).as("exit code; output:%n%s", output).isNotZero();
            assertThat(output).contains("refusing to start", "cxbridge.genesys.client-secret");
        } finally {
            process.destroyForcibly();
        }
    }
}
