package io.cxbridge.genesys;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxbridge.testkit.JvmWide;
import io.cxbridge.testkit.sim.GenesysSim;
import java.net.URLClassLoader;
import org.junit.jupiter.api.Test;

/**
 * The sim's half of testkit's {@code JvmWideTest}, here because genesys-sim is packaged before this module and after
 * testkit: a second copy of testkit, loaded as Quarkus loads it for another test profile, must reach this JVM's sim
 * and never start a second sim process.
 */
class TestkitCopySimTest {

    @Test
    void aSecondCopyOfTestkitForwardsToThisJvmsSim() throws Exception {
        try (URLClassLoader copy = JvmWide.secondCopy()) {
            Class<?> simCopy = copy.loadClass(GenesysSim.class.getName());
            assertThat(simCopy).isNotSameAs(GenesysSim.class);

            Object sim = simCopy.getMethod("shared").invoke(null);
            assertThat(simCopy.getMethod("baseUrl").invoke(sim))
                    .isEqualTo(GenesysSim.shared().baseUrl());
            assertThat(simCopy.getMethod("logFile").invoke(sim))
                    .isEqualTo(GenesysSim.shared().logFile());
            assertThat(ProcessHandle.current()
                            .children()
                            .filter(p -> p.info().commandLine().orElse("").contains("quarkus-run.jar")))
                    .hasSize(1);
        }
    }
}
