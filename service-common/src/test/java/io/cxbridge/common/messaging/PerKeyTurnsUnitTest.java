package io.cxbridge.common.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.helpers.test.UniAssertSubscriber;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class PerKeyTurnsUnitTest {

    private final PerKeyTurns turns = new PerKeyTurns();
    private final List<String> started = new ArrayList<>();

    private Uni<String> step(String name, CompletableFuture<String> end) {
        return turns.run(name.substring(0, 1), () -> {
            started.add(name);
            return Uni.createFrom().completionStage(end);
        });
    }

    @Test
    void theSameKeyWaitsForTheWorkBeforeItAndOtherKeysDoNot() {
        CompletableFuture<String> a1 = new CompletableFuture<>();
        CompletableFuture<String> a2 = new CompletableFuture<>();
        CompletableFuture<String> b1 = new CompletableFuture<>();

        UniAssertSubscriber<String> first = step("a1", a1).subscribe().withSubscriber(UniAssertSubscriber.create());
        UniAssertSubscriber<String> second = step("a2", a2).subscribe().withSubscriber(UniAssertSubscriber.create());
        UniAssertSubscriber<String> other = step("b1", b1).subscribe().withSubscriber(UniAssertSubscriber.create());

        assertThat(started).as("a2 waits for a1; b1 does not").containsExactly("a1", "b1");
        assertThat(turns.keysHeld()).isEqualTo(2);

        b1.complete("b1 done");
        other.assertCompleted().assertItem("b1 done");
        assertThat(started).containsExactly("a1", "b1");

        a1.complete("a1 done");
        first.assertCompleted().assertItem("a1 done");
        assertThat(started).as("a2 starts once a1 ended").containsExactly("a1", "b1", "a2");

        a2.complete("a2 done");
        second.assertCompleted().assertItem("a2 done");
        assertThat(turns.keysHeld()).as("nothing held once all ended").isZero();
    }

    @Test
    void aFailureOrACancellationStillHandsTheTurnOn() {
        CompletableFuture<String> a1 = new CompletableFuture<>();
        CompletableFuture<String> a2 = new CompletableFuture<>();
        CompletableFuture<String> a3 = new CompletableFuture<>();

        UniAssertSubscriber<String> first = step("a1", a1).subscribe().withSubscriber(UniAssertSubscriber.create());
        UniAssertSubscriber<String> second = step("a2", a2).subscribe().withSubscriber(UniAssertSubscriber.create());
        UniAssertSubscriber<String> third = step("a3", a3).subscribe().withSubscriber(UniAssertSubscriber.create());

        a1.completeExceptionally(new IllegalStateException("redis away"));
        first.assertFailedWith(IllegalStateException.class, "redis away");
        assertThat(started).as("a failure ends the turn").containsExactly("a1", "a2");

        second.cancel();
        assertThat(started).as("a cancellation ends the turn").containsExactly("a1", "a2", "a3");
        a3.complete("a3 done");
        third.assertCompleted().assertItem("a3 done");
        assertThat(turns.keysHeld()).isZero();
    }

    @Test
    void aNullKeyIsNeverHeld() {
        CompletableFuture<String> end = new CompletableFuture<>();
        turns.run(null, () -> Uni.createFrom().completionStage(end))
                .subscribe()
                .withSubscriber(UniAssertSubscriber.create());
        turns.run(null, () -> Uni.createFrom().item("at once"))
                .subscribe()
                .withSubscriber(UniAssertSubscriber.create())
                .assertCompleted()
                .assertItem("at once");
        assertThat(turns.keysHeld()).isZero();
    }
}
