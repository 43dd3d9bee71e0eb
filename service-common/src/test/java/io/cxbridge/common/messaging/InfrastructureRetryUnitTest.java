package io.cxbridge.common.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
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
}
