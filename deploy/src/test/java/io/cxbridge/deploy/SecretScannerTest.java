package io.cxbridge.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The scanner the Secret check relies on tells placeholders from real-looking credentials. */
class SecretScannerTest {

    private static final SecureRandom RANDOM = new SecureRandom();

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    private static String randomUpperAlnum(int n) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            s.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return s.toString();
    }

    @Test
    void placeholdersAndThePublicSimCredentialsPass() {
        assertThat(SecretScanner.problem("CHANGE_ME")).isEmpty();
        assertThat(SecretScanner.problem("CHANGE_ME: the PEM certificate of the CA that signed it"))
                .isEmpty();
        assertThat(
                        SecretScanner.problem(
                                "clients:\n  - id: CHANGE_ME_CLIENT_ID\n    rateLimitPerMinute: 300\n"
                                        + "    keys:\n      - sha256: CHANGE_ME_SHA256_OF_THE_CLIENT_KEY\n    routes:\n      - \"GET /api/v2/**\"\n"))
                .isEmpty();
        assertThat(SecretScanner.problem("cxbridge-local-secret")).isEmpty();
    }

    @Test
    void anyOtherPlainValueIsRefused() {
        assertThat(SecretScanner.problem("hunter2"))
                .hasValueSatisfying(p -> assertThat(p).contains("placeholder"));
        assertThat(SecretScanner.problem("")).isPresent();
    }

    @Test
    void realLookingCredentialsAreRefusedEvenNextToAPlaceholder() {
        String base64Key = Base64.getEncoder().encodeToString(random(32));
        String hexKey = HexFormat.of().formatHex(random(32));
        String awsKeyId = "AKIA" + randomUpperAlnum(16);
        String jwt = "eyJ" + Base64.getUrlEncoder().withoutPadding().encodeToString(random(24)) + ".eyJ"
                + Base64.getUrlEncoder().withoutPadding().encodeToString(random(24)) + ".sig";
        String pem = "-----BEGIN " + "PRIVATE KEY-----\nMIIB...\n-----END PRIVATE KEY-----";
        for (String real : new String[] {
            base64Key,
            hexKey,
            awsKeyId,
            jwt,
            pem,
            "redis://cxbridge:pwK3s9Qx7@redis:6379",
            "ghp_" + randomUpperAlnum(36),
            "CHANGE_ME " + base64Key
        }) {
            assertThat(SecretScanner.realLooking(real))
                    .as("%s looks real", real)
                    .isPresent();
            assertThat(SecretScanner.problem(real)).as("%s is refused", real).isPresent();
        }
    }

    @Test
    void configurationValuesAreNotMistakenForCredentials() {
        for (String plain : new String[] {
            "cxbridge-kafka-bootstrap.kafka.svc:9093",
            "rediss://cxbridge@redis-master.redis.svc:6379",
            "rediss://cxbridge:${cxbridge.redis.password}@redis-master.redis.svc:6379",
            "redis://cxbridge:CHANGE_ME@redis:6379",
            "/etc/cxbridge/gateway-keys/keys.yaml",
            "SCRAM-SHA-512",
            "http://retry-svc:8081",
            "us_east_1"
        }) {
            assertThat(SecretScanner.realLooking(plain)).as(plain).isEmpty();
        }
    }
}
