package io.cxbridge.common.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.cxbridge.common.logging.LogThrottle;
import io.cxbridge.common.redis.StoredJson;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class InfrastructureRetryUnitTest {

    private final InfrastructureRetry retry = new InfrastructureRetry();

    @Test
    void aLazyLabelIsMadeOnlyWhenARetryIsLogged() {
        AtomicInteger labels = new AtomicInteger();
        AtomicInteger calls = new AtomicInteger();

        String first = retry.<String>untilDone(
                        () -> "job " + labels.incrementAndGet(),
                        () -> Uni.createFrom().item("done " + calls.incrementAndGet()))
                .await()
                .atMost(Duration.ofSeconds(5));
        assertThat(first).isEqualTo("done 1");
        assertThat(labels).as("no retry, no label").hasValue(0);

        String second = retry.<String>untilDone(
                        () -> "job " + labels.incrementAndGet(),
                        () -> calls.incrementAndGet() == 2
                                ? Uni.createFrom().failure(new IllegalStateException("redis away"))
                                : Uni.createFrom().item("done " + calls.get()))
                .await()
                .atMost(Duration.ofSeconds(5));
        assertThat(second).as("retried after the failure").isEqualTo("done 3");
        assertThat(labels).as("one retry logged, one label").hasValue(1);
    }

    /** A long outage retries every pending piece of work every few seconds: the log gets one line, not one each. */
    @Test
    void failedAttemptsAreLoggedOncePerIntervalForTheWholeProcess() {
        InfrastructureRetry throttled = new InfrastructureRetry(new LogThrottle(Duration.ofHours(1)));
        AtomicInteger labels = new AtomicInteger();
        for (int work = 0; work < 3; work++) {
            AtomicInteger calls = new AtomicInteger();
            Integer attempts = throttled
                    .<Integer>untilDone(
                            () -> "work " + labels.incrementAndGet(),
                            () -> calls.incrementAndGet() <= 2
                                    ? Uni.createFrom().failure(new IllegalStateException("redis away"))
                                    : Uni.createFrom().item(calls.get()))
                    .await()
                    .atMost(Duration.ofSeconds(10));
            assertThat(attempts)
                    .as("each piece of work still retried until done")
                    .isEqualTo(3);
        }
        assertThat(labels)
                .as("six failed attempts, one line within the interval")
                .hasValue(1);
    }

    @Test
    void aFixedLabelStillRetriesUntilDone() {
        AtomicInteger calls = new AtomicInteger();
        Integer result = retry.<Integer>untilDone(
                        "fixed",
                        () -> calls.incrementAndGet() < 2
                                ? Uni.createFrom().failure(new IllegalStateException("kafka away"))
                                : Uni.createFrom().item(calls.get()))
                .await()
                .atMost(Duration.ofSeconds(5));
        assertThat(result).isEqualTo(2);
    }

    /** Waiting cannot make these pass: retried, they held the record in hand (and its partition) for good. */
    @Test
    void aFailureThatNoWaitCanMendFailsToTheCallerAtOnce() {
        Throwable unreadable =
                catchThrowable(() -> StoredJson.read("{\"n\":\"+15551234567\"}", Stored.class, "job state"));
        List<Throwable> permanent = List.of(
                new RecordTooLargeException("The message is 2097152 bytes when serialized which is larger than 1048576,"
                        + " which is the value of the max.request.size configuration."),
                new IllegalStateException("send failed", new SerializationException("cannot serialize")),
                new IllegalStateException("run state cannot be written", new JsonProcessingException("x") {}),
                unreadable);
        for (Throwable failure : permanent) {
            AtomicInteger calls = new AtomicInteger();
            Throwable thrown = catchThrowable(() -> retry.<Void>untilDone("permanent", () -> {
                        calls.incrementAndGet();
                        return Uni.createFrom().failure(failure);
                    })
                    .await()
                    .atMost(Duration.ofSeconds(5)));
            assertThat(thrown).as(failure.toString()).isSameAs(failure);
            assertThat(calls).as("not retried: " + failure).hasValue(1);
            assertThat(InfrastructureRetry.permanent(failure)).isTrue();
        }
        assertThat(InfrastructureRetry.describe(permanent.get(0)))
                .isEqualTo("Kafka refused the record as too large: The message is 2097152 bytes when serialized which"
                        + " is larger than 1048576, which is the value of the max.request.size configuration.");
        assertThat(InfrastructureRetry.describe(unreadable))
                .isEqualTo("job state cannot be read: field 'n' has the wrong type");
        assertThat(InfrastructureRetry.describe(permanent.get(1))).isEqualTo("IllegalStateException");
        assertThat(InfrastructureRetry.permanent(new IllegalStateException("redis away")))
                .isFalse();
    }

    record Stored(int n) {}
}
