package io.cxbridge.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * genesys-sim's {@code openapi.yaml} (its README: "describes every endpoint") lists exactly the control API's
 * operations: every path {@code control.ControlApi} answers (a {@code case "/sim/..."} of its switch, or a path
 * {@code Pattern}) with the methods its 405 answer allows ({@code notAllowed(ctx, "GET, POST")}).
 */
class SimControlOpenApiTest {

    private static final String CONTROL_API = "genesys-sim/src/main/java/io/cxbridge/sim/control/ControlApi.java";
    private static final String OPENAPI = "genesys-sim/src/main/resources/META-INF/openapi.yaml";
    private static final Set<String> HTTP_METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE");

    @Test
    void theOpenApiDocumentListsEveryControlOperation() {
        Set<String> served = served();
        assertThat(served)
                .as("operations read from %s", CONTROL_API)
                .hasSizeGreaterThan(10)
                .contains("POST /sim/reset", "DELETE /sim/faults/{}");
        assertThat(described())
                .as("the /sim operations of %s are the control API's (%s)", OPENAPI, CONTROL_API)
                .isEqualTo(served);
    }

    /**
     * "METHOD /path" of every control operation, a path parameter as {@code {}}: each arm of {@code route}, from one
     * {@code case "/sim/..."} or {@code NAME.matcher(path)} to the next, holds the 405 answer naming its methods.
     */
    private static Set<String> served() {
        String source = Repo.read(Repo.path(CONTROL_API));
        Map<String, String> patterns = new HashMap<>();
        Matcher p = Pattern.compile("(\\w+)\\s*=\\s*Pattern\\.compile\\(\"(/sim/[^\"]*)\"\\)")
                .matcher(source);
        while (p.find()) {
            patterns.put(p.group(1), p.group(2).replace("([^/]+)", "{}"));
        }
        int from = source.indexOf("void route(");
        int to = source.indexOf("\n    private ", from);
        assertThat(from).as("ControlApi.route").isPositive();
        String route = source.substring(from, to < 0 ? source.length() : to);
        Matcher arm = Pattern.compile("case \"(/sim/[^\"]*)\"|\\(m = (\\w+)\\.matcher\\(path\\)\\)")
                .matcher(route);
        Set<String> ops = new TreeSet<>();
        int start = -1;
        String path = null;
        while (true) {
            boolean found = arm.find();
            if (path != null) {
                String body = route.substring(start, found ? arm.start() : route.length());
                Matcher allowed =
                        Pattern.compile("notAllowed\\(ctx, \"([A-Z, ]+)\"\\)").matcher(body);
                assertThat(allowed.find())
                        .as("the 405 answer of %s names its methods", path)
                        .isTrue();
                for (String method : allowed.group(1).split(",\\s*")) {
                    ops.add(method + " " + path);
                }
            }
            if (!found) {
                return ops;
            }
            path = arm.group(1) != null ? arm.group(1) : patterns.get(arm.group(2));
            assertThat(path).as("the path of %s", arm.group()).isNotNull();
            start = arm.end();
        }
    }

    /** "METHOD /path" of every /sim operation in the sim's openapi.yaml, a path parameter as {@code {}}. */
    @SuppressWarnings("unchecked")
    private static Set<String> described() {
        Map<String, Object> paths =
                (Map<String, Object>) Repo.yamlMap(Repo.path(OPENAPI)).get("paths");
        Set<String> ops = new TreeSet<>();
        paths.forEach((path, item) -> {
            if (path.startsWith("/sim/")) {
                ((Map<String, Object>) item)
                        .keySet().stream()
                                .map(k -> k.toUpperCase(Locale.ROOT))
                                .filter(HTTP_METHODS::contains)
                                .forEach(m -> ops.add(m + " " + path.replaceAll("\\{[^}]+}", "{}")));
            }
        });
        return ops;
    }
}
