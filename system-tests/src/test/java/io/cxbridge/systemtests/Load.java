package io.cxbridge.systemtests;

import static org.awaitility.Awaitility.await;

import io.cxbridge.model.Topics;
import io.cxbridge.systemtests.Gateway.Reply;
import io.cxbridge.testkit.PrometheusText;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What the durability tests send and how they look at the services: runs, jobs and retention requests through the
 * gateway (a refused submission is retried with the same id, as a client would), records straight to a topic,
 * a service's own port, redis-cli.
 */
final class Load {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    private Load() {}

    /** A submitted fulfillment job: the id the service gave it and the fulfillment id the receiver counts. */
    record Job(String jobId, String fulfillmentId) {}

    /** The sim back to normal after a test: no faults, no external latency. */
    static void calm(io.cxbridge.testkit.sim.SimControl sim) {
        sim.clearFaults();
        sim.config(Map.of("externalLatencyMs", 0));
    }

    /** Posts one failed run (retried with its requestId until accepted); answers the requestId. */
    static String run(Gateway gateway, String actionId, int index, Trace trace) {
        String requestId = UUID.randomUUID().toString();
        Map<String, Object> run = Map.of(
                "requestId",
                requestId,
                "actionId",
                actionId,
                "originalRunId",
                "run-" + index,
                "requestPayload",
                Map.of("i", index));
        accepted("failed run " + requestId, () -> gateway.post("/v1/data-actions/failed-runs", run, trace));
        return requestId;
    }

    /** Posts one fulfillment job whose result goes to the sim's receiver (retried until accepted). */
    static Job job(Gateway gateway, StackEndpoints endpoints, String fulfillmentId, Trace trace) {
        // A deadline beyond every wait of the tests: a delayed job still ends complete, not DEADLINE_EXCEEDED.
        Map<String, Object> job = Map.of(
                "fulfillmentUrl",
                endpoints.simUrl() + "/api/v2/dataactions/fulfillments/" + fulfillmentId,
                "fulfillmentToken",
                "tok-" + fulfillmentId,
                "data",
                Map.of("f", fulfillmentId),
                "deadline",
                Instant.now().plus(Duration.ofMinutes(15)).toString());
        Reply reply = accepted("job " + fulfillmentId, () -> gateway.post("/v1/fulfillment/execute", job, trace));
        return new Job(reply.json().path("jobId").asText(), fulfillmentId);
    }

    /**
     * Posts one retention policy, clear of every other policy of the run (a period of its own per object type);
     * answers the requestId.
     */
    static String retention(Gateway gateway, String objectType, int days, Trace trace) {
        Map<String, Object> policy = Map.of(
                "name",
                "durable-" + objectType + "-" + days + "d-" + Trace.hex(3),
                "description",
                "cxbridge durability test",
                "objectType",
                objectType,
                "retentionPeriod",
                days,
                "enabled",
                true,
                "schedule",
                Map.of("frequency", "DAILY", "timezone", "UTC"),
                "dailyVolumeGB",
                1.5);
        Reply reply = accepted(
                "retention policy " + objectType + " " + days,
                () -> gateway.post("/v1/retention/policies", policy, trace));
        return reply.json().path("requestId").asText();
    }

    /** {@code n} tasks on 8 client threads; answers their results in order. */
    static <T> List<T> parallel(int n, IntFunction<T> task) {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                futures.add(pool.submit(() -> task.apply(index)));
            }
            return collect(futures);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Waits for every future (at most 4 minutes each); a task's failure is rethrown. */
    static <T> List<T> collect(List<Future<T>> futures) {
        List<T> out = new ArrayList<>();
        try {
            for (Future<T> f : futures) {
                out.add(f.get(4, TimeUnit.MINUTES));
            }
            return out;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Reply accepted(String what, Supplier<Reply> post) {
        Reply[] last = {null};
        await(what + " accepted")
                .atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> (last[0] = post.get()).status() == 202);
        return last[0];
    }

    /** The state field of a resource the gateway serves, or {@code HTTP <status>}. */
    static String state(Gateway gateway, String path) {
        Reply r = gateway.get(path, null);
        return r.status() == 200 ? r.json().path("state").asText() : "HTTP " + r.status();
    }

    /** GET on a service's own port (health, metrics); status 0 when it does not answer. */
    static HttpResponse<String> get(String url) {
        try {
            return HTTP.send(
                    HttpRequest.newBuilder(URI.create(url))
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("no answer from " + url, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A counter or gauge of a Prometheus text page (the sum over its series); 0 when absent. */
    static double metric(String page, String name) {
        return PrometheusText.sum(page, name);
    }

    /** A producer for records written straight to a topic (gzip, up to 8 MiB: a 2 MiB poison fits the broker). */
    static KafkaProducer<String, String> producer(StackEndpoints endpoints) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrap());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "gzip");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(8 * 1024 * 1024));
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    /**
     * Produces one fulfillment job straight to its topic, with a token the gateway did not seal (no configured key
     * opens it): fulfillment-svc dead-letters it and its DLQ API lists it. Answers the job's id.
     */
    static String unsealedJob(KafkaProducer<String, String> producer, StackEndpoints endpoints, String fulfillmentId)
            throws InterruptedException, ExecutionException {
        String jobId = UUID.randomUUID().toString();
        producer.send(new ProducerRecord<>(Topics.FULFILLMENT_JOBS, fulfillmentId, """
                        {"jobId": "%s", "fulfillmentId": "%s", "fulfillmentUrl": "%s/api/v2/dataactions/fulfillments/%s",
                         "fulfillmentToken": "not-sealed", "data": {}, "receivedAt": "%s", "deadline": "%s"}""".formatted(
                                jobId,
                                fulfillmentId,
                                endpoints.simUrl(),
                                fulfillmentId,
                                Instant.now(),
                                Instant.now().plusSeconds(3600))))
                .get();
        return jobId;
    }

    /** A JSON value 2 MiB long (over every consumer's 1 MiB limit), made of {@code json} and padding. */
    static String twoMiB(String json) {
        return json.replaceFirst("\\{", "{\"padding\":\"" + "x".repeat(2 * 1024 * 1024) + "\",");
    }

    /** Runs redis-cli against the stack's Redis; answers its output, fails on a non-zero exit. */
    static String redisCli(LocalStack stack, String... args) {
        List<String> command =
                new ArrayList<>(List.of("redis-cli", "-p", stack.env().get("REDIS_PORT")));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (p.waitFor() != 0) {
                throw new IllegalStateException("redis-cli " + String.join(" ", args) + ": " + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
