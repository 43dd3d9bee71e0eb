package io.cxbridge.fulfillment;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cxbridge.model.Json;
import io.cxbridge.model.Topics;
import io.cxbridge.model.crypto.TokenCipher;
import io.cxbridge.model.event.FulfillmentJob;
import io.cxbridge.testkit.KafkaBroker;
import io.cxbridge.testkit.ServiceProcess;
import io.cxbridge.testkit.sim.GenesysSim;
import io.cxbridge.testkit.sim.SimControl;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The packaged service as a process with its default timeouts: jobs whose external API answers in 3 s complete,
 * and a SIGTERM while they are in flight lets them finish and commits them before the process exits; jobs that
 * outlast the grace period are handed back uncommitted and answered once by the next instance.
 */
class FulfillmentProcessIT {

    /** The local profile's public key (application.properties). */
    private static final TokenCipher CIPHER =
            new TokenCipher("local-1", Map.of("local-1", "4BMI8uC6P41UdpLAxAWFrWUijIecP8w4TNccDZSnt54="));

    private static ServiceProcess start() {
        return start(Map.of());
    }

    private static ServiceProcess start(Map<String, String> extra) {
        GenesysSim sim = GenesysSim.shared();
        Map<String, String> p = GenesysSim.sharedWiring();
        p.put("cxbridge.fulfillment.external.url", sim.baseUrl() + "/external/api");
        p.put("cxbridge.fulfillment-url.test-hosts", "127.0.0.1:" + sim.port());
        p.put("cxbridge.fulfillment.shutdown-grace", "15s");
        p.putAll(extra);
        return ServiceProcess.start(
                "fulfillment-svc", ServiceProcess.jarOf("fulfillment-svc"), "256m", p, Duration.ofSeconds(90));
    }

    private static FulfillmentJob job(GenesysSim sim) {
        String fid = "ff-" + UUID.randomUUID();
        ObjectNode data = Json.mapper().createObjectNode().put("orderId", fid);
        Instant now = Instant.now();
        return new FulfillmentJob(
                UUID.randomUUID().toString(),
                fid,
                sim.baseUrl() + "/api/v2/dataactions/fulfillments/" + fid,
                CIPHER.encrypt("tok-" + UUID.randomUUID(), fid),
                data,
                now,
                now.plusSeconds(60),
                null);
    }

    private static Map<TopicPartition, Long> uncommitted() throws Exception {
        Properties p = new Properties();
        p.put("bootstrap.servers", KafkaBroker.shared().bootstrapServers());
        try (Admin admin = Admin.create(p)) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("fulfillment-svc")
                    .partitionsToOffsetAndMetadata()
                    .get();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            admin.describeTopics(List.of(Topics.FULFILLMENT_JOBS))
                    .allTopicNames()
                    .get()
                    .get(Topics.FULFILLMENT_JOBS)
                    .partitions()
                    .forEach(i -> latest.put(
                            new TopicPartition(Topics.FULFILLMENT_JOBS, i.partition()), OffsetSpec.latest()));
            Map<TopicPartition, Long> lag = new HashMap<>();
            admin.listOffsets(latest).all().get().forEach((tp, info) -> {
                OffsetAndMetadata c = committed.get(tp);
                lag.put(tp, info.offset() - (c == null ? 0 : c.offset()));
            });
            return lag;
        }
    }

    @Test
    void jobsInFlightAtSigtermFinishAndAreCommittedBeforeTheProcessExits() throws Exception {
        GenesysSim sim = GenesysSim.shared();
        SimControl control = sim.control();
        control.reset();
        control.config(Map.of("externalLatencyMs", 3000));
        ServiceProcess svc = start();
        List<FulfillmentJob> jobs = new ArrayList<>();
        try {
            Properties p = new Properties();
            p.put("bootstrap.servers", KafkaBroker.shared().bootstrapServers());
            p.put("key.serializer", StringSerializer.class.getName());
            p.put("value.serializer", StringSerializer.class.getName());
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
                for (int i = 0; i < 5; i++) {
                    FulfillmentJob job = job(sim);
                    jobs.add(job);
                    producer.send(new ProducerRecord<>(
                                    Topics.FULFILLMENT_JOBS,
                                    job.fulfillmentId(),
                                    Json.mapper().writeValueAsString(job)))
                            .get();
                }
            }
            // all five are calling the (3 s) external API: stop the service now
            await().atMost(Duration.ofSeconds(30)).until(() -> control.stats().externalCalls() >= 5);
            assertTrue(
                    jobs.stream()
                            .allMatch(
                                    j -> control.fulfillment(j.fulfillmentId()).isEmpty()),
                    "none answered yet");
            svc.terminate();
            assertTrue(svc.awaitExit(Duration.ofSeconds(40)), "the service stopped within its grace period");
        } finally {
            svc.stop();
        }

        String log = Files.readString(svc.logFile());
        assertTrue(log.contains("fulfillment job(s) in flight"), "the drain waited for the jobs: " + log.length());
        for (FulfillmentJob job : jobs) {
            JsonNode received = control.fulfillment(job.fulfillmentId())
                    .orElseThrow(() -> new AssertionError("job " + job.jobId() + " was not answered before the exit"));
            assertEquals(
                    "complete",
                    received.path("last").path("body").path("status").asText(),
                    received.toString());
            assertEquals(
                    job.fulfillmentId(),
                    received.path("last")
                            .path("body")
                            .path("result")
                            .path("echo")
                            .path("orderId")
                            .asText());
        }
        assertEquals(5, control.stats().requests("POST", "/external/api", 200), "3 s answers within the 5 s default");
        uncommitted().forEach((tp, lag) -> assertEquals(0L, lag, "everything committed on " + tp));
    }

    private static List<FulfillmentJob> publish(GenesysSim sim, int n) throws Exception {
        List<FulfillmentJob> jobs = new ArrayList<>();
        Properties p = new Properties();
        p.put("bootstrap.servers", KafkaBroker.shared().bootstrapServers());
        p.put("key.serializer", StringSerializer.class.getName());
        p.put("value.serializer", StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            for (int i = 0; i < n; i++) {
                FulfillmentJob job = job(sim);
                jobs.add(job);
                producer.send(new ProducerRecord<>(
                                Topics.FULFILLMENT_JOBS,
                                job.fulfillmentId(),
                                Json.mapper().writeValueAsString(job)))
                        .get();
            }
        }
        return jobs;
    }

    @Test
    void jobsThatOutlastTheGracePeriodAreHandedBackUncommittedAndAnsweredOnceByTheNextInstance() throws Exception {
        GenesysSim sim = GenesysSim.shared();
        SimControl control = sim.control();
        control.reset();
        control.config(Map.of("externalLatencyMs", 8000));
        Map<String, String> slow =
                Map.of("cxbridge.fulfillment.external.timeout", "20s", "cxbridge.fulfillment.shutdown-grace", "1s");
        ServiceProcess first = start(slow);
        List<FulfillmentJob> jobs;
        try {
            jobs = publish(sim, 2);
            await().atMost(Duration.ofSeconds(30)).until(() -> control.stats().externalCalls() >= 2);
            first.terminate();
            assertTrue(first.awaitExit(Duration.ofSeconds(40)), "the service stopped");
        } finally {
            first.stop();
        }
        String log = Files.readString(first.logFile());
        assertTrue(log.contains("handed back uncommitted"), "the drain gave up on the slow jobs");
        for (FulfillmentJob job : jobs) {
            assertTrue(control.fulfillment(job.fulfillmentId()).isEmpty(), "nothing posted for a job cut by the stop");
        }
        assertEquals(
                2L, uncommitted().values().stream().mapToLong(Long::longValue).sum(), "both handed back");

        control.config(Map.of("externalLatencyMs", 500));
        ServiceProcess second = start(slow);
        try {
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> jobs.stream()
                            .allMatch(
                                    j -> control.fulfillment(j.fulfillmentId()).isPresent()));
            for (FulfillmentJob job : jobs) {
                JsonNode received = control.fulfillment(job.fulfillmentId()).orElseThrow();
                assertEquals(
                        "complete",
                        received.path("last").path("body").path("status").asText());
                assertEquals(1, control.stats().callbacks(job.fulfillmentId()));
            }
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> uncommitted().values().stream()
                                    .mapToLong(Long::longValue)
                                    .sum()
                            == 0);
        } finally {
            second.stop();
        }
    }
}
