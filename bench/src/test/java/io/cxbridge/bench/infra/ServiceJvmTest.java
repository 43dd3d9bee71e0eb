package io.cxbridge.bench.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceJvmTest {

    @Test
    void withoutStackJavaOptsTheStacksHeapAndTheImagesCollector() {
        assertThat(ServiceJvm.options(Map.of(), "retry-svc"))
                .containsExactly("-Xms64m", "-Xmx256m", "-XX:+UseParallelGC", "-XX:-UsePerfData");
        assertThat(ServiceJvm.options(Map.of("STACK_JAVA_OPTS", "  "), "gateway-svc"))
                .containsExactly("-Xms64m", "-Xmx256m", "-XX:+UseParallelGC", "-XX:-UsePerfData");
    }

    @Test
    void thePartsWhoseImagesRunG1RunG1() {
        assertThat(ServiceJvm.options(Map.of(), "fulfillment-svc"))
                .containsExactly("-Xms64m", "-Xmx256m", "-XX:+UseG1GC", "-XX:-UsePerfData");
        assertThat(ServiceJvm.options(Map.of(), "genesys-sim"))
                .containsExactly("-Xms64m", "-Xmx256m", "-XX:+UseG1GC", "-XX:-UsePerfData");
    }

    @Test
    void stackJavaOptsReplaceTheHeapAndKeepTheCollector() {
        assertThat(ServiceJvm.options(Map.of("STACK_JAVA_OPTS", "-Xmx512m  -Xlog:gc"), "directory-svc"))
                .containsExactly("-Xmx512m", "-Xlog:gc", "-XX:+UseParallelGC", "-XX:-UsePerfData");
    }

    @Test
    void aCollectorNamedInStackJavaOptsWins() {
        assertThat(ServiceJvm.options(Map.of("STACK_JAVA_OPTS", "-Xmx256m -XX:+UseG1GC"), "retry-svc"))
                .containsExactly("-Xmx256m", "-XX:+UseG1GC", "-XX:-UsePerfData");
        assertThat(ServiceJvm.options(Map.of("STACK_JAVA_OPTS", "-XX:+UseSerialGC"), "fulfillment-svc"))
                .containsExactly("-XX:+UseSerialGC", "-XX:-UsePerfData");
    }

    @Test
    void perfDataNamedInStackJavaOptsWins() {
        assertThat(ServiceJvm.options(Map.of("STACK_JAVA_OPTS", "-Xmx256m -XX:+UsePerfData"), "gateway-svc"))
                .containsExactly("-Xmx256m", "-XX:+UsePerfData", "-XX:+UseParallelGC");
    }
}
