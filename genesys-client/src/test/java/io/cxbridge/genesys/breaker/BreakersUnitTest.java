package io.cxbridge.genesys.breaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cxbridge.testkit.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class BreakersUnitTest {

    private final MutableClock clock = MutableClock.startingNow();
    private final Breakers breakers = new Breakers(3, Duration.ofSeconds(15), 100, clock);

    @Test
    void aFamilyIsTheFirstTwoSegmentsWithIdsReplaced() {
        assertThat(Breakers.family("/api/v2/routing/queues/abc/members?pageSize=5"))
                .isEqualTo("/api/v2/routing/queues");
        assertThat(Breakers.family("/api/v2/users/0b5f7a2c-3d4e-4f60-9a1b-2c3d4e5f6a7b/presence"))
                .isEqualTo("/api/v2/users/{id}");
        assertThat(Breakers.family("/api/v2/Users/12345")).isEqualTo("/api/v2/users/{id}");
        assertThat(Breakers.family("/api/v2/conversations/9f8e7d6c5b4a39281706f5e4d3c2b1a0"))
                .isEqualTo("/api/v2/conversations/{id}");
        assertThat(Breakers.family("/api/v2/integrations/actions")).isEqualTo("/api/v2/integrations/actions");
        assertThat(Breakers.family("/api/v2//routing///queues")).isEqualTo("/api/v2/routing/queues");
        assertThat(Breakers.family("/api/v2/users")).isEqualTo("/api/v2/users");
        assertThat(Breakers.family("/elsewhere")).isEqualTo(Breakers.OTHER);
    }

    @Test
    void idLikeSegmentsAreWhatTheRegularExpressionsOfTheRuleSay() {
        // the rule as regular expressions (how it was written before issue #20): the scan must agree on every input
        Pattern uuid = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
        Pattern digits = Pattern.compile("\\d+");
        Pattern urlSafe = Pattern.compile("[A-Za-z0-9_-]{16,}");
        java.util.function.Predicate<String> rule =
                s -> uuid.matcher(s.toLowerCase(Locale.ROOT)).matches()
                        || digits.matcher(s).matches()
                        || s.length() > 64
                        || (urlSafe.matcher(s).matches() && s.chars().anyMatch(Character::isDigit));
        List<String> samples = new ArrayList<>(List.of(
                "",
                "7",
                "12345",
                "queues",
                "0B5F7A2C-3D4E-4F60-9A1B-2C3D4E5F6A7B",
                "0b5f7a2c-3d4e-4f60-9a1b-2c3d4e5f6a7b",
                "0b5f7a2c-3d4e-4f60-9a1b-2c3d4e5f6a7g",
                "0b5f7a2c_3d4e-4f60-9a1b-2c3d4e5f6a7b",
                "abcdefghijklmnop",
                "abcdefghijklmno1",
                "abcdefghijklmn1",
                "abc_def-ghi_jkl1",
                "abc.def-ghi_jkl1",
                "١٢٣", // Arabic-Indic digits: not \\d without UNICODE_CHARACTER_CLASS
                "x".repeat(64),
                "x".repeat(65),
                "conversations",
                "9f8e7d6c5b4a39281706f5e4d3c2b1a0"));
        java.util.Random random = new java.util.Random(20);
        String alphabet = "0123456789abcdefABCDEF-_.xyz%";
        for (int i = 0; i < 20_000; i++) {
            int length = random.nextInt(3) == 0 ? 36 : random.nextInt(70);
            StringBuilder s = new StringBuilder();
            for (int c = 0; c < length; c++) {
                s.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            if (length == 36 && random.nextBoolean()) { // UUID-shaped, sometimes in upper case, sometimes one char off
                s.replace(0, 36, new java.util.UUID(random.nextLong(), random.nextLong()).toString());
                if (random.nextBoolean()) {
                    s.replace(0, 36, s.toString().toUpperCase(Locale.ROOT));
                }
                if (random.nextBoolean()) {
                    s.setCharAt(random.nextInt(36), alphabet.charAt(random.nextInt(alphabet.length())));
                }
            }
            samples.add(s.toString());
        }
        for (String s : samples) {
            assertThat(Breakers.idLike(s)).as("'%s'", s).isEqualTo(rule.test(s));
        }
    }

    @Test
    void oneFamilyOpeningLeavesTheOthersClosed() {
        for (int i = 0; i < 3; i++) {
            breakers.acquire("/api/v2/routing/queues").failure();
        }
        assertThatThrownBy(() -> breakers.acquire("/api/v2/routing/queues/q-1"))
                .isInstanceOf(CircuitOpenException.class)
                .hasMessageContaining("/api/v2/routing/queues");
        breakers.acquire("/api/v2/users/42").success();
        assertThat(breakers.state("/api/v2/users/7")).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(breakers.open()).isEqualTo(1);
    }

    @Test
    void tenThousandDistinctAttackerPathsDoNotGrowTheMapPastItsBound() {
        for (int i = 0; i < 10_000; i++) {
            Permit p = breakers.acquire("/api/v2/attacker" + Integer.toString(i, 36) + "x/p" + i + "q");
            p.failure();
            assertThat(breakers.size()).isLessThanOrEqualTo(100);
        }
        assertThat(breakers.size()).isEqualTo(100);
    }

    @Test
    void pastTheBoundTheLeastRecentlyUsedClosedFamilyIsDropped() {
        for (int i = 0; i < 100; i++) {
            String path = "/api/v2/family" + (char) ('a' + i / 26) + (char) ('a' + i % 26);
            for (int f = 0; f < (i < 2 ? 3 : 1); f++) {
                Permit p = breakers.acquire(path);
                if (i < 2) {
                    p.failure(); // the two oldest open: once dropped, their family would read CLOSED
                } else {
                    p.success();
                }
            }
            clock.advance(Duration.ofMillis(1));
        }
        assertThatThrownBy(() -> breakers.acquire("/api/v2/familyaa")).isInstanceOf(CircuitOpenException.class);
        clock.advance(Duration.ofMillis(1));
        breakers.acquire("/api/v2/newcomer").success();
        assertThat(breakers.size()).isEqualTo(100);
        assertThat(breakers.state("/api/v2/familyaa"))
                .as("the oldest, but used a moment ago: kept")
                .isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(breakers.state("/api/v2/familyab"))
                .as("the least recently used, but open: kept")
                .isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(breakers.tracks("/api/v2/familyac"))
                .as("the least recently used closed one: dropped")
                .isFalse();
        assertThat(breakers.tracks("/api/v2/familyad")).isTrue();
        assertThat(breakers.open()).isEqualTo(2);
    }

    @Test
    void madeUpPathsCannotEvictAnOpenBreaker() {
        for (int i = 0; i < 3; i++) {
            breakers.acquire("/api/v2/users").failure();
        }
        for (int i = 0; i < 10_000; i++) {
            clock.advance(Duration.ofMillis(1)); // the open family is the least recently used of all
            breakers.acquire("/api/v2/attacker" + Integer.toString(i, 36) + "x").success();
        }
        assertThat(breakers.size()).isEqualTo(100);
        assertThat(breakers.state("/api/v2/users")).isEqualTo(CircuitBreaker.State.OPEN);
        assertThatThrownBy(() -> breakers.acquire("/api/v2/users")).isInstanceOf(CircuitOpenException.class);
    }

    @Test
    void openFamiliesNobodyCallsAgainMakeRoomOnceTheirDelayIsOver() {
        for (int i = 0; i < 100; i++) {
            for (int f = 0; f < 3; f++) {
                breakers.acquire("/api/v2/gone" + Integer.toString(i, 36) + "x").failure();
            }
        }
        breakers.acquire("/api/v2/early").success();
        assertThat(breakers.tracks("/api/v2/early"))
                .as("all open: the overflow breaker")
                .isFalse();

        clock.advance(Duration.ofSeconds(30)); // past the delay: half-open, probes due
        breakers.acquire("/api/v2/newcomer").success();
        assertThat(breakers.tracks("/api/v2/newcomer")).isTrue();
        assertThat(breakers.size()).isEqualTo(100);
    }

    @Test
    void whenEveryFamilyIsOpenANewOneSharesTheOverflowBreaker() {
        for (int i = 0; i < 100; i++) {
            for (int f = 0; f < 3; f++) {
                breakers.acquire("/api/v2/open" + Integer.toString(i, 36) + "x").failure();
            }
        }
        assertThat(breakers.open()).isEqualTo(100);

        breakers.acquire("/api/v2/newcomer").success();
        assertThat(breakers.size()).as("no family was dropped, none added").isEqualTo(100);
        assertThat(breakers.tracks("/api/v2/newcomer")).isFalse();
        assertThat(breakers.state("/api/v2/open0x")).isEqualTo(CircuitBreaker.State.OPEN);

        for (int i = 0; i < 3; i++) {
            breakers.acquire("/api/v2/made-up" + i).failure();
        }
        assertThatThrownBy(() -> breakers.acquire("/api/v2/another"))
                .isInstanceOf(CircuitOpenException.class)
                .hasMessageContaining("overflow");
        assertThat(breakers.open()).isEqualTo(101);

        // once the delay is over (half-open, or closed by a probe), a new family gets a breaker of its own
        clock.advance(Duration.ofSeconds(15));
        breakers.acquire("/api/v2/open0x").success();
        breakers.acquire("/api/v2/another").success();
        assertThat(breakers.tracks("/api/v2/another")).isTrue();
        assertThat(breakers.tracks("/api/v2/open0x")).as("used last: kept").isTrue();
        assertThat(breakers.size()).as("a half-open family made room").isEqualTo(100);
    }

    @Test
    void aProbeReleasedWithoutAnOutcomeFreesTheSlotAndOnlyTheFirstOutcomeCounts() {
        for (int i = 0; i < 3; i++) {
            breakers.acquire("/api/v2/users").failure();
        }
        clock.advance(Duration.ofSeconds(15));
        Permit probe = breakers.acquire("/api/v2/users");
        assertThatThrownBy(() -> breakers.acquire("/api/v2/users"))
                .as("one probe at a time")
                .isInstanceOf(CircuitOpenException.class);
        probe.release(); // what the client does when the call threw synchronously or was cancelled
        probe.failure(); // ignored: the permit already ended
        Permit next = breakers.acquire("/api/v2/users");
        next.success();
        next.failure();
        assertThat(breakers.state("/api/v2/users")).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void aStalePermitOfAClosedBreakerCannotFreeTheProbeSlot() {
        Permit stale = breakers.acquire("/api/v2/users");
        for (int i = 0; i < 3; i++) {
            breakers.acquire("/api/v2/users").failure();
        }
        clock.advance(Duration.ofSeconds(15));
        breakers.acquire("/api/v2/users");
        stale.release();
        assertThatThrownBy(() -> breakers.acquire("/api/v2/users")).isInstanceOf(CircuitOpenException.class);
    }

    @Test
    void badSettingsAreRefused() {
        assertThatThrownBy(() -> new Breakers(0, Duration.ofSeconds(1), 10, clock))
                .hasMessageContaining("threshold");
        assertThatThrownBy(() -> new Breakers(1, Duration.ofSeconds(1), 0, clock))
                .hasMessageContaining("max-families");
    }
}
