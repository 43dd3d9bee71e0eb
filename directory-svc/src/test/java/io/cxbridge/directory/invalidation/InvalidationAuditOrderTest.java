package io.cxbridge.directory.invalidation;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import io.cxbridge.common.audit.AuditEmitter;
import io.cxbridge.common.service.ServiceConfig;
import io.cxbridge.directory.AuditFaults;
import io.cxbridge.directory.cache.DirectoryCache;
import io.cxbridge.directory.config.DirectoryConfig;
import io.cxbridge.genesys.redaction.Redactor;
import io.cxbridge.model.Json;
import io.cxbridge.model.Topics;
import io.cxbridge.model.audit.AuditTypes;
import io.cxbridge.model.event.DirectoryInvalidation;
import io.cxbridge.model.event.Ids;
import io.cxbridge.model.problem.Problem;
import io.cxbridge.testkit.KafkaBroker;
import io.cxbridge.testkit.KafkaResource;
import io.cxbridge.testkit.RedisResource;
import io.cxbridge.testkit.TopicReader;
import io.cxbridge.testkit.sim.GenesysSim;
import io.cxbridge.testkit.sim.GenesysSimResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.vertx.mutiny.redis.client.RedisAPI;
import jakarta.inject.Inject;
import jakarta.validation.Validator;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The audit event of an invalidation goes before the change it describes (the brief: every audit event but the
 * gateway's is sent before the work is committed): it is on the real audit topic while the drop of both levels is
 * still held back, and the record for the other replicas is published after the drop. Without the broker taking
 * the event (refused, or no answer) the DELETE still empties the cache and answers 503 as before.
 */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTestResource(GenesysSimResource.class)
class InvalidationAuditOrderTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Inject
    DirectoryCache cache;

    @Inject
    AuditEmitter audit;

    @Inject
    DirectoryConfig config;

    @Inject
    ServiceConfig service;

    @Inject
    Validator validator;

    @Inject
    Clock clock;

    @Inject
    Redactor redactor;

    @Inject
    RedisAPI redis;

    /** What "the broker" took on the invalidation topic, and whether it refuses. */
    final List<DirectoryInvalidation> published = new CopyOnWriteArrayList<>();

    final AtomicBoolean invalidationTopicDown = new AtomicBoolean();

    @BeforeEach
    void setUp() {
        published.clear();
        invalidationTopicDown.set(false);
        GenesysSim.shared().control().reset();
        GenesysSim.shared().control().config(Map.of("rateLimitPerMinute", 0, "directorySize", 30));
    }

    private static String newId() {
        return "api_" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static List<ConsumerRecord<String, byte[]>> invalidatedEvents(String id, Duration within) {
        return TopicReader.await(
                KafkaBroker.shared().bootstrapServers(),
                Topics.AUDIT,
                1,
                TopicReader.header("ce_type", AuditTypes.DIRECTORY_INVALIDATED).and(r -> id.equals(r.key())),
                within);
    }

    /** Whether L1 holds the directory (said as a boolean: a whole directory makes a long assertion message). */
    private boolean held(String id) {
        return cache.peek(id) != null;
    }

    private String storedCopy(String id) {
        var r = redis.get(config.redis().keyPrefix() + ":entries:{" + id + "}")
                .await()
                .atMost(WAIT);
        return r == null ? null : r.toString();
    }

    @Test
    void theAuditEventIsOnTheAuditTopicBeforeEitherLevelIsEmptiedAndBeforeTheRecordIsPublished() throws Exception {
        String id = newId();
        cache.read(id).await().atMost(WAIT);
        assertThat(held(id)).isTrue();
        CompletableFuture<DirectoryInvalidation> reached = new CompletableFuture<>();
        CompletableFuture<Void> release = new CompletableFuture<>();
        Invalidations invalidations = new Invalidations(
                cache,
                inv -> {
                    reached.complete(inv);
                    // the drop of both levels, held until the test has looked
                    return Uni.createFrom().completionStage(release);
                },
                invalidationTopic(),
                audit,
                config,
                validator,
                clock,
                redactor);

        CompletableFuture<DirectoryInvalidation> answered =
                invalidations.issue(id, "audit order", Ids.newTraceId()).subscribeAsCompletionStage();
        DirectoryInvalidation issued = reached.get(WAIT.toSeconds(), TimeUnit.SECONDS);

        // the drop is held: both levels still hold the copy, and the audit event is already readable
        assertThat(held(id)).isTrue();
        assertThat(storedCopy(id) != null).isTrue();
        ConsumerRecord<String, byte[]> event = invalidatedEvents(id, WAIT).get(0);
        // binary content mode: the value is the event's data
        assertThat(Instant.parse(
                        Json.mapper().readTree(event.value()).path("issuedAt").asText()))
                .isEqualTo(issued.issuedAt());
        assertThat(published).as("the other replicas are told after the drop").isEmpty();

        release.complete(null);
        assertThat(answered.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(issued);
        assertThat(held(id)).isFalse();
        assertThat(storedCopy(id) == null).isTrue();
        assertThat(published).containsExactly(issued);
    }

    @Test
    void aReReadStartedWhileTheAuditEventIsSentIsDroppedByTheInvalidationAsOneStartedBeforeIt() throws Exception {
        String id = newId();
        cache.read(id).await().atMost(WAIT);
        CompletableFuture<DirectoryInvalidation> reached = new CompletableFuture<>();
        CompletableFuture<Void> release = new CompletableFuture<>();
        Invalidations invalidations = held(reached, release);

        CompletableFuture<DirectoryInvalidation> answered = invalidations
                .issue(id, "re-read during the audit", Ids.newTraceId())
                .subscribeAsCompletionStage();
        DirectoryInvalidation issued = reached.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        // a consistency re-read whose fetch starts after issuedAt, while the audit event is still the DELETE's step
        var reread = cache.recheck(id, cache.peek(id)).await().atMost(WAIT);
        assertThat(reread.loadedAt())
                .as("counted as loaded when the DELETE was issued")
                .isEqualTo(issued.issuedAt());

        release.complete(null);
        answered.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(held(id))
                .as("the DELETE empties this replica at once, the re-read included")
                .isFalse();
        assertThat(storedCopy(id) == null).isTrue();
    }

    @Test
    void concurrentDeletesOfOneDirectoryArePublishedAndAuditedOnceAndEveryCallerIsAnsweredAfterIt() throws Exception {
        String id = newId();
        cache.read(id).await().atMost(WAIT);
        CompletableFuture<DirectoryInvalidation> reached = new CompletableFuture<>();
        CompletableFuture<Void> release = new CompletableFuture<>();
        Invalidations invalidations = held(reached, release);

        List<CompletableFuture<DirectoryInvalidation>> answers = new CopyOnWriteArrayList<>();
        answers.add(invalidations.issue(id, "first", Ids.newTraceId()).subscribeAsCompletionStage());
        reached.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        for (int i = 0; i < 4; i++) {
            answers.add(invalidations.issue(id, "again " + i, Ids.newTraceId()).subscribeAsCompletionStage());
        }
        assertThat(answers).as("nobody answered before the publish").noneMatch(CompletableFuture::isDone);
        assertThat(invalidations.inFlight()).isEqualTo(1);

        release.complete(null);
        List<DirectoryInvalidation> got = new java.util.ArrayList<>();
        for (CompletableFuture<DirectoryInvalidation> a : answers) {
            got.add(a.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        }
        assertThat(published).as("one publish for the five").hasSize(1);
        assertThat(got).containsOnly(published.get(0));
        assertThat(got.get(0).reason()).isEqualTo("first");
        assertThat(invalidations.inFlight()).isZero();
        invalidatedEvents(id, WAIT);
        assertThat(TopicReader.readAll(KafkaBroker.shared().bootstrapServers(), Topics.AUDIT, WAIT).stream()
                        .filter(r -> id.equals(r.key()))
                        .filter(r -> AuditTypes.DIRECTORY_INVALIDATED.equals(
                                TopicReader.headers(r).get("ce_type"))))
                .as("one audit event for the five")
                .hasSize(1);

        // a DELETE after that one is answered is an invalidation of its own
        CompletableFuture<DirectoryInvalidation> later =
                invalidations.issue(id, "later", Ids.newTraceId()).subscribeAsCompletionStage();
        assertThat(later.get(WAIT.toSeconds(), TimeUnit.SECONDS).reason()).isEqualTo("later");
        assertThat(published).hasSize(2);
    }

    @Test
    void aDeleteWhoseAuditEventTheBrokerRefusesStillEmptiesTheCacheIsPublishedAndAnswers503() {
        AuditFaults broker = AuditFaults.refusing(service);
        installInvalidations(broker.audit);
        String id = newId();
        given().get("/v1/directories/{id}/entries", id).then().statusCode(200);
        assertThat(held(id)).isTrue();

        given().delete("/v1/directories/{id}/cache", id)
                .then()
                .statusCode(503)
                .contentType(Problem.MEDIA_TYPE)
                .header("Retry-After", notNullValue())
                .body("type", equalTo(Problem.UNAVAILABLE))
                .body("detail", containsString("audit event"))
                .body("detail", containsString(id));

        assertThat(broker.failed()).as("counted by the audit emitter").isEqualTo(1);
        assertThat(held(id)).as("dropped all the same").isFalse();
        assertThat(storedCopy(id) == null).isTrue();
        assertThat(published).extracting(DirectoryInvalidation::directoryId).containsExactly(id);
        given().get("/v1/directories/{id}/entries", id).then().statusCode(200).header("X-Cache", "MISS");
    }

    @Test
    void aDeleteWhileTheBrokerDoesNotAnswerAtAllEmptiesTheCacheAndAnswers503WithinTheAckTimeout() {
        AuditFaults broker = AuditFaults.silent(service);
        invalidationTopicDown.set(true);
        installInvalidations(broker.audit);
        String id = newId();
        given().get("/v1/directories/{id}/entries", id).then().statusCode(200);

        long started = System.nanoTime();
        given().delete("/v1/directories/{id}/cache", id)
                .then()
                .statusCode(503)
                .header("Retry-After", notNullValue())
                .body("detail", containsString("broker did not take the invalidation"));
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(broker.handed).as("the event was sent first").hasSize(1);
        assertThat(took).isLessThan(config.ackTimeout().plusSeconds(3));
        assertThat(held(id)).isFalse();
        assertThat(storedCopy(id) == null).isTrue();
        given().get("/v1/directories/{id}/entries", id).then().statusCode(200).header("X-Cache", "MISS");
    }

    /** Invalidations with the real audit emitter whose change of the levels waits for {@code release}. */
    private Invalidations held(CompletableFuture<DirectoryInvalidation> reached, CompletableFuture<Void> release) {
        return new Invalidations(
                cache,
                inv -> {
                    reached.complete(inv);
                    return Uni.createFrom().completionStage(release);
                },
                invalidationTopic(),
                audit,
                config,
                validator,
                clock,
                redactor);
    }

    /** The service's DELETE, with this audit emitter and this test's invalidation topic (for this test only). */
    private void installInvalidations(AuditEmitter emitter) {
        QuarkusMock.installMockForType(
                new Invalidations(
                        cache,
                        inv -> Uni.createFrom().voidItem(),
                        invalidationTopic(),
                        emitter,
                        config,
                        validator,
                        clock,
                        redactor),
                Invalidations.class);
    }

    /** The invalidation topic's side: takes the record, refuses it while {@link #invalidationTopicDown}. */
    @SuppressWarnings("unchecked")
    private MutinyEmitter<String> invalidationTopic() {
        return (MutinyEmitter<String>) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {MutinyEmitter.class}, (proxy, method, args) -> {
                    if (!method.getName().equals("sendMessage")) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    if (invalidationTopicDown.get()) {
                        return Uni.createFrom().failure(new IllegalStateException("broker away (injected)"));
                    }
                    String json = ((Message<String>) args[0]).getPayload();
                    published.add(Json.mapper().readValue(json, DirectoryInvalidation.class));
                    return Uni.createFrom().voidItem();
                });
    }
}
