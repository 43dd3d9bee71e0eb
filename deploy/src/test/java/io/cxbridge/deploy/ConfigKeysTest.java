package io.cxbridge.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every cxbridge setting the manifests and the compose file give a service (CXBRIDGE_* variables) is one the
 * code reads: a {@code @ConfigMapping} property, an application.properties key, or a name a configuration
 * expression of the manifests refers to. Settings for features still being built are listed below.
 */
class ConfigKeysTest {

    /** Settings the deploy files already carry for features that are being built, and why. */
    static final Map<String, String> PENDING = Map.of(
            "CXBRIDGE_RETRY_WEBHOOK_URL", "retry-svc's webhook (SPEC names cxbridge.retry.webhook-url)",
            "CXBRIDGE_RETENTION_WEBHOOK_URL", "retention-svc's webhook",
            "CXBRIDGE_DIRECTORY_WEBHOOK_URL", "directory-svc's webhook",
            "CXBRIDGE_RETRY_WEBHOOK_SECRET", "retry-svc's webhook signing secret",
            "CXBRIDGE_RETENTION_WEBHOOK_SECRET", "retention-svc's webhook signing secret",
            "CXBRIDGE_DIRECTORY_WEBHOOK_SECRET", "directory-svc's webhook signing secret");

    private static final Pattern MAPPING = Pattern.compile("@ConfigMapping\\(\\s*prefix\\s*=\\s*\"([^\"]+)\"");
    private static final Pattern METHOD =
            Pattern.compile("^\\s*[\\w<>,.? \\[\\]]+\\s+(\\w+)\\(\\)\\s*;", Pattern.MULTILINE);
    private static final Pattern EXPRESSION = Pattern.compile("\\$\\{([^}:]+)");

    static String envName(String property) {
        return property.replaceAll("([a-z0-9])([A-Z])", "$1_$2")
                .replaceAll("[^A-Za-z0-9]", "_")
                .toUpperCase(Locale.ROOT);
    }

    /** Environment-variable forms of every cxbridge property the modules' code and properties define. */
    static Set<String> known() {
        Set<String> known = new TreeSet<>();
        for (Path file : Repo.files(Repo.root(), ".java")) {
            String rel = Repo.root().relativize(file).toString().replace('\\', '/');
            if (!rel.matches("[^/]+/src/main/java/.*")) {
                continue;
            }
            String source = Repo.read(file);
            Matcher mapping = MAPPING.matcher(source);
            if (!mapping.find()) {
                continue;
            }
            String prefix = envName(mapping.group(1));
            List<String> methods = new ArrayList<>();
            Matcher m = METHOD.matcher(source);
            while (m.find()) {
                methods.add(envName(m.group(1)));
            }
            // A property is a method of the mapping, or a method of one of its groups (one level deep).
            for (String a : methods) {
                known.add(prefix + "_" + a);
                for (String b : methods) {
                    known.add(prefix + "_" + a + "_" + b);
                }
            }
        }
        for (Path props : Repo.files(Repo.root(), "application.properties", "microprofile-config.properties")) {
            if (!Repo.root().relativize(props).toString().replace('\\', '/').matches("[^/]+/src/main/resources/.*")) {
                continue;
            }
            Properties p = new Properties();
            try (var in = java.nio.file.Files.newInputStream(props)) {
                p.load(in);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            p.stringPropertyNames().forEach(k -> known.add(envName(k.replaceFirst("^%[\\w-]+\\.", ""))));
        }
        return known;
    }

    @Test
    void everyCxbridgeSettingOfTheManifestsAndComposeIsReadByTheCode() {
        Map<String, String> settings = new TreeMap<>(); // variable -> where it is set
        Set<String> expressions = new TreeSet<>();
        for (String overlay : Kustomize.OVERLAYS) {
            Rendered r = Kustomize.overlay(overlay);
            for (Map<String, Object> cm : r.all("ConfigMap")) {
                Yml.map(cm, "data").forEach((k, v) -> {
                    settings.put(k, overlay + " ConfigMap " + Rendered.name(cm));
                    collectExpressions(String.valueOf(v), expressions);
                });
            }
            for (Map<String, Object> s : r.all("Secret")) {
                Yml.map(s, "stringData")
                        .keySet()
                        .forEach(k -> settings.put(k, overlay + " Secret " + Rendered.name(s)));
            }
            for (Map<String, Object> d : r.all("Deployment")) {
                for (Object e : Yml.list(Rendered.container(d), "env")) {
                    settings.put(Yml.str(e, "name"), overlay + " Deployment " + Rendered.name(d));
                    collectExpressions(String.valueOf(Yml.str(e, "value")), expressions);
                }
            }
        }
        Map<String, Object> services = Yml.map(Repo.yamlMap(Repo.path("docker-compose.yml")), "services");
        services.forEach((name, s) -> ComposeTest.environment(s).forEach((k, v) -> {
            settings.put(k, "docker-compose.yml " + name);
            collectExpressions(v, expressions);
        }));

        Set<String> known = known();
        expressions.forEach(e -> known.add(envName(e)));
        assertThat(known)
                .as("the scan finds the services' settings")
                .contains(
                        "CXBRIDGE_GENESYS_CLIENT_SECRET",
                        "CXBRIDGE_KAFKA_PARTITIONS",
                        "CXBRIDGE_GATEWAY_AUTH_KEYS_FILE");
        settings.forEach((variable, where) -> {
            if (!variable.startsWith("CXBRIDGE_") || PENDING.containsKey(variable)) {
                return;
            }
            assertThat(known)
                    .as(
                            "%s (%s) is a setting some module reads; a typo, or a setting not built yet "
                                    + "(then list it in ConfigKeysTest.PENDING)",
                            variable, where)
                    .contains(variable);
        });
    }

    private static void collectExpressions(String value, Set<String> into) {
        Matcher m = EXPRESSION.matcher(value);
        while (m.find()) {
            into.add(m.group(1));
        }
    }
}
