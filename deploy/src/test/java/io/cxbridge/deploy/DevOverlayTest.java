package io.cxbridge.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.cxbridge.gateway.auth.GatewayClient;
import io.cxbridge.gateway.auth.KeysFile;
import io.cxbridge.model.crypto.TokenCipher;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

        Map<String, Object> cipher = Yml.map(dev.one("Secret", "cxbridge-token-encryption"), "stringData");
        String current = String.valueOf(cipher.get("CXBRIDGE_TOKEN_ENCRYPTION_CURRENT_KEY_ID"));
        Map<String, String> keys = new LinkedHashMap<>();
        for (String pair :
                String.valueOf(cipher.get("CXBRIDGE_TOKEN_ENCRYPTION_KEYS")).split(",")) {
            String[] idAndKey = pair.trim().split("=", 2);
            keys.put(idAndKey[0], idAndKey[1]);
        }
        TokenCipher tokens = new TokenCipher(current, keys);
        assertThatCode(() -> assertThat(tokens.decrypt(tokens.encrypt("t", "f-1"), "f-1"))
                        .isEqualTo("t"))
                .doesNotThrowAnyException();
    }

    @Test
    void everyDevSecretWithRealFormatsIsMarkedDevOnlyAndProdHasNone() {
        assertThat(dev.all("Secret")).filteredOn(DevOverlayTest::devOnlyPublic).hasSizeGreaterThanOrEqualTo(3);
        assertThat(Kustomize.overlay("prod").objects()).noneMatch(DevOverlayTest::devOnlyPublic);
    }
}
