package io.cxbridge.fulfillment;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cxbridge.model.Json;
import io.cxbridge.model.Topics;
import io.cxbridge.model.crypto.TokenCipher;
import io.cxbridge.model.event.FulfillmentJob;
import io.cxbridge.testkit.KafkaBroker;
import io.cxbridge.testkit.TopicReader;
import io.cxbridge.testkit.sim.GenesysSim;
import io.cxbridge.testkit.sim.SimControl;
import io.quarkus.arc.Arc;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logmanager.ExtLogRecord;

/** Jobs, the broker, the sim and the log capture, for every test class of the module. */
final class FulfillmentTestSupport {

    /** Every clear token a test of this JVM made: none may ever show in a log line, an event or a DLQ record. */
    static final Set<String> CLEAR_TOKENS = ConcurrentHashMap.newKeySet();

    /** Every sealed token: only in job payloads (the DLQ keeps the payload unchanged), never in a log or header. */
    static final Set<String> SEALED_TOKENS = ConcurrentHashMap.newKeySet();

    /** Every log line of the application and the tests since the capture was installed. */
    static final ConcurrentLinkedQueue<String> LOG_LINES = new ConcurrentLinkedQueue<>();

    private static final Handler CAPTURE = new Handler() {
        @Override
        public void publish(LogRecord record) {
            String msg = record instanceof ExtLogRecord e ? e.getFormattedMessage() : record.getMessage();
            StringBuilder line = new StringBuilder(String.valueOf(msg));
            for (Throwable t = record.getThrown(); t != null; t = t.getCause()) {
                line.append(' ').append(t);
            }
            LOG_LINES.add(line.toString());
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    private static volatile boolean captureInstalled;

    private FulfillmentTestSupport() {}

    /** Installs the log capture on the root logger once per JVM (it stays: every line of the run is kept). */
    static synchronized void captureLogs() {
        if (!captureInstalled) {
            java.util.logging.Logger.getLogger("").addHandler(CAPTURE);
            captureInstalled = true;
        }
    }

    static SimControl sim() {
        return GenesysSim.shared().control();
    }

    static String bootstrap() {
        return KafkaBroker.shared().bootstrapServers();
    }

    private static KafkaProducer<String, String> producer;

    private static synchronized KafkaProducer<String, String> producer() {
        if (producer == null) {
            Properties p = new Properties();
            p.put("bootstrap.servers", bootstrap());
            p.put("key.serializer", StringSerializer.class.getName());
            p.put("value.serializer", StringSerializer.class.getName());
            p.put("linger.ms", "5");
            producer = new KafkaProducer<>(p);
        }
        return producer;
    }

    static void publish(String key, String value) {
        try {
            producer()
                    .send(new ProducerRecord<>(Topics.FULFILLMENT_JOBS, key, value))
                    .get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Publishes {@code key, value} to one partition, so records sent one after the other are consumed in order. */
    static void publishTo(int partition, String key, String value) {
        try {
            producer()
                    .send(new ProducerRecord<>(Topics.FULFILLMENT_JOBS, partition, key, value))
                    .get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Publishes many records and waits once for all acknowledgements. */
    static void publishAll(List<FulfillmentJob> jobs) {
        List<java.util.concurrent.Future<?>> sent = new java.util.ArrayList<>();
        for (FulfillmentJob job : jobs) {
            sent.add(producer().send(new ProducerRecord<>(Topics.FULFILLMENT_JOBS, job.fulfillmentId(), json(job))));
        }
        for (java.util.concurrent.Future<?> f : sent) {
            try {
                f.get();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    static void publish(FulfillmentJob job) {
        publish(job.fulfillmentId(), json(job));
    }

    static String json(Object value) {
        try {
            return Json.mapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static TokenCipher cipher() {
        return Arc.container().instance(TokenCipher.class).get();
    }

    static String simCallbackUrl(String fulfillmentId) {
        return GenesysSim.shared().baseUrl() + "/api/v2/dataactions/fulfillments/" + fulfillmentId;
    }

    /** A valid job to the sim's callback receiver, its token sealed as the gateway would. */
    static FulfillmentJob job(String fulfillmentId, String clearToken, Duration deadlineIn) {
        return job(fulfillmentId, simCallbackUrl(fulfillmentId), clearToken, deadlineIn);
    }

    static FulfillmentJob job(String fulfillmentId, String url, String clearToken, Duration deadlineIn) {
        ObjectNode data =
                Json.mapper().createObjectNode().put("orderId", "o-42").put("amount", 17);
        Instant now = Instant.now();
        String sealed = cipher().encrypt(clearToken, fulfillmentId);
        CLEAR_TOKENS.add(clearToken);
        SEALED_TOKENS.add(sealed);
        return new FulfillmentJob(
                UUID.randomUUID().toString(),
                fulfillmentId,
                url,
                sealed,
                data,
                now,
                now.plus(deadlineIn),
                "trace-" + fulfillmentId);
    }

    static String newFid() {
        return "ff-" + UUID.randomUUID();
    }

    static String newToken() {
        return "secret-token-" + UUID.randomUUID();
    }

    static String state(String jobId) {
        return given().get("/v1/fulfillment/jobs/" + jobId).then().extract().path("state");
    }

    static JsonPath awaitState(String jobId, String... states) {
        List<String> wanted = List.of(states);
        await().atMost(Duration.ofSeconds(45))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    String s = state(jobId);
                    return s != null && wanted.contains(s);
                });
        return given().get("/v1/fulfillment/jobs/" + jobId)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    static JsonPath awaitTerminal(String jobId) {
        return awaitState(jobId, "complete", "failed", "dead-lettered", "duplicate");
    }

    static JsonNode awaitCallback(String fulfillmentId) {
        await().atMost(Duration.ofSeconds(30))
                .until(() -> sim().fulfillment(fulfillmentId).isPresent());
        return sim().fulfillment(fulfillmentId).orElseThrow();
    }

    static void awaitAudit(String type, String fulfillmentId) {
        TopicReader.await(
                bootstrap(),
                Topics.AUDIT,
                1,
                TopicReader.header("ce_type", type).and(r -> fulfillmentId.equals(r.key())),
                Duration.ofSeconds(20));
    }

    /** External calls the sim answered with {@code status} (0: cut or dropped). */
    static long externalAnswered(int status) {
        return sim().stats().requests("POST", "/external/api", status);
    }

    /** Waits until the sim has seen {@code n} external calls end, so calls cut at a timeout do not leak. */
    static void awaitExternalSettled(long n) {
        await().atMost(Duration.ofSeconds(30))
                .until(() -> sim().stats().requests().stream()
                                .filter(c ->
                                        c.method().equals("POST") && c.path().equals("/external/api"))
                                .mapToLong(c -> c.count())
                                .sum()
                        >= n);
    }
}
