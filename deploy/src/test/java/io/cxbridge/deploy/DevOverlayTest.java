package io.cxbridge.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.cxbridge.gateway.auth.GatewayClient;
import io.cxbridge.gateway.auth.KeysFile;
import io.cxbridge.model.crypto.TokenCipher;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The dev overlay comes up as shipped: it brings its own Kafka (Strimzi v1, KRaft node pool) and Redis (AOF,
 * noeviction), holds no placeholder, and its published dev-only secrets are accepted by the services' own
 * validation in their prod profile (no plain keys, 256-bit cipher keys).
 */
class DevOverlayTest {

    static final String DEV_ONLY = "cxbridge.io/dev-only-public-values";

    static boolean devOnlyPublic(Map<String, Object> object) {
        return "true"
                .equals(String.valueOf(
                        Yml.map(object, "metadata", "annotations").get(DEV_ONLY)));
    }

    private final Rendered dev = Kustomize.overlay("dev");

    @Test
    void devRendersNoPlaceholder() {
        for (Map<String, Object> object : dev.objects()) {
            assertThat(Repo.yaml().dump(object))
                    .as("dev: %s %s", object.get("kind"), Rendered.name(object))
                    .doesNotContain(SecretScanner.PLACEHOLDER);
        }
    }

    @Test
    void devBringsAKraftKafkaWithANodePoolAndTheServicesUseIt() {
        Map<String, Object> kafka = dev.one("Kafka", "cxbridge");
        assertThat(kafka.get("apiVersion")).isEqualTo("kafka.strimzi.io/v1");
        Map<String, Object> pool = dev.all("KafkaNodePool").get(0);
        assertThat(Yml.labels(pool, "metadata", "labels")).containsEntry("strimzi.io/cluster", "cxbridge");
        assertThat(Yml.list(pool, "spec", "roles")).containsExactlyInAnyOrder("controller", "broker");
        assertThat(Yml.map(dev.one("ConfigMap", "cxbridge-config"), "data"))
                .containsEntry("KAFKA_BOOTSTRAP_SERVERS", "cxbridge-kafka-bootstrap:9092")
                .containsEntry("QUARKUS_REDIS_HOSTS", "redis://redis:6379");
    }

    @Test
    void devBringsARedisThatKeepsWhatItHoldsAndNeverEvicts() {
        Map<String, Object> redis = dev.one("StatefulSet", "redis");
        List<Object> args = Yml.list(Rendered.container(redis), "args");
        assertThat(String.join(" ", args.stream().map(String::valueOf).toList()))
                .contains("--appendonly yes", "--maxmemory-policy noeviction");
        assertThat(Yml.list(redis, "spec", "volumeClaimTemplates")).isNotEmpty();
        assertThat(dev.find("Service", "redis")).isPresent();
    }

    @Test
    void devSecretsPassTheServicesOwnValidationWithoutPlainKeys() {
        String keysYaml = String.valueOf(Yml.map(dev.one("Secret", "cxbridge-gateway-keys"), "stringData")
                .get("keys.yaml"));
        List<GatewayClient> clients = KeysFile.parse(keysYaml, false);
        assertThat(clients).extracting(GatewayClient::id).contains("demo", "readonly");

        sealsAndOpens(dev, "cxbridge-token-encryption", "CXBRIDGE_TOKEN_ENCRYPTION");
        sealsAndOpens(dev, "cxbridge-genesys", "CXBRIDGE_GENESYS_TOKEN_ENCRYPTION");
    }

    /**
     * deploy/dev-secrets.sh writes an overlay with fresh random values that the services accept: a client key whose
     * hash is in the keys file (the key itself only printed), and new 256-bit keys for both AES-GCM key sets, the
     * sim's OAuth client kept.
     */
    @Test
    void devSecretsScriptWritesFreshValuesTheServicesAccept() throws Exception {
        Path out = Repo.path("deploy/target/dev-secrets/dev-local");
        ProcessBuilder pb =
                new ProcessBuilder("bash", Repo.path("deploy/dev-secrets.sh").toString()).redirectErrorStream(true);
        pb.environment().put("DEV_SECRETS_OUT", out.toString());
        Process process = pb.start();
        String printed = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(printed).isZero();
        Matcher key = Pattern.compile("key \\(shown once, keep it\\): (cxb_[0-9a-f]+)")
                .matcher(printed);
        assertThat(key.find()).as(printed).isTrue();

        Rendered local = Kustomize.render("deploy/target/dev-secrets/dev-local");
        String keysYaml = String.valueOf(Yml.map(local.one("Secret", "cxbridge-gateway-keys"), "stringData")
                .get("keys.yaml"));
        assertThat(KeysFile.parse(keysYaml, false))
                .extracting(GatewayClient::id)
                .containsExactly("demo");
        String hash = HexFormat.of()
                .formatHex(
                        MessageDigest.getInstance("SHA-256").digest(key.group(1).getBytes(StandardCharsets.UTF_8)));
        assertThat(keysYaml).contains("sha256: " + hash).doesNotContain(key.group(1));
        for (String[] set : List.of(
                new String[] {"cxbridge-token-encryption", "CXBRIDGE_TOKEN_ENCRYPTION"},
                new String[] {"cxbridge-genesys", "CXBRIDGE_GENESYS_TOKEN_ENCRYPTION"})) {
            sealsAndOpens(local, set[0], set[1]);
            assertThat(Yml.map(local.one("Secret", set[0]), "stringData").get(set[1] + "_KEYS"))
                    .as("%s has a new key", set[0])
                    .isNotEqualTo(
                            Yml.map(dev.one("Secret", set[0]), "stringData").get(set[1] + "_KEYS"));
        }
        assertThat(Yml.map(local.one("Secret", "cxbridge-genesys"), "stringData"))
                .containsEntry("CXBRIDGE_GENESYS_CLIENT_ID", "cxbridge-local");
    }

    /** The key set of {@code secret} ({@code <prefix>_CURRENT_KEY_ID}, {@code <prefix>_KEYS}) seals and opens a token. */
    private static void sealsAndOpens(Rendered overlay, String secret, String prefix) {
        Map<String, Object> data = Yml.map(overlay.one("Secret", secret), "stringData");
        TokenCipher tokens = TokenCipher.fromSettings(
                prefix,
                Optional.of(String.valueOf(data.get(prefix + "_CURRENT_KEY_ID"))),
                Optional.of(String.valueOf(data.get(prefix + "_KEYS"))));
        assertThatCode(() -> assertThat(tokens.decrypt(tokens.encrypt("t", "f-1"), "f-1"))
                        .isEqualTo("t"))
                .as("%s's keys", secret)
                .doesNotThrowAnyException();
    }

    @Test
    void everyDevSecretWithRealFormatsIsMarkedDevOnlyAndProdHasNone() {
        assertThat(dev.all("Secret")).filteredOn(DevOverlayTest::devOnlyPublic).hasSizeGreaterThanOrEqualTo(3);
        assertThat(Kustomize.overlay("prod").objects()).noneMatch(DevOverlayTest::devOnlyPublic);
    }
}
