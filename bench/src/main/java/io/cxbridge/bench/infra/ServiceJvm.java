package io.cxbridge.bench.infra;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The JVM options {@code ./stack} starts a part with, for the processes a benchmark starts beside the stack (the extra
 * retry-svc, each service started alone), so that their figures are the stack's: {@code STACK_JAVA_OPTS} (default
 * {@code -Xms64m -Xmx256m}), plus the collector of the part's container image unless those options name one (the JVM
 * refuses two), and {@code -XX:-UsePerfData} as in the images unless they name {@code UsePerfData}. Mirrors
 * {@code start_app} in {@code ./stack}.
 */
public final class ServiceJvm {

    private static final Pattern COLLECTOR = Pattern.compile("-XX:\\+Use\\w*GC");

    private static final String NO_PERF_DATA = "-XX:-UsePerfData";

    /** The parts whose Dockerfile sets {@code GC_CONTAINER_OPTIONS=-XX:+UseG1GC}; run-java.sh's parallel for the rest. */
    private static final Set<String> G1 = Set.of("fulfillment-svc", "genesys-sim");

    private ServiceJvm() {}

    public static List<String> options(Map<String, String> env, String part) {
        String given = env.getOrDefault("STACK_JAVA_OPTS", "").trim();
        List<String> options =
                new ArrayList<>(given.isEmpty() ? List.of("-Xms64m", "-Xmx256m") : List.of(given.split("\\s+")));
        if (options.stream().noneMatch(o -> COLLECTOR.matcher(o).matches())) {
            options.add(G1.contains(part) ? "-XX:+UseG1GC" : "-XX:+UseParallelGC");
        }
        if (options.stream().noneMatch(o -> o.contains("UsePerfData"))) {
            options.add(NO_PERF_DATA);
        }
        return options;
    }
}
