package io.cxbridge.bench.suite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class KafkaToolsTest {

    static TopicPartition p(int n) {
        return new TopicPartition("cxbridge.audit.v1", n);
    }

    @Test
    void growthIsSummedOverThePartitions() {
        assertThat(KafkaTools.growth(Map.of(p(0), 10L, p(1), 5L, p(2), 0L), Map.of(p(0), 15L, p(1), 5L, p(2), 7L)))
                .isEqualTo(12);
    }

    @Test
    void aPartitionAddedMeanwhileGrewFromZero() {
        assertThat(KafkaTools.growth(Map.of(p(0), 10L), Map.of(p(0), 11L, p(1), 4L)))
                .isEqualTo(5);
    }

    @Test
    void anOffsetThatWentBackIsAnError() {
        assertThatThrownBy(() -> KafkaTools.growth(Map.of(p(0), 10L), Map.of(p(0), 3L)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("recreated");
    }
}
