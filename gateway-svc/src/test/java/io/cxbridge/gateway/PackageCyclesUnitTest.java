package io.cxbridge.gateway;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.cxbridge.gateway.chain.GatewayChain;
import org.junit.jupiter.api.Test;

/** The gateway's feature packages depend on each other one way only (no cycle such as audit <-> auth). */
class PackageCyclesUnitTest {

    @Test
    void gatewayPackagesAreFreeOfCycles() {
        // The main classes' own directory only: scanning the whole classpath for the package takes many seconds.
        JavaClasses main = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importUrl(
                        GatewayChain.class.getProtectionDomain().getCodeSource().getLocation());
        assertThat(main.size()).as("gateway classes imported").isGreaterThan(30);
        slices().matching("io.cxbridge.gateway.(*)..").should().beFreeOfCycles().check(main);
    }
}
