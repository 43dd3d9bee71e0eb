package io.cxbridge.bench.suite;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FeatureCheckTest {

    @Test
    void oneEventAndOneLinePerRequestIsEnough() {
        FeatureCheck.Counted c = new FeatureCheck.Counted(1000, 64, 1000, 1000);
        assertThat(c.auditOk()).isTrue();
        assertThat(c.logOk()).isTrue();
    }

    @Test
    void requestsInFlightWhenWrkStoppedMayAddUpToTheConnectionCount() {
        FeatureCheck.Counted c = new FeatureCheck.Counted(1000, 64, 1064, 1063);
        assertThat(c.auditOk()).isTrue();
        assertThat(c.logOk()).isTrue();
    }

    @Test
    void oneEventOrOneLineShortFails() {
        assertThat(new FeatureCheck.Counted(1000, 64, 999, 1000).auditOk()).isFalse();
        assertThat(new FeatureCheck.Counted(1000, 64, 1000, 999).logOk()).isFalse();
    }
}
