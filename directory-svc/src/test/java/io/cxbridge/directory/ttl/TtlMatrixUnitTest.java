package io.cxbridge.directory.ttl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TtlMatrixUnitTest {

    @Test
    void aTtlOfTenSecondsIsRefusedNamingTheKeyAndTheRange() {
        assertThatThrownBy(() -> TtlMatrix.of(Map.of("internal_agents", 10, "default", 300)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cxbridge.directory.ttl.internal_agents")
                .hasMessageContaining("30 to 3600 s")
                .hasMessageNotContaining("default");
    }

    @Test
    void aTtlAboveAnHourIsRefusedToo() {
        assertThatThrownBy(() -> TtlMatrix.of(Map.of("default", 3601)))
                .hasMessageContaining("cxbridge.directory.ttl.default is 3601 s; allowed range is 30 to 3600 s");
    }

    @Test
    void theBoundsThemselvesAreAllowedAndUnknownClassesTakeTheDefault() {
        TtlMatrix m = TtlMatrix.of(Map.of("emergency_contacts", 30, "archive", 3600, "default", 300));
        assertThat(m.ttlSeconds("emergency_contacts")).isEqualTo(30);
        assertThat(m.ttlSeconds("archive")).isEqualTo(3600);
        assertThat(m.ttlSeconds("anything_else")).isEqualTo(300);
        assertThat(TtlMatrix.of(Map.of()).ttlSeconds("x")).isEqualTo(300);
    }
}
