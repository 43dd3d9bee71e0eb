package io.cxbridge.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cxbridge.testkit.KafkaBroker;
import io.cxbridge.testkit.RedisServer;
import io.cxbridge.testkit.ServiceProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the five packaged services against a real broker and redis-server (testkit), the way the stack runs them, and
 * checks the dashboard, the alert rules, the probes and the compose health check against what they really do.
 */
class LiveMetricsTest {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Map<String, ServiceProcess> SERVICES = new ConcurrentHashMap<>();
    private static final Map<String, Set<String>> EXPOSED_BY = new ConcurrentHashMap<>();
    private static ServiceProcess gateway;
    /** What any of the five services exposes. */
    private static Set<String> exposed = Set.of();

    @BeforeAll
    static void startTheServices() {
        KafkaBroker broker = KafkaBroker.shared();
        RedisServer redis = RedisServer.shared();
        int genesys = freePort();
        Map<String, String> wiring = Map.of(
                "quarkus.profile",
                "local",
                "kafka.bootstrap.servers",
                broker.bootstrapServers(),
                "quarkus.redis.hosts",
                redis.url(),
                // Nothing listens there: a proxied call fails fast at the token request, never leaves the machine.
                "cxbridge.genesys.base-url",
                "http://127.0.0.1:" + genesys,
                "cxbridge.genesys.retry.deadline",
                "2s",
                "cxbridge.kafka.partitions",
                "1");
        // The five at once (each waits for its own readiness); any that fails stops the others in stop().
        List<CompletableFuture<Void>> starts = Repo.SERVICES.keySet().stream()
                .map(svc -> CompletableFuture.runAsync(() -> SERVICES.put(
                        svc,
                        ServiceProcess.start(
                                svc,
                                ServiceProcess.jarOf(svc),
                                "192m",
                                wiringOf(svc, wiring, genesys),
                                Duration.ofSeconds(180)))))
                .toList();
        CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).join();
        gateway = SERVICES.get(Repo.GATEWAY);
        // Traffic a gateway sees: a refused request, a proxied one (the local profile's demo key), so that the
        // request, refusal, audit and genesys-client meters exist; then wait until what the dashboard and the
        // live rules read is there, or give up after 30 s and let the tests report what is missing.
        Set<String> wanted = Observability.metricNames(Observability.dashboardQueries(Observability.dashboard()));
        Observability.rules(Observability.LIVE_RULES)
                .values()
                .forEach(rule -> wanted.addAll(PromQl.metricNames(Yml.str(rule, "expr"))));
        wanted.removeAll(Observability.PROMETHEUS_SERIES);
        try {
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> {
                        get("/v1/deploy-check");
                        get("/api/v2/routing/queues", "Authorization", "Bearer cxb_demo_key");
                        Set<String> all = new TreeSet<>();
                        SERVICES.forEach((svc, process) -> {
                            EXPOSED_BY.put(svc, metricNames(process));
                            all.addAll(EXPOSED_BY.get(svc));
                        });
                        exposed = all;
                        return exposed.containsAll(wanted) && ownedRulesExposed();
                    });
        } catch (ConditionTimeoutException e) {
            // the tests below name what is missing
        }
    }

    @AfterAll
    static void stop() {
        SERVICES.values().forEach(ServiceProcess::stop);
    }

    /** The local profile's echo Data Action calls the Genesys base URL: allowed over http there, as ./stack does. */
    private static Map<String, String> wiringOf(String svc, Map<String, String> wiring, int genesys) {
        Map<String, String> p = new java.util.HashMap<>(wiring);
        if (svc.equals("fulfillment-svc")) {
            p.put("cxbridge.fulfillment-url.test-hosts", "127.0.0.1:" + genesys);
        }
        return p;
    }

    /** The service a rule group is about ({@code cxbridge-retry-svc}), if it is one service's. */
    private static String ownerOf(String ruleId) {
        String group = ruleId.substring(0, ruleId.indexOf('/'));
        String svc = group.startsWith("cxbridge-") ? group.substring("cxbridge-".length()) : "";
        return Repo.SERVICES.containsKey(svc) ? svc : null;
    }

    private static boolean ownedRulesExposed() {
        return Observability.rules(Observability.LIVE_RULES).entrySet().stream().allMatch(e -> {
            String owner = ownerOf(e.getKey());
            return owner == null
                    || EXPOSED_BY
                            .getOrDefault(owner, Set.of())
                            .containsAll(PromQl.metricNames(Yml.str(e.getValue(), "expr")));
        });
    }

    /** A rule group named after a service reads only metrics that service itself exposes. */
    @Test
    void everyServiceGroupOfTheLiveRulesReadsWhatItsServiceExposes() {
        Set<String> owners = new TreeSet<>();
        Observability.rules(Observability.LIVE_RULES).forEach((id, rule) -> {
            String owner = ownerOf(id);
            if (owner == null) {
                return;
            }
            owners.add(owner);
            Set<String> missing = minus(PromQl.metricNames(Yml.str(rule, "expr")), EXPOSED_BY.get(owner));
            assertThat(missing)
                    .as("rule %s reads metrics %s that %s does not expose", id, missing, owner)
                    .isEmpty();
        });
        assertThat(owners)
                .as("the services with rules of their own")
                .contains("retry-svc", "fulfillment-svc", "directory-svc", "retention-svc");
    }

    @Test
    void everyMetricTheDashboardQueriesIsExposedByTheService() {
        Map<String, String> queries = Observability.dashboardQueries(Observability.dashboard());
        assertThat(queries).hasSizeGreaterThan(10);
        queries.forEach((where, query) -> {
            Set<String> missing = minus(PromQl.metricNames(query), exposed);
            missing.removeAll(Observability.PROMETHEUS_SERIES);
            assertThat(missing)
                    .as(
                            "%s reads metrics %s that no service's /q/metrics exposes (they expose %s)",
                            where, missing, new TreeSet<>(exposed))
                    .isEmpty();
        });
    }

    @Test
    void everyMetricOfTheLiveAlertRulesIsExposedByTheService() {
        Observability.rules(Observability.LIVE_RULES).forEach((id, rule) -> {
            Set<String> missing = minus(PromQl.metricNames(Yml.str(rule, "expr")), exposed);
            missing.removeAll(Observability.PROMETHEUS_SERIES);
            assertThat(missing)
                    .as("rule %s reads metrics the service does not expose", id)
                    .isEmpty();
        });
    }

    /**
     * The upcoming rules name metrics that some module already registers (cxbridge_*), that the Kafka clients
     * really publish (kafka_*), or that the rule declares as pending.
     */
    @Test
    void everyMetricOfTheUpcomingRulesIsRegisteredPublishedByKafkaOrDeclaredPending() {
        Set<String> registered = registeredMeterNames();
        Set<String> kafka = kafkaClientMetricNames();
        assertThat(kafka)
                .as("the live service's Kafka producer metrics are named as computed")
                .containsAll(exposed.stream()
                        .filter(n -> n.startsWith("kafka_producer_"))
                        .toList());
        Observability.rules(Observability.UPCOMING_RULES).forEach((id, rule) -> {
            Set<String> metrics = PromQl.metricNames(Yml.str(rule, "expr"));
            Set<String> pending = new LinkedHashSet<>();
            String declared = Yml.str(rule, "annotations", "pending_metrics");
            if (declared != null) {
                for (String m : declared.split(",")) {
                    pending.add(m.trim());
                }
            }
            assertThat(metrics)
                    .as("rule %s reads the metrics it declares pending", id)
                    .containsAll(pending);
            for (String m : metrics) {
                if (pending.contains(m)) {
                    continue;
                }
                if (m.startsWith("kafka_")) {
                    assertThat(kafka)
                            .as("rule %s: %s is a metric the Kafka clients publish", id, m)
                            .contains(m);
                } else {
                    assertThat(registered)
                            .as("rule %s: %s is registered by a module (or declare it in pending_metrics)", id, m)
                            .contains(m);
                }
            }
        });
    }

    @Test
    void theKubernetesProbePathsAnswerOnTheManagementPortAndNotOnTheApiPort() {
        assertThat(SERVICES).as("the five services run").hasSize(Repo.SERVICES.size());
        SERVICES.forEach((svc, process) -> {
            assertThat(process.managementPort())
                    .as("%s: a management port of its own", svc)
                    .isNotEqualTo(process.port());
            for (String path : List.of("/q/health/live", "/q/health/ready", "/q/health/started", "/q/metrics")) {
                assertThat(send(process.managementUrl(), path).statusCode())
                        .as("%s: GET %s on the management port", svc, path)
                        .isEqualTo(200);
                assertThat(send(process.baseUrl(), path).statusCode())
                        .as("%s: GET %s on the API port", svc, path)
                        .isEqualTo(404);
            }
            // The contract document stays on the API port.
            assertThat(send(process.baseUrl(), "/q/openapi").statusCode())
                    .as("%s: /q/openapi on the API port", svc)
                    .isEqualTo(200);
            assertThat(send(process.managementUrl(), "/q/openapi").statusCode())
                    .as("%s: /q/openapi on the management port", svc)
                    .isEqualTo(404);
        });
    }

    @Test
    void theComposeHealthCheckPassesAgainstAReadyServiceAndFailsWithoutOne() throws Exception {
        Object service = Yml.at(Repo.yamlMap(Repo.path("docker-compose.yml")), "services", Repo.GATEWAY);
        String command = ComposeTest.healthcheckCommand(service);
        String port = String.valueOf(Repo.managementPort(Repo.GATEWAY));
        assertThat(command).contains("/" + port);
        assertThat(run(command.replace("/" + port, "/" + gateway.managementPort())))
                .as("healthcheck against the gateway's management port")
                .isZero();
        assertThat(run(command.replace("/" + port, "/" + gateway.port())))
                .as("healthcheck against its API port")
                .isNotZero();
        assertThat(run(command.replace("/" + port, "/" + freePort())))
                .as("healthcheck, nothing listening")
                .isNotZero();
    }

    // ------------------------------------------------------------------------------------------------

    /** GET on the running gateway's API port with optional header name/value pairs. */
    private static HttpResponse<String> get(String path, String... headers) {
        return send(gateway.baseUrl(), path, headers);
    }

    /** GET on a running service's management interface (health, metrics). */
    private static HttpResponse<String> mgmt(ServiceProcess service, String path) {
        return send(service.managementUrl(), path);
    }

    private static HttpResponse<String> send(String base, String path, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(10))
                .GET();
        if (headers.length > 0) {
            request.headers(headers);
        }
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The metric names of a service's Prometheus exposition (sample lines, not comments). */
    private static Set<String> metricNames(ServiceProcess service) {
        HttpResponse<String> r = mgmt(service, "/q/metrics");
        assertThat(r.statusCode()).as("/q/metrics of %s", service).isEqualTo(200);
        Set<String> names = new LinkedHashSet<>();
        for (String line : r.body().split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                names.add(line.split("[{ ]", 2)[0]);
            }
        }
        return names;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }

    private static int run(String shellCommand) throws IOException, InterruptedException {
        // The images' /bin/sh is bash (UBI); here bash runs it explicitly.
        Process p = new ProcessBuilder("bash", "-c", shellCommand)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (!p.waitFor(15, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }

    private static Set<String> minus(Set<String> a, Set<String> b) {
        Set<String> out = new LinkedHashSet<>(a);
        out.removeAll(b);
        return out;
    }

    private static final Pattern METER = Pattern.compile(
            "(Counter|FunctionCounter|Gauge|TimeGauge|Timer|DistributionSummary|LongTaskTimer)\\.builder\\(\\s*\"([a-z0-9._]+)\""
                    + "|\\.(counter|gauge|timer|summary)\\(\\s*\"([a-z0-9._]+)\"");

    /** Prometheus names of the meters the modules' main code registers with Micrometer. */
    static Set<String> registeredMeterNames() {
        Set<String> names = new TreeSet<>();
        for (Path file : Repo.files(Repo.root(), ".java")) {
            String rel = Repo.root().relativize(file).toString().replace('\\', '/');
            if (!rel.matches("[^/]+/src/main/java/.*")) {
                continue;
            }
            Matcher m = METER.matcher(Repo.read(file));
            while (m.find()) {
                String type = m.group(1) != null ? m.group(1) : m.group(3);
                String base = (m.group(2) != null ? m.group(2) : m.group(4)).replace('.', '_');
                switch (type) {
                    case "Counter", "FunctionCounter", "counter" ->
                        names.add(base.endsWith("_total") ? base : base + "_total");
                    case "Timer", "LongTaskTimer", "timer" ->
                        names.addAll(List.of(base + "_seconds_count", base + "_seconds_sum", base + "_seconds_max"));
                    case "DistributionSummary", "summary" ->
                        names.addAll(List.of(base + "_count", base + "_sum", base + "_max"));
                    default -> names.add(base);
                }
            }
        }
        return names;
    }

    /**
     * The names Micrometer's Kafka binder gives the metrics of a real producer (after a send) and a real consumer
     * (after a poll): kafka.{group without -metrics}.{name}, dashes as dots, in Prometheus form.
     */
    static Set<String> kafkaClientMetricNames() {
        Set<String> names = new TreeSet<>();
        String bootstrap = KafkaBroker.shared().bootstrapServers();
        String topic = "cxbridge.deploy-check." + UUID.randomUUID();
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            producer.send(new ProducerRecord<>(topic, "k", "v")).get(30, TimeUnit.SECONDS);
            producer.metrics().keySet().forEach(n -> addKafkaName(names, n));
        } catch (Exception e) {
            throw new AssertionError("a producer could not send to the test broker", e);
        }
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "deploy-check");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (consumer.poll(Duration.ofMillis(500)).isEmpty() && System.nanoTime() < deadline) {
                // until the record (and so the fetch metrics) arrive
            }
            consumer.metrics().keySet().forEach(n -> addKafkaName(names, n));
        }
        return names;
    }

    private static void addKafkaName(Set<String> names, MetricName metric) {
        String name = ("kafka." + metric.group() + "." + metric.name())
                .replace("-metrics", "")
                .replace('-', '.')
                .replace('.', '_');
        names.add(name);
    }
}
