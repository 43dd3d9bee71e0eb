package io.cxbridge.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cxbridge.model.Topics.TopicSpec;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TopicsTest {

    static final long DAY_MS = 86_400_000L;

    @Test
    void allHasTheEightTopicsOfTheSpecWithTheirRetention() {
        Map<String, Long> expected = new LinkedHashMap<>();
        expected.put("cxbridge.audit.v1", 7 * DAY_MS);
        expected.put("cxbridge.dataactions.failed-runs.v1", 7 * DAY_MS);
        expected.put("cxbridge.dataactions.failed-runs.dlq.v1", 30 * DAY_MS);
        expected.put("cxbridge.dataactions.retry-state.v1", 9 * DAY_MS);
        expected.put("cxbridge.fulfillment.jobs.v1", 1 * DAY_MS);
        expected.put("cxbridge.fulfillment.jobs.dlq.v1", 7 * DAY_MS);
        expected.put("cxbridge.retention.requests.v1", 7 * DAY_MS);
        expected.put("cxbridge.retention.requests.dlq.v1", 7 * DAY_MS);
        expected.put("cxbridge.retention.state.v1", 30 * DAY_MS);
        expected.put("cxbridge.directory.invalidations.v1", 1 * DAY_MS);
        expected.put("cxbridge.directory.updates.v1", 7 * DAY_MS);

        Map<String, Long> actual = new LinkedHashMap<>();
        Topics.ALL.forEach(t -> actual.put(t.name(), t.retentionMs()));
        assertThat(Topics.ALL).hasSize(11);
        assertThat(actual).containsExactlyInAnyOrderEntriesOf(expected);
    }

    @Test
    void namesAreDistinctAndAllStartWithCxbridge() {
        List<String> names = Topics.ALL.stream().map(TopicSpec::name).toList();
        assertThat(names)
                .doesNotHaveDuplicates()
                .allMatch(n -> n.startsWith("cxbridge."))
                .allMatch(n -> n.matches("cxbridge\\.[a-z.-]+\\.v\\d+"));
    }

    @Test
    void everyNameConstantIsInAll() {
        List<String> constants = Arrays.stream(Topics.class.getDeclaredFields())
                .filter(f -> Modifier.isStatic(f.getModifiers())
                        && Modifier.isPublic(f.getModifiers())
                        && f.getType() == String.class)
                .map(TopicsTest::value)
                .map(String.class::cast)
                .toList();
        assertThat(constants)
                .hasSize(11)
                .containsExactlyInAnyOrderElementsOf(
                        Topics.ALL.stream().map(TopicSpec::name).toList());
    }

    @Test
    void specConstantsMatchNameConstants() {
        assertThat(Topics.AUDIT_SPEC.name()).isEqualTo(Topics.AUDIT);
        assertThat(Topics.FAILED_RUNS_SPEC.name()).isEqualTo(Topics.FAILED_RUNS);
        assertThat(Topics.FAILED_RUNS_DLQ_SPEC.name()).isEqualTo(Topics.FAILED_RUNS_DLQ);
        assertThat(Topics.RETRY_STATE_SPEC.name()).isEqualTo(Topics.RETRY_STATE);
        assertThat(Topics.RETRY_STATE_SPEC.cleanupPolicy()).isEqualTo("compact,delete");
        assertThat(Topics.FULFILLMENT_JOBS_SPEC.name()).isEqualTo(Topics.FULFILLMENT_JOBS);
        assertThat(Topics.FULFILLMENT_JOBS_DLQ_SPEC.name()).isEqualTo(Topics.FULFILLMENT_JOBS_DLQ);
        assertThat(Topics.RETENTION_REQUESTS_SPEC.name()).isEqualTo(Topics.RETENTION_REQUESTS);
        assertThat(Topics.RETENTION_REQUESTS_DLQ_SPEC.name()).isEqualTo(Topics.RETENTION_REQUESTS_DLQ);
        assertThat(Topics.RETENTION_STATE_SPEC.name()).isEqualTo(Topics.RETENTION_STATE);
        assertThat(Topics.RETENTION_STATE_SPEC.cleanupPolicy()).isEqualTo("compact");
        assertThat(Topics.DIRECTORY_INVALIDATIONS_SPEC.name()).isEqualTo(Topics.DIRECTORY_INVALIDATIONS);
        assertThat(Topics.DIRECTORY_UPDATES_SPEC.name()).isEqualTo(Topics.DIRECTORY_UPDATES);
    }

    @Test
    void specLooksUpByName() {
        assertThat(Topics.spec("cxbridge.fulfillment.jobs.v1")).isSameAs(Topics.FULFILLMENT_JOBS_SPEC);
        assertThat(Topics.spec(Topics.FAILED_RUNS_DLQ).retention()).isEqualTo(Duration.ofDays(30));
        assertThatThrownBy(() -> Topics.spec("cxbridge.nope.v1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cxbridge.nope.v1");
    }

    @Test
    void retryTopicsFollowTheNamingRule() {
        assertThat(Topics.retryTopic(Topics.FAILED_RUNS, Duration.ofSeconds(5)))
                .isEqualTo("cxbridge.dataactions.failed-runs.v1.retry.5s");
        assertThat(Topics.retryTopic(Topics.FAILED_RUNS, Duration.ofMinutes(1)))
                .isEqualTo("cxbridge.dataactions.failed-runs.v1.retry.1m");
        assertThat(Topics.retryTopic(Topics.FAILED_RUNS, Duration.ofSeconds(60)))
                .as("60 s is written as a minute")
                .isEqualTo("cxbridge.dataactions.failed-runs.v1.retry.1m");
        assertThat(Topics.retryTopic(Topics.FAILED_RUNS, Duration.ofSeconds(30)))
                .isEqualTo("cxbridge.dataactions.failed-runs.v1.retry.30s");
        assertThat(Topics.retryTopic(Topics.FAILED_RUNS, Duration.ofSeconds(90)))
                .isEqualTo("cxbridge.dataactions.failed-runs.v1.retry.90s");
        assertThat(Topics.retryTopic(Topics.FAILED_RUNS, Duration.ofHours(1)))
                .isEqualTo("cxbridge.dataactions.failed-runs.v1.retry.1h");
        assertThat(Topics.retryTopic(Topics.FULFILLMENT_JOBS, Duration.ofMillis(1500)))
                .isEqualTo("cxbridge.fulfillment.jobs.v1.retry.1500ms");
    }

    @Test
    void retryTopicsAreNotContractTopics() {
        String retry = Topics.retryTopic(Topics.FAILED_RUNS, Duration.ofSeconds(5));
        assertThat(Topics.ALL).noneMatch(t -> t.name().equals(retry));
    }

    @ParameterizedTest
    @ValueSource(longs = {0, -1, -5000})
    void retryDelayMustBePositive(long ms) {
        assertThatThrownBy(() -> Topics.retryTopic(Topics.FAILED_RUNS, Duration.ofMillis(ms)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("positive");
    }

    @Test
    void subMillisecondDelayIsRefusedToo() {
        assertThatThrownBy(() -> Topics.retryTopic(Topics.FAILED_RUNS, Duration.ofNanos(500)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static Object value(Field f) {
        try {
            return f.get(null);
        } catch (IllegalAccessException e) {
            throw new AssertionError(e);
        }
    }
}
