package io.cxbridge.directory.source;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The glob match of {@code seed.allowed-ids}: {@code *} any run (also none), {@code ?} exactly one character. */
class AllowedSeedIdsUnitTest {

    @Test
    void starMatchesAnyRunAndQuestionMarkOneCharacter() {
        assertThat(AllowedSeedIds.matches("*", "a")).isTrue();
        assertThat(AllowedSeedIds.matches("a*", "a")).isTrue();
        assertThat(AllowedSeedIds.matches("a*c", "abbbc")).isTrue();
        assertThat(AllowedSeedIds.matches("a*c", "abbbd")).isFalse();
        assertThat(AllowedSeedIds.matches("*_eu", "x_eu_eu")).isTrue();
        assertThat(AllowedSeedIds.matches("a?c", "abc")).isTrue();
        assertThat(AllowedSeedIds.matches("a?c", "ac")).isFalse();
        assertThat(AllowedSeedIds.matches("abc", "abcd")).isFalse();
        assertThat(AllowedSeedIds.matches("abc*", "ab")).isFalse();
    }

    /** Many stars against the longest id, failing only at its last character. */
    @Test
    void manyStarsOnTheLongestIdFailingAtItsLastCharacter() {
        String id = "a".repeat(128);
        assertThat(AllowedSeedIds.matches("*a*a*a*a*a*a*a*a*a*a*a*a*b", id)).isFalse();
        assertThat(AllowedSeedIds.matches("*a*a*a*a*a*a*a*a*a*a*a*a*a", id)).isTrue();
    }
}
