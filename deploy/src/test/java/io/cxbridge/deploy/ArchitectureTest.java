package io.cxbridge.deploy;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shape of the main code: no package cycles, and no service (nor the sim) importing another one.
 * Shared mechanisms live in shared-model, service-common and genesys-client; a service that needs another
 * service's class has found a mechanism that belongs there.
 */
class ArchitectureTest {

    /** Every module with main code, and the top-level package it owns. */
    private static final Map<String, String> MODULES = Map.ofEntries(
            Map.entry("shared-model", "model"),
            Map.entry("service-common", "common"),
            Map.entry("genesys-client", "genesys"),
            Map.entry("testkit", "testkit"),
            Map.entry("genesys-sim", "sim"),
            Map.entry("gateway-svc", "gateway"),
            Map.entry("retry-svc", "retry"),
            Map.entry("fulfillment-svc", "fulfillment"),
            Map.entry("retention-svc", "retention"),
            Map.entry("directory-svc", "directory"));

    /** The processes: none of them may use another's classes. */
    private static final List<String> PROCESSES =
            List.of("gateway", "retry", "fulfillment", "retention", "directory", "sim");

    private static JavaClasses main;

    @BeforeAll
    static void importEveryModulesMainClasses() {
        List<Path> dirs = new ArrayList<>();
        for (String module : MODULES.keySet()) {
            Path classes = Repo.path(module + "/target/classes/io/cxbridge");
            // A module not compiled yet would make every rule pass on nothing: refuse instead.
            assertThat(Files.isDirectory(classes))
                    .as("%s is compiled (run the reactor build, not deploy alone)", classes)
                    .isTrue();
            dirs.add(Repo.path(module + "/target/classes"));
        }
        main = new ClassFileImporter().importPaths(dirs);
        for (String pkg : MODULES.values()) {
            assertThat(main.containPackage("io.cxbridge." + pkg))
                    .as("io.cxbridge.%s imported", pkg)
                    .isTrue();
        }
    }

    @Test
    void noPackageCyclesInTheMainCode() {
        slices().matching("io.cxbridge.(**)")
                .should()
                .beFreeOfCycles()
                .because("a package cycle means two features cannot be read, tested or moved apart")
                .check(main);
    }

    @Test
    void servicesNeverImportEachOther() {
        for (String process : PROCESSES) {
            String[] others = PROCESSES.stream()
                    .filter(p -> !p.equals(process))
                    .map(p -> "io.cxbridge." + p + "..")
                    .toArray(String[]::new);
            noClasses()
                    .that()
                    .resideInAPackage("io.cxbridge." + process + "..")
                    .should()
                    .dependOnClassesThat()
                    .resideInAnyPackage(others)
                    .because("services talk through Kafka and HTTP, and share code only through the shared modules")
                    .check(main);
        }
    }

    @Test
    void sharedModulesNeverImportAService() {
        String[] processes =
                PROCESSES.stream().map(p -> "io.cxbridge." + p + "..").toArray(String[]::new);
        noClasses()
                .that()
                .resideInAnyPackage("io.cxbridge.model..", "io.cxbridge.common..", "io.cxbridge.genesys..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(processes)
                .check(main);
    }
}
