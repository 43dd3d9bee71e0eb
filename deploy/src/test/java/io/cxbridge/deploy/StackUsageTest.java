package io.cxbridge.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code ./stack} without arguments prints its usage, and the README sends readers there for the environment
 * variables: the usage names every variable the script reads from the environment.
 */
class StackUsageTest {

    /** Bash's own variables and the environment every program has: not settings of the stack. */
    private static final Set<String> NOT_SETTINGS =
            Set.of("SECONDS", "BASH_SOURCE", "BASH_REMATCH", "RANDOM", "LINENO", "PWD", "HOME", "PATH", "IFS", "UID");

    @Test
    void theUsageNamesEveryEnvironmentVariableTheScriptReads() throws Exception {
        Set<String> read = environmentRead(Repo.read(Repo.path("stack")));
        assertThat(read)
                .as("variables found in ./stack")
                .contains("KAFKA_PORT", "STACK_JAVA_OPTS", "GATEWAY_HOST", "CXBRIDGE_REDIS_HOSTS", "SIM_PORT");
        String usage = usage();
        assertThat(usage).as("./stack's usage").contains("./stack up");
        assertThat(read.stream()
                        .filter(v -> !Pattern.compile("\\b" + v + "\\b")
                                .matcher(usage)
                                .find()))
                .as("variables ./stack reads that its usage (the header comment it prints) does not name")
                .isEmpty();
    }

    @Test
    void theScanFindsVariablesReadAndNotThoseTheScriptSetsItself() {
        String script = """
                STATE="${STACK_STATE:-$ROOT/.stack}"
                ROOT="$(pwd)"
                REDIS_HOSTS="${CXBRIDGE_REDIS_HOSTS:-}"
                APPS=("genesys-sim:SIM_PORT:8090" "retry-svc:RETRY_PORT:8081:RETRY_MGMT_PORT:9081")
                run() { local start=$SECONDS; java ${KAFKA_JAVA_OPTS:--Xmx1g} -Dh="${GATEWAY_HOST:-127.0.0.1}" "$STATE" "$REDIS_HOSTS"; }
                """;
        assertThat(environmentRead(script))
                .containsExactlyInAnyOrder(
                        "STACK_STATE",
                        "CXBRIDGE_REDIS_HOSTS",
                        "SIM_PORT",
                        "RETRY_PORT",
                        "RETRY_MGMT_PORT",
                        "KAFKA_JAVA_OPTS",
                        "GATEWAY_HOST");
    }

    /**
     * Upper-case variables the script reads and never sets, or sets from themselves ({@code X="${X:-default}"}),
     * and the port variables of its {@code APPS} entries ({@code name:PORT_VAR:port[:MGMT_VAR:port]}).
     */
    static Set<String> environmentRead(String script) {
        Set<String> referenced = new TreeSet<>();
        Matcher ref = Pattern.compile("\\$\\{?([A-Z][A-Z0-9_]*)").matcher(script);
        while (ref.find()) {
            referenced.add(ref.group(1));
        }
        Set<String> read = new TreeSet<>();
        for (String v : referenced) {
            Matcher set = Pattern.compile("(?m)^\\s*(?:local\\s+|export\\s+|readonly\\s+)?" + v + "=(.*)$")
                    .matcher(script);
            boolean setHere = false;
            boolean fromItself = false;
            while (set.find()) {
                setHere = true;
                fromItself |=
                        set.group(1).contains("${" + v + ":") || set.group(1).contains("${" + v + "-");
            }
            if ((!setHere || fromItself) && !NOT_SETTINGS.contains(v)) {
                read.add(v);
            }
        }
        Matcher app = Pattern.compile("\"[a-z-]+:([A-Z_]+):\\d+(?::([A-Z_]+):\\d+)?\"")
                .matcher(script);
        while (app.find()) {
            read.add(app.group(1));
            if (app.group(2) != null) {
                read.add(app.group(2));
            }
        }
        return read;
    }

    private static String usage() throws Exception {
        Process process = new ProcessBuilder("bash", Repo.path("stack").toString())
                .redirectErrorStream(true)
                .start();
        String printed = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(printed).isZero();
        return printed;
    }
}
