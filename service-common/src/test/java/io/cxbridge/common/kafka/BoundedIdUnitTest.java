package io.cxbridge.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Ids bounded before they become a subject, a key or log text: short ones untouched, long ones told apart. */
class BoundedIdUnitTest {

    @Test
    void anIdWithinTheBoundIsKeptAsItIs() {
        String uuid = "0b7c7e52-8d0e-4a53-9d55-0e3f9c7f1a01";
        assertThat(BoundedId.of(uuid)).isSameAs(uuid);
        String edge = "x".repeat(BoundedId.MAX_CHARS);
        assertThat(BoundedId.of(edge)).isSameAs(edge);
        assertThat(BoundedId.of(null)).isNull();
    }

    @Test
    void aLongerIdKeepsItsBeginningAndTheSha256OfTheWhole() {
        String huge = "ff-" + "a".repeat(400_000);
        String bounded = BoundedId.of(huge);
        assertThat(bounded)
                .hasSize(BoundedId.MAX_CHARS)
                .startsWith("ff-aaa")
                .endsWith("~sha256:" + BoundedId.sha256(huge.getBytes(StandardCharsets.UTF_8)));
        assertThat(BoundedId.of(huge + "b")).as("two long ids stay apart").isNotEqualTo(bounded);
        assertThat(BoundedId.of(huge))
                .as("the same id, the same bound (the same partition)")
                .isEqualTo(bounded);
    }

    @Test
    void aCharacterOutsideTheBasicPlaneIsNeverCutInHalf() {
        String emoji = "\uD83D\uDE00";
        String huge = emoji.repeat(1000);
        String bounded = BoundedId.of(huge);
        String kept = bounded.substring(0, bounded.indexOf("~sha256:"));
        assertThat(Character.isHighSurrogate(kept.charAt(kept.length() - 1))).isFalse();
        assertThat(bounded.length()).isLessThanOrEqualTo(BoundedId.MAX_CHARS);
    }
}
