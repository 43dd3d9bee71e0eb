package io.cxbridge.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Each image runs the collector, with the collector's own heap sizing, that {@code ./stack} runs the same part with, so
 * the benchmarks measure what the images run (docs/decisions.md, issue #20 session 20). The image's run-java.sh
 * selects {@code GC_CONTAINER_OPTIONS} (default {@code -XX:+UseParallelGC}) and always adds four sizing flags from
 * {@code GC_*} variables, with defaults of its own unless the Dockerfile sets them. Both also run without the JVM's
 * hsperfdata ({@code -XX:-UsePerfData}, issue #20 session 27).
 */
class ImageCollectorTest {

    private static final String RUN_JAVA_DEFAULT = "-XX:+UseParallelGC";

    /** The JVM's own values of the four flags for each collector ({@code java -XX:+PrintFlagsFinal}, Java 17). */
    private static final Map<String, Map<String, String>> JVM_SIZING = Map.of(
            "-XX:+UseParallelGC",
            Map.of(
                    "GC_MIN_HEAP_FREE_RATIO", "0",
                    "GC_MAX_HEAP_FREE_RATIO", "100",
                    "GC_TIME_RATIO", "99",
                    "GC_ADAPTIVE_SIZE_POLICY_WEIGHT", "10"),
            "-XX:+UseG1GC",
            Map.of(
                    "GC_MIN_HEAP_FREE_RATIO", "40",
                    "GC_MAX_HEAP_FREE_RATIO", "70",
                    "GC_TIME_RATIO", "12",
                    "GC_ADAPTIVE_SIZE_POLICY_WEIGHT", "10"));

    /** A branch of start_app's {@code case "$name" in ... esac} in ./stack: parts (or *) and their collector. */
    private static final Pattern STACK_BRANCH =
            Pattern.compile("^\\s*([\\w|* -]+?)\\)\\s*collector=\\((-XX:\\+Use\\w+GC)\\)\\s*;;", Pattern.MULTILINE);

    private static final Pattern ENV_PAIR = Pattern.compile("(\\w+)=(\"([^\"]*)\"|'([^']*)'|(\\S*))");

    @Test
    void eachImageRunsTheCollectorAndSizingThatStackRunsItsPartWith() {
        Map<String, String> stack = stackCollectors();
        assertThat(stack).as("./stack names a collector for every other part").containsKey("*");
        Repo.IMAGES.keySet().forEach(module -> {
            Map<String, String> env = env(Repo.read(Repo.path(module + "/src/main/docker/Dockerfile.jvm")));
            String image = env.getOrDefault("GC_CONTAINER_OPTIONS", RUN_JAVA_DEFAULT);
            assertThat(image)
                    .as("%s: the image's collector is the one ./stack runs it with", module)
                    .isEqualTo(stack.getOrDefault(module, stack.get("*")));
            assertThat(JVM_SIZING)
                    .as("%s: a collector whose sizing this test knows", module)
                    .containsKey(image);
            JVM_SIZING
                    .get(image)
                    .forEach((name, value) -> assertThat(env)
                            .as(
                                    "%s sets %s to the JVM's own value for %s (run-java.sh's default differs)",
                                    module, name, image)
                            .containsEntry(name, value));
        });
    }

    @Test
    void eachImageAndTheStackRunWithoutPerfData() {
        Repo.IMAGES.keySet().forEach(module -> {
            Map<String, String> env = env(Repo.read(Repo.path(module + "/src/main/docker/Dockerfile.jvm")));
            assertThat(List.of(env.getOrDefault("JAVA_OPTS_APPEND", "").split("\\s+")))
                    .as("%s: the image's JAVA_OPTS_APPEND", module)
                    .contains("-XX:-UsePerfData");
        });
        assertThat(Repo.read(Repo.path("stack")))
                .as("./stack starts the parts without hsperfdata unless STACK_JAVA_OPTS names it")
                .contains("perfdata=(-XX:-UsePerfData)")
                .contains("\"${perfdata[@]}\"");
    }

    @Test
    void theParsersReadWhatTheyAreGiven() {
        assertThat(env("ENV A=1 B=\"x y\"\n# ENV C=3\nENV D='z'\n"))
                .containsEntry("A", "1")
                .containsEntry("B", "x y")
                .containsEntry("D", "z")
                .doesNotContainKey("C");
        Matcher m = STACK_BRANCH.matcher("    case x in\n      a-svc | b-sim) collector=(-XX:+UseG1GC) ;;\n");
        assertThat(m.find()).isTrue();
        assertThat(m.group(1).trim()).isEqualTo("a-svc | b-sim");
        assertThat(m.group(2)).isEqualTo("-XX:+UseG1GC");
    }

    private static Map<String, String> stackCollectors() {
        Map<String, String> out = new HashMap<>();
        Matcher m = STACK_BRANCH.matcher(Repo.read(Repo.path("stack")));
        while (m.find()) {
            for (String part : m.group(1).split("\\|")) {
                out.put(part.trim(), m.group(2));
            }
        }
        return out;
    }

    private static Map<String, String> env(String dockerfile) {
        Map<String, String> out = new HashMap<>();
        for (String args : ComposeTest.args(ComposeTest.instructions(dockerfile), "ENV")) {
            Matcher m = ENV_PAIR.matcher(args);
            while (m.find()) {
                String value = m.group(3) != null ? m.group(3) : m.group(4) != null ? m.group(4) : m.group(5);
                out.put(m.group(1), value);
            }
        }
        return out;
    }
}
