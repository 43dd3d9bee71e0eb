package io.cxbridge.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The gateway's {@code openapi.yaml} describes every operation it forwards to retry-svc and fulfillment-svc (their
 * failed-run / job state and both dead-letter APIs): the operations are read from the services' compiled JAX-RS
 * resources (inherited endpoints included, so the shared dead-letter core's listing, bulk replay and job status count
 * too), so a new service endpoint without its gateway description fails here.
 */
class GatewayOpenApiTest {

    /** The path prefixes the gateway forwards to these services (gateway-svc {@code routes.ServiceRoutes}). */
    private static final Map<String, List<String>> FORWARDED = Map.of(
            "retry-svc", List.of("/v1/data-actions/failed-runs/", "/v1/data-actions/dlq"),
            "fulfillment-svc", List.of("/v1/fulfillment/jobs/", "/v1/fulfillment/dlq"));

    private static final Set<String> HTTP_METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE");
    private static final String JAX_RS = "jakarta.ws.rs.";

    private static JavaClasses classes;

    @BeforeAll
    static void importTheServices() {
        List<String> modules = List.of("service-common", "retry-svc", "fulfillment-svc");
        for (String module : modules) {
            Path dir = Repo.path(module + "/target/classes/io/cxbridge");
            // Nothing compiled would make the test pass on nothing.
            assertThat(Files.isDirectory(dir))
                    .as("%s is compiled (run the reactor build)", dir)
                    .isTrue();
        }
        classes = new ClassFileImporter()
                .importPaths(modules.stream()
                        .map(m -> Repo.path(m + "/target/classes"))
                        .toList());
    }

    @Test
    void describesEveryForwardedOperationOfRetryAndFulfillment() {
        Set<String> described = described();
        for (Map.Entry<String, List<String>> service : FORWARDED.entrySet()) {
            Set<String> served = served(service.getKey().replace("-svc", ""), service.getValue());
            assertThat(served)
                    .as("%s serves its dead-letter listing, single and bulk replay and job status", service.getKey())
                    .anyMatch(op -> op.endsWith("/dlq"))
                    .anyMatch(op -> op.endsWith("/replay") && op.contains("{"))
                    .anyMatch(op -> op.endsWith("/dlq/replay"))
                    .anyMatch(op -> op.endsWith("/replays/{id}"));
            assertThat(described)
                    .as("the gateway's openapi.yaml describes what it forwards to %s", service.getKey())
                    .containsAll(served);
        }
    }

    /** "METHOD /path" of every operation in the gateway's openapi.yaml. */
    @SuppressWarnings("unchecked")
    private static Set<String> described() {
        Map<String, Object> doc = Repo.yamlMap(Repo.path("gateway-svc/src/main/resources/META-INF/openapi.yaml"));
        Set<String> ops = new TreeSet<>();
        ((Map<String, Object>) doc.get("paths"))
                .forEach((path, item) -> ((Map<String, Object>) item)
                        .keySet().stream()
                                .map(k -> k.toUpperCase(Locale.ROOT))
                                .filter(HTTP_METHODS::contains)
                                .forEach(method -> ops.add(method + " " + path)));
        return ops;
    }

    /** "METHOD /path" of every JAX-RS operation in {@code io.cxbridge.<pkg>} under one of {@code prefixes}. */
    private static Set<String> served(String pkg, List<String> prefixes) {
        Set<String> ops = new TreeSet<>();
        for (JavaClass resource : classes) {
            if (!resource.getPackageName().startsWith("io.cxbridge." + pkg)
                    || !resource.isAnnotatedWith(JAX_RS + "Path")) {
                continue;
            }
            String base = path(
                    resource.getAnnotationOfType(JAX_RS + "Path").get("value").orElseThrow());
            for (JavaMethod method : resource.getAllMethods()) {
                String verb = HTTP_METHODS.stream()
                        .filter(v -> method.isAnnotatedWith(JAX_RS + v))
                        .findFirst()
                        .orElse(null);
                if (verb == null) {
                    continue;
                }
                String sub = method.isAnnotatedWith(JAX_RS + "Path")
                        ? path(method.getAnnotationOfType(JAX_RS + "Path")
                                .get("value")
                                .orElseThrow())
                        : "";
                String full = base + sub;
                if (prefixes.stream().anyMatch(full::startsWith)) {
                    ops.add(verb + " " + full);
                }
            }
        }
        return ops;
    }

    private static String path(Object value) {
        String p = value.toString();
        p = p.startsWith("/") ? p : "/" + p;
        return p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }
}
