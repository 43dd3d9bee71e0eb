package io.cxbridge.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** docker-compose.yml runs the whole stack on the spec's ports, healthy in order, from Dockerfiles in the repo. */
class ComposeTest {

    private static Map<String, Object> compose;
    private static Map<String, Object> services;

    @BeforeAll
    static void parse() {
        compose = Repo.yamlMap(Repo.path("docker-compose.yml"));
        services = Yml.map(compose, "services");
    }

    /** "127.0.0.1:8080:8080" or "8080:8080" or {published, target}: host port -> container port. */
    static Map<Integer, Integer> ports(Object service) {
        Map<Integer, Integer> ports = new LinkedHashMap<>();
        for (Object p : Yml.list(service, "ports")) {
            if (p instanceof Map) {
                ports.put(Integer.parseInt(Yml.str(p, "published")), Integer.parseInt(Yml.str(p, "target")));
            } else {
                String[] parts = String.valueOf(p).split(":");
                ports.put(Integer.parseInt(parts[parts.length - 2]), Integer.parseInt(parts[parts.length - 1]));
            }
        }
        return ports;
    }

    static Map<String, String> environment(Object service) {
        Map<String, String> env = new LinkedHashMap<>();
        Object e = Yml.at(service, "environment");
        if (e instanceof Map<?, ?> m) {
            m.forEach((k, v) -> env.put(String.valueOf(k), String.valueOf(v)));
        } else {
            for (Object item : Yml.list(service, "environment")) {
                String[] kv = String.valueOf(item).split("=", 2);
                env.put(kv[0], kv.length > 1 ? kv[1] : "");
            }
        }
        return env;
    }

    static String healthcheckCommand(Object service) {
        Object test = Yml.at(service, "healthcheck", "test");
        if (test instanceof List<?> l) {
            List<String> parts = l.stream().map(String::valueOf).toList();
            return String.join(" ", parts.get(0).startsWith("CMD") ? parts.subList(1, parts.size()) : parts);
        }
        return String.valueOf(test);
    }

    @Test
    void namesEveryPartOfTheStackOnTheSpecsPorts() {
        assertThat(services).containsKeys("kafka", "redis");
        Repo.IMAGES.forEach((svc, port) -> {
            assertThat(services).as("docker-compose.yml service %s", svc).containsKey(svc);
            assertThat(ports(services.get(svc))).as("%s's published port", svc).containsEntry(port, port);
            int management = Repo.managementPort(svc);
            assertThat(ports(services.get(svc)))
                    .as("%s's published management port", svc)
                    .containsEntry(management, management);
        });
        assertThat(ports(services.get("kafka"))).containsEntry(Repo.KAFKA_PORT, Repo.KAFKA_PORT);
        assertThat(ports(services.get("redis"))).containsEntry(Repo.REDIS_PORT, Repo.REDIS_PORT);
    }

    @Test
    void everyPartHasAHealthCheckAndTheServicesCheckReadiness() {
        for (String name : List.of("kafka", "redis")) {
            assertThat(healthcheckCommand(services.get(name)))
                    .as("%s healthcheck", name)
                    .isNotBlank();
        }
        assertThat(healthcheckCommand(services.get("redis"))).contains("ping");
        Repo.IMAGES.forEach((svc, port) -> assertThat(healthcheckCommand(services.get(svc)))
                .as("%s's healthcheck asks /q/health/ready on its management port", svc)
                .contains("/q/health/ready")
                .contains("/" + Repo.managementPort(svc) + " "));
        for (Object s : services.values()) {
            assertThat(Yml.at(s, "healthcheck", "disable")).isNotEqualTo(true);
        }
    }

    @Test
    void servicesStartOnceKafkaRedisAndTheSimAreHealthy() {
        for (String svc : Repo.SERVICES.keySet()) {
            Map<String, Object> deps = Yml.map(services.get(svc), "depends_on");
            for (String dep : List.of("kafka", "redis", Repo.SIM)) {
                assertThat(Yml.str(deps, dep, "condition"))
                        .as("%s waits for %s", svc, dep)
                        .isEqualTo("service_healthy");
            }
        }
    }

    @Test
    void kafkaIsASingleKRaftNodeAndRedisPersistsAppendOnly() {
        Object kafka = services.get("kafka");
        assertThat(Yml.str(kafka, "image")).startsWith("apache/kafka:");
        Map<String, String> env = environment(kafka);
        assertThat(env.get("KAFKA_PROCESS_ROLES")).contains("broker").contains("controller");
        assertThat(env).containsKeys("KAFKA_CONTROLLER_QUORUM_VOTERS", "KAFKA_CONTROLLER_LISTENER_NAMES");
        assertThat(env.get("KAFKA_ADVERTISED_LISTENERS"))
                .as("the host's port is advertised as localhost")
                .contains("://localhost:" + Repo.KAFKA_PORT);
        Object redis = services.get("redis");
        assertThat(Yml.str(redis, "image")).startsWith("redis:");
        String command = Yml.at(redis, "command") instanceof List<?> l
                ? String.join(" ", l.stream().map(String::valueOf).toList())
                : Yml.str(redis, "command");
        assertThat(command).contains("--appendonly yes");
        assertThat(Yml.list(redis, "volumes"))
                .as("Redis keeps its data in a volume")
                .anyMatch(v -> String.valueOf(v).endsWith(":/data"));
    }

    @Test
    void servicesAreWiredToTheContainersNotToLoopback() {
        Map<String, String> kafkaEnv = environment(services.get("kafka"));
        for (String svc : Repo.SERVICES.keySet()) {
            Map<String, String> env = environment(services.get(svc));
            String bootstrap = env.get("KAFKA_BOOTSTRAP_SERVERS");
            assertThat(bootstrap).as("%s KAFKA_BOOTSTRAP_SERVERS", svc).startsWith("kafka:");
            assertThat(kafkaEnv.get("KAFKA_ADVERTISED_LISTENERS"))
                    .as("the broker advertises %s", bootstrap)
                    .contains("://" + bootstrap);
            assertThat(env.get("QUARKUS_REDIS_HOSTS"))
                    .as("%s QUARKUS_REDIS_HOSTS", svc)
                    .isEqualTo("redis://redis:" + Repo.REDIS_PORT);
            assertThat(env.get("CXBRIDGE_GENESYS_BASE_URL"))
                    .as("%s talks to the sim", svc)
                    .isEqualTo("http://" + Repo.SIM + ":" + Repo.SIM_PORT);
            assertThat(env)
                    .as("%s has the sim's client", svc)
                    .containsKeys("CXBRIDGE_GENESYS_CLIENT_ID", "CXBRIDGE_GENESYS_CLIENT_SECRET");
        }
    }

    @Test
    void theGatewayForwardsToTheServicesContainers() {
        Map<String, String> env = environment(services.get(Repo.GATEWAY));
        Repo.SERVICES.forEach((svc, port) -> {
            if (!svc.equals(Repo.GATEWAY)) {
                String key =
                        "CXBRIDGE_GATEWAY_SERVICES_" + svc.replace("-svc", "").toUpperCase() + "_URL";
                assertThat(env.get(key)).as(key).isEqualTo("http://" + svc + ":" + port);
            }
        });
    }

    @Test
    void everyImageItNamesHasADockerfileOrIsAPinnedPublicImage() {
        services.forEach((name, s) -> {
            Object build = Yml.at(s, "build");
            String image = Yml.str(s, "image");
            if (build != null) {
                String context = build instanceof String ? (String) build : Yml.str(build, "context");
                String dockerfile = build instanceof String ? "Dockerfile" : Yml.str(build, "dockerfile");
                Path file = Repo.root().resolve(context).resolve(dockerfile).normalize();
                assertThat(Files.isRegularFile(file))
                        .as("%s is built from %s", name, Repo.root().relativize(file))
                        .isTrue();
            } else {
                assertThat(image).as("%s names an image", name).isNotBlank();
                assertThat(image)
                        .as("%s's image is pinned to a version", name)
                        .matches("[^:]+:v?[0-9][A-Za-z0-9._-]*")
                        .doesNotEndWith(":latest");
            }
        });
        for (String module : Repo.IMAGES.keySet()) {
            Object build = Yml.at(services.get(module), "build");
            assertThat(Yml.str(build, "context"))
                    .as("%s builds from its module", module)
                    .isIn("./" + module, module);
            assertThat(Yml.str(build, "dockerfile")).isEqualTo("src/main/docker/Dockerfile.jvm");
        }
    }

    @Test
    void everyDockerfileRunsTheFastJarAsANonRootUserOnTheSpecPort() {
        Repo.IMAGES.forEach((module, port) -> {
            Path file = Repo.path(module + "/src/main/docker/Dockerfile.jvm");
            assertThat(file).exists();
            List<String[]> instructions = instructions(Repo.read(file));
            List<String> from = args(instructions, "FROM");
            assertThat(from).as("%s FROM", module).hasSize(1);
            List<String> users = args(instructions, "USER");
            assertThat(users).as("%s sets a USER", module).isNotEmpty();
            String user = users.get(users.size() - 1).split(":")[0];
            assertThat(user).as("%s runs as a non-root user", module).isNotIn("root", "0");
            assertThat(args(instructions, "EXPOSE")).as("%s EXPOSE", module).containsExactly(String.valueOf(port));
            String copies = String.join("\n", args(instructions, "COPY"));
            for (String part : List.of(
                    "target/quarkus-app/lib/",
                    "target/quarkus-app/*.jar",
                    "target/quarkus-app/app/",
                    "target/quarkus-app/quarkus/")) {
                assertThat(copies).as("%s copies %s", module, part).contains(part);
            }
            assertThat(copies)
                    .as("%s's files belong to the runtime user", module)
                    .contains("--chown=" + user);
            assertThat(args(instructions, "ENTRYPOINT").size()
                            + args(instructions, "CMD").size())
                    .as("%s says how to start", module)
                    .isPositive();
            String env = String.join("\n", args(instructions, "ENV"));
            assertThat(env).as("%s runs quarkus-run.jar", module).contains("/deployments/quarkus-run.jar");
        });
    }

    @Test
    void theObservabilityProfileMountsFilesThatExist() {
        for (String name : List.of("prometheus", "grafana", "otel-collector", "jaeger")) {
            assertThat(Yml.list(services.get(name), "profiles"))
                    .as("%s is optional", name)
                    .contains("observability");
            Object volumes = Yml.at(services.get(name), "volumes");
            for (Object v : volumes == null ? List.of() : Yml.list(services.get(name), "volumes")) {
                String host = String.valueOf(v).split(":")[0];
                assertThat(Repo.root().resolve(host).normalize())
                        .as("%s mounts %s", name, host)
                        .exists();
            }
        }
        Map<String, Object> prometheus = Repo.yamlMap(Repo.path("deploy/observability/compose/prometheus.yml"));
        Map<String, String> jobs = new LinkedHashMap<>();
        for (Object job : Yml.list(prometheus, "scrape_configs")) {
            assertThat(Yml.str(job, "metrics_path")).isEqualTo("/q/metrics");
            jobs.put(Yml.str(job, "job_name"), Yml.str(job, "static_configs", 0, "targets", 0));
        }
        Repo.IMAGES.forEach((svc, port) -> assertThat(jobs)
                .as("compose Prometheus scrapes %s as job %s", svc, svc)
                .containsEntry(svc, svc + ":" + Repo.managementPort(svc)));
    }

    @Test
    void theObservabilityProfileCarriesTracesFromTheServicesThroughTheCollectorToJaeger() {
        for (String svc : Repo.SERVICES.keySet()) {
            Map<String, String> env = environment(services.get(svc));
            assertThat(env.get("QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT"))
                    .as("%s exports to the collector", svc)
                    .isEqualTo("http://otel-collector:4317");
            assertThat(env.get("CXBRIDGE_TRACES_EXPORT"))
                    .as("%s exports only when the shell asks", svc)
                    .isEqualTo("${CXBRIDGE_TRACES_EXPORT:-false}");
        }
        Map<String, Object> collector = Repo.yamlMap(Repo.path("deploy/observability/compose/otel-collector.yaml"));
        assertThat(Yml.str(collector, "receivers", "otlp", "protocols", "grpc", "endpoint"))
                .endsWith(":4317");
        List<?> exporters = Yml.list(collector, "service", "pipelines", "traces", "exporters");
        assertThat(exporters).isNotEmpty();
        for (Object exporter : exporters) {
            assertThat(Yml.str(collector, "exporters", String.valueOf(exporter), "endpoint"))
                    .as("the collector hands traces to Jaeger")
                    .isEqualTo("jaeger:4317");
        }
        assertThat(ports(services.get("jaeger"))).as("Jaeger's UI").containsEntry(16686, 16686);
    }

    private static final Pattern INSTRUCTION = Pattern.compile("^\\s*([A-Za-z]+)\\s+(.*)$");

    /** Dockerfile instructions (continuation lines joined, comments dropped) as {KEYWORD, arguments}. */
    static List<String[]> instructions(String dockerfile) {
        List<String[]> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : dockerfile.split("\n")) {
            if (line.trim().startsWith("#") && current.length() == 0) {
                continue;
            }
            if (line.endsWith("\\")) {
                current.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            current.append(line);
            Matcher m = INSTRUCTION.matcher(current.toString());
            if (m.matches()) {
                out.add(new String[] {m.group(1).toUpperCase(), m.group(2).trim()});
            }
            current.setLength(0);
        }
        return out;
    }

    static List<String> args(List<String[]> instructions, String keyword) {
        return instructions.stream()
                .filter(i -> i[0].equals(keyword))
                .map(i -> i[1])
                .toList();
    }
}
