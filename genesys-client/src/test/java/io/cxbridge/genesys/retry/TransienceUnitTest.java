package io.cxbridge.genesys.retry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TransienceUnitTest {

    @Test
    void transientIsExactly408_429_500_502_503_504() {
        assertThat(IntStream.rangeClosed(100, 599)
                        .filter(Transience::isTransient)
                        .boxed()
                        .toList())
                .containsExactly(408, 429, 500, 502, 503, 504);
    }

    @Test
    void anAnsweredCallIsResentOnlyWhenTransientAndIdempotentOr429() {
        assertThat(Transience.mayResend(503, true)).isTrue();
        assertThat(Transience.mayResend(500, true)).isTrue();
        assertThat(Transience.mayResend(408, true)).isTrue();
        assertThat(Transience.mayResend(503, false))
                .as("a POST that reached Genesys may have been applied")
                .isFalse();
        assertThat(Transience.mayResend(429, false))
                .as("a 429 was not processed")
                .isTrue();
        assertThat(Transience.mayResend(501, true)).isFalse();
        assertThat(Transience.mayResend(404, true)).isFalse();
    }

    @Test
    void anUnansweredCallIsResentWhenIdempotentOrNothingReachedUpstream() {
        assertThat(Transience.mayResendUnanswered(new TimeoutException(), true)).isTrue();
        assertThat(Transience.mayResendUnanswered(new TimeoutException(), false))
                .isFalse();
        assertThat(Transience.mayResendUnanswered(new ConnectException("refused"), false))
                .isTrue();
        assertThat(Transience.mayResendUnanswered(new IOException(new ConnectException("refused")), false))
                .isTrue();
        assertThat(Transience.mayResendUnanswered(new IOException("reset"), false))
                .isFalse();
    }
}
