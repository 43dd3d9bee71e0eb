package io.cxbridge.retry.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxbridge.retry.config.RetryConfig;
import io.cxbridge.testkit.RedisClient;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The resubmitter's one read of the due set, against a real redis-server, each test with a due set of its own. */
class RunStoreDuePollTest {

    private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");

    @RegisterExtension
    static final RedisClient REDIS = new RedisClient();

    private RunStore store;

    @BeforeEach
    void ownDueSet() {
        String prefix = "test-due-poll:" + UUID.randomUUID();
        RetryConfig config = (RetryConfig) Proxy.newProxyInstance(
                RetryConfig.class.getClassLoader(), new Class<?>[] {RetryConfig.class}, (p, m, a) -> {
                    if (m.getName().equals("keyPrefix")) {
                        return prefix;
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
        store = new RunStore(REDIS.api(), config);
    }

    private void schedule(String id, Instant at) {
        REDIS.api()
                .zadd(List.of(store.dueKey(), String.valueOf(at.toEpochMilli()), id))
                .await()
                .atMost(Duration.ofSeconds(5));
    }

    private RunStore.DuePoll poll(int limit) {
        return store.duePoll(NOW, limit).await().atMost(Duration.ofSeconds(5));
    }

    @Test
    void anEmptyScheduleHasNothingDueAndNoNext() {
        assertThat(poll(10)).isEqualTo(new RunStore.DuePoll(List.of(), java.util.Optional.empty()));
    }

    @Test
    void theRunsDueNowComeEarliestFirstWithWhenTheNextOneIsDue() {
        schedule("later", NOW.plusSeconds(30));
        schedule("b", NOW.minusSeconds(1));
        schedule("at-now", NOW);
        schedule("a", NOW.minusSeconds(5));
        schedule("latest", NOW.plusSeconds(90));

        RunStore.DuePoll poll = poll(10);

        assertThat(poll.ids()).containsExactly("a", "b", "at-now");
        assertThat(poll.next()).contains(NOW.plusSeconds(30));
    }

    @Test
    void aFullBatchLeavesTheNextUnread() {
        schedule("a", NOW.minusSeconds(3));
        schedule("b", NOW.minusSeconds(2));
        schedule("c", NOW.minusSeconds(1));
        schedule("later", NOW.plusSeconds(30));

        RunStore.DuePoll poll = poll(2);

        assertThat(poll.ids()).containsExactly("a", "b");
        assertThat(poll.next())
                .as("the poller looks again soon after a full batch")
                .isEmpty();
    }

    @Test
    void nothingDueNowStillAnswersWhenTheEarliestIs() {
        schedule("claimed", NOW.plusMillis(30_001));
        schedule("latest", NOW.plusSeconds(600));

        RunStore.DuePoll poll = poll(1);

        assertThat(poll.ids()).isEmpty();
        assertThat(poll.next()).contains(NOW.plusMillis(30_001));
    }
}
