package io.cxbridge.testkit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.cloudevents.CloudEvent;
import io.cxbridge.common.audit.AuditEmitter;
import io.cxbridge.model.Json;
import io.cxbridge.model.Topics;
import io.cxbridge.model.Topics.TopicSpec;
import io.cxbridge.model.audit.AuditEvent;
import io.cxbridge.model.event.Ids;
import io.cxbridge.model.problem.Problem;
import io.netty.channel.epoll.Epoll;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.vertx.core.Vertx;
import jakarta.enterprise.inject.spi.CDI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

/**
 * What every cxbridge service must do on the platform, checked against the real broker and redis-server
 * of the test JVM. A service's test extends this with {@code @QuarkusTest} and the testkit resources.
 */
public abstract class ServicePlatformContract {

    /** The service's name, as in {@code ce_source}. */
    protected abstract String serviceName();

    /** True for gateway and directory, which stay ready (degraded) without Kafka or Redis. */
    protected abstract boolean readyWithoutDependencies();

    /** Whether the service stays ready (reporting it degraded) without this one dependency ({@code kafka}, {@code redis}). */
    protected boolean readyWithout(String dependency) {
        return readyWithoutDependencies();
    }

    /** The topics this service creates at start-up. */
    protected abstract List<TopicSpec> topics();

    /** An audit type the service emits, used to check the emitter's wiring. */
    protected abstract String auditType();

    @Test
    void liveAndReadyWithBothDependencies() {
        mgmt().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> mgmt().get("/q/health/ready")
                        .then()
                        .statusCode(200)
                        .body("status", equalTo("UP"))
                        .body("checks.find { it.name == 'dependencies' }.data.kafka", equalTo("up"))
                        .body("checks.find { it.name == 'dependencies' }.data.redis", equalTo("up")));
    }

    @Test
    void exposesPrometheusMetricsAndOpenApi() {
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> mgmt().get("/q/metrics")
                        .then()
                        .statusCode(200)
                        .body(containsString("cxbridge_dependency_up{dependency=\"redis\"} 1.0")));
        given().get("/q/openapi").then().statusCode(200).body(containsString("openapi"));
    }

    /**
     * Vert.x runs on Netty's native epoll transport where service-common ships its library (issue #20: less CPU per
     * request than the JDK's NIO). Elsewhere the JVM falls back to NIO by itself, so the check is for Linux x86_64.
     */
    @Test
    void runsOnTheNativeEpollTransportOnLinuxX8664() {
        assumeTrue(
                System.getProperty("os.name").startsWith("Linux")
                        && System.getProperty("os.arch").equals("amd64"),
                "service-common ships the native library for Linux x86_64 only");
        assertThat(Epoll.isAvailable())
                .as("epoll unavailable: %s", Epoll.unavailabilityCause())
                .isTrue();
        assertThat(CDI.current().select(Vertx.class).get().isNativeTransportEnabled())
                .as("quarkus.vertx.prefer-native-transport")
                .isTrue();
    }

    @Test
    void healthAndMetricsAnswerOnlyOnTheManagementPort() {
        assertThat(Management.port())
                .as("the management port")
                .isPositive()
                .isNotEqualTo(io.restassured.RestAssured.port);
        for (String path : List.of("/q/health/live", "/q/health/ready", "/q/health/started", "/q/metrics")) {
            mgmt().get(path).then().statusCode(org.hamcrest.Matchers.anyOf(equalTo(200), equalTo(503)));
            // The API port has no such path: the monitoring network reaches health and metrics, never the API.
            client().get(path).then().statusCode(404);
        }
        mgmt().get("/q/openapi").then().statusCode(404);
    }

    /** Health and metrics: the management interface, not RestAssured's default (API) port. */
    private static RequestSpecification mgmt() {
        return Management.given();
    }

    /**
     * Spans are made (a request's problem+json carries the trace id of its span) and, by default, go nowhere: the
     * only span exporter is the one that drops them, so Quarkus's OTLP exporter is not installed.
     */
    @Test
    void makesSpansButExportsNoneByDefault() {
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        client().header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01")
                .get("/v1/no-such-resource")
                .then()
                .statusCode(404)
                .body("traceId", equalTo(traceId));
        assertThat(CDI.current().select(io.opentelemetry.sdk.trace.export.SpanExporter.class).stream())
                .singleElement()
                .isInstanceOf(io.cxbridge.common.trace.NoTraceExport.class);
    }

    @Test
    void createsItsTopicsWithTheSpecRetention() throws Exception {
        try (Admin admin = admin()) {
            Set<String> names = topics().stream().map(TopicSpec::name).collect(java.util.stream.Collectors.toSet());
            await().atMost(Duration.ofSeconds(20))
                    .until(() ->
                            admin.listTopics().names().get(5, TimeUnit.SECONDS).containsAll(names));
            List<ConfigResource> resources = topics().stream()
                    .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t.name()))
                    .toList();
            Map<ConfigResource, Config> configs =
                    admin.describeConfigs(resources).all().get(10, TimeUnit.SECONDS);
            for (TopicSpec t : topics()) {
                String retention = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, t.name()))
                        .get(TopicConfig.RETENTION_MS_CONFIG)
                        .value();
                assertThat(retention).as("retention.ms of " + t.name()).isEqualTo(String.valueOf(t.retentionMs()));
            }
        }
    }

    @Test
    void auditEventIsReadBackFromTheRealTopicByTheCloudEventsSdk() {
        AuditEmitter emitter = CDI.current().select(AuditEmitter.class).get();
        String traceId = Ids.newTraceId();
        String subject = "contract-" + traceId.substring(0, 8);
        AuditEvent event = emitter.event(auditType(), subject, traceId, Map.of("check", "platform"));
        emitter.emit(event).await().atMost(Duration.ofSeconds(30));

        ConsumerRecord<String, byte[]> record = TopicReader.await(
                        KafkaBroker.shared().bootstrapServers(),
                        Topics.AUDIT,
                        1,
                        TopicReader.header(AuditEvent.H_ID, event.id()),
                        Duration.ofSeconds(20))
                .get(0);
        CloudEvent ce = TopicReader.cloudEvent(record);

        assertThat(record.key()).isEqualTo(subject);
        assertThat(ce.getSpecVersion().toString()).isEqualTo("1.0");
        assertThat(ce.getId()).isEqualTo(event.id());
        assertThat(ce.getType()).isEqualTo(auditType());
        assertThat(ce.getSource().toString()).isEqualTo("/cxbridge/" + serviceName());
        assertThat(ce.getSubject()).isEqualTo(subject);
        assertThat(ce.getTime()).isNotNull();
        assertThat(ce.getDataContentType()).isEqualTo("application/json");
        assertThat(ce.getExtension("traceid")).isEqualTo(traceId);
        JsonNode data = parse(ce.getData().toBytes());
        assertThat(data.get("traceId").asText()).isEqualTo(traceId);
        assertThat(data.get("check").asText()).isEqualTo("platform");
    }

    @Test
    void readinessFollowsTheSpecWhileRedisIsStoppedAndRestarted() {
        RedisServer redis = RedisServer.shared();
        redis.stop();
        try {
            awaitLostDependency("redis");
        } finally {
            redis.start();
        }
        awaitDependencyUp("redis");
    }

    @Test
    void readinessFollowsTheSpecWhileKafkaIsStoppedAndRestarted() {
        KafkaBroker kafka = KafkaBroker.shared();
        kafka.stop();
        try {
            awaitLostDependency("kafka");
        } finally {
            kafka.start();
        }
        awaitDependencyUp("kafka");
    }

    private void awaitLostDependency(String dependency) {
        String path = "checks.find { it.name == 'dependencies' }.data." + dependency;
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            Response r = mgmt().get("/q/health/ready");
            if (readyWithout(dependency)) {
                r.then().statusCode(200).body("status", equalTo("UP")).body(path, equalTo("degraded"));
            } else {
                r.then().statusCode(503).body("status", equalTo("DOWN")).body(path, equalTo("down"));
            }
        });
        mgmt().get("/q/metrics")
                .then()
                .body(containsString("cxbridge_dependency_up{dependency=\"" + dependency + "\"} 0.0"));
    }

    private void awaitDependencyUp(String dependency) {
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> mgmt().get("/q/health/ready")
                        .then()
                        .statusCode(200)
                        .body("status", equalTo("UP"))
                        .body("checks.find { it.name == 'dependencies' }.data." + dependency, equalTo("up")));
    }

    /** How a client reaches the service's own API (the gateway overrides it to present a client key). */
    protected RequestSpecification client() {
        return given();
    }

    @Test
    void unknownPathIsProblemJson() {
        client().get("/v1/no-such-resource")
                .then()
                .statusCode(404)
                .contentType(Problem.MEDIA_TYPE)
                .body("status", equalTo(404))
                .body("type", equalTo(Problem.NOT_FOUND))
                .body("title", notNullValue())
                .body("traceId", notNullValue());
    }

    protected static Admin admin() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.shared().bootstrapServers());
        return Admin.create(p);
    }

    private static JsonNode parse(byte[] bytes) {
        try {
            return Json.mapper().readTree(bytes);
        } catch (java.io.IOException e) {
            throw new AssertionError("audit data is not JSON", e);
        }
    }
}
