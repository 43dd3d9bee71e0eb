package io.cxbridge.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The gateway's {@code openapi.yaml} describes every operation it forwards to the other services: the routes are read
 * from gateway-svc's {@code routes.ServiceRoutes} (each {@code route(router, "<regex>", "<service>", ...)}), the
 * operations from the services' compiled JAX-RS resources (inherited endpoints included, so the shared dead-letter
 * core's listing, bulk replay and job status count too), so a new service endpoint, or a new forwarded route, without
 * its gateway description fails here. A described path ending in the parameter {@code {path}} stands for every path
 * below it (the gateway's catch-all descriptions of retention-svc and directory-svc).
 */
class GatewayOpenApiTest {

    /** A forwarded route of {@code ServiceRoutes}: the path regex and the service it goes to. */
    private static final Pattern ROUTE =
            Pattern.compile("route\\(\\s*router,\\s*\"((?:[^\"\\\\]|\\\\.)*)\",\\s*\"([a-z-]+)\"");

    private static final Set<String> HTTP_METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE");
    private static final String JAX_RS = "jakarta.ws.rs.";
    private static final String CATCH_ALL = "/{path}";

    private static JavaClasses classes;
    /** Path regex to service, in ServiceRoutes' order. */
    private static Map<Pattern, String> routes;

    @BeforeAll
    static void importTheServices() {
        routes = forwardedRoutes();
        List<String> modules = new ArrayList<>(List.of("service-common"));
        new LinkedHashSet<>(routes.values()).forEach(modules::add);
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
    void theRoutesAreReadFromServiceRoutes() {
        assertThat(new LinkedHashSet<>(routes.values()))
                .as("the services ServiceRoutes forwards to")
                .containsExactlyInAnyOrder("retry-svc", "fulfillment-svc", "retention-svc", "directory-svc");
    }

    @Test
    void describesEveryForwardedOperation() {
        Set<String> described = described();
        for (Map.Entry<Pattern, String> route : routes.entrySet()) {
            String service = route.getValue();
            Set<String> served = served(service.replace("-svc", ""), route.getKey());
            assertThat(served)
                    .as("%s serves operations under %s (else the scan found nothing)", service, route.getKey())
                    .isNotEmpty();
            assertThat(served.stream().filter(op -> !isDescribed(op, described)))
                    .as(
                            "operations %s serves under %s that the gateway's openapi.yaml leaves out",
                            service, route.getKey())
                    .isEmpty();
        }
    }

    @Test
    void servesTheDeadLetterApisOfRetryAndFulfillment() {
        for (String service : List.of("retry", "fulfillment")) {
            Set<String> served = new TreeSet<>();
            routes.forEach((regex, s) -> {
                if (s.equals(service + "-svc")) {
                    served.addAll(served(service, regex));
                }
            });
            assertThat(served)
                    .as("%s serves its dead-letter listing, single and bulk replay and job status", service)
                    .anyMatch(op -> op.endsWith("/dlq"))
                    .anyMatch(op -> op.endsWith("/replay") && op.contains("{"))
                    .anyMatch(op -> op.endsWith("/dlq/replay"))
                    .anyMatch(op -> op.endsWith("/replays/{id}"));
        }
    }

    /** {@code op} itself, or the same method on a catch-all {@code .../{path}} above its path. */
    private static boolean isDescribed(String op, Set<String> described) {
        if (described.contains(op)) {
            return true;
        }
        String method = op.substring(0, op.indexOf(' '));
        String path = op.substring(op.indexOf(' ') + 1);
        return described.stream()
                .filter(d -> d.startsWith(method + " ") && d.endsWith(CATCH_ALL))
                .map(d -> d.substring(method.length() + 1, d.length() - CATCH_ALL.length()))
                .anyMatch(prefix -> path.startsWith(prefix + "/"));
    }

    /** Each {@code route(router, "<regex>", "<service>", ...)} of ServiceRoutes. */
    private static Map<Pattern, String> forwardedRoutes() {
        Path source = Repo.path("gateway-svc/src/main/java/io/cxbridge/gateway/routes/ServiceRoutes.java");
        Map<Pattern, String> out = new LinkedHashMap<>();
        Matcher m = ROUTE.matcher(Repo.read(source));
        while (m.find()) {
            out.put(Pattern.compile(m.group(1).replace("\\\\", "\\")), m.group(2));
        }
        assertThat(out).as("routes found in %s", source).isNotEmpty();
        return out;
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

    /**
     * "METHOD /path" of every JAX-RS operation in {@code io.cxbridge.<pkg>} whose path the gateway's route regex
     * matches (a path parameter stands for one segment).
     */
    private static Set<String> served(String pkg, Pattern route) {
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
                if (route.matcher(full.replaceAll("\\{[^}]+}", "x")).matches()) {
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
