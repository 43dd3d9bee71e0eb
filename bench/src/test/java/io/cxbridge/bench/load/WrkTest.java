package io.cxbridge.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class WrkTest {

    static final String OUT = """
            Running 10s test @ http://127.0.0.1:29080/api/v2/routing/queues
              1 threads and 64 connections
              Thread Stats   Avg      Stdev     Max   +/- Stdev
                Latency    66.56ms   33.88ms 219.13ms   79.03%
                Req/Sec     0.99k   123.45     1.20k    70.00%
              Latency Distribution
                 50%  850.00us
                 75%   80.12ms
                 90%  100.00ms
                 99%    1.20s
              9803 requests in 10.00s, 3.21MB read
              Socket errors: connect 0, read 2, write 1, timeout 3
              Non-2xx or 3xx responses: 17
            Requests/sec:    980.29
            Transfer/sec:    328.11KB
            """;

    @Test
    void parsesThroughputErrorsAndPercentiles() {
        Wrk.Result r = Wrk.parse("gateway", OUT);
        assertThat(r.requestsPerSecond()).isEqualTo(980.29);
        assertThat(r.requests()).isEqualTo(9803);
        assertThat(r.seconds()).isEqualTo(10.0);
        assertThat(r.non2xx()).isEqualTo(17);
        assertThat(r.socketErrors()).isEqualTo(6);
        assertThat(r.p50Ms()).isCloseTo(0.85, within(1e-9));
        assertThat(r.p99Ms()).isCloseTo(1200, within(1e-9));
        assertThat(r.okPerSecond()).isCloseTo((9803 - 17) / 10.0, within(1e-9));
    }

    @Test
    void aRunWithoutErrorLinesHasNone() {
        Wrk.Result r = Wrk.parse("x", """
                  500 requests in 1.50m, 1.00MB read
                Requests/sec:      5.55
                """);
        assertThat(r.non2xx()).isZero();
        assertThat(r.socketErrors()).isZero();
        assertThat(r.seconds()).isEqualTo(90.0);
        assertThat(r.p50Ms()).isNaN();
    }
}
