package io.cxbridge.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * docs/reference/configuration.md lists exactly the properties of the modules' @ConfigMapping interfaces.
 * To refresh its generated part after adding a property (descriptions come from the Javadoc):
 * {@code mvn test -pl deploy -Dtest=ConfigReferenceTest -Dcxbridge.config-reference.write=true}.
 */
class ConfigReferenceTest {

    @Test
    void theReferenceListsEveryConfigMappingPropertyAndNothingElse() throws IOException {
        Map<String, ConfigReference.Property> mappings = ConfigReference.fromMappings();
        assertThat(mappings).as("properties found in the modules").hasSizeGreaterThan(50);
        String doc = Repo.read(ConfigReference.DOC);
        if (Boolean.getBoolean("cxbridge.config-reference.write")) {
            doc = ConfigReference.withGenerated(
                    doc, ConfigReference.render(mappings, ConfigReference.documentedDescriptions(doc)));
            Files.writeString(ConfigReference.DOC, doc);
        }
        assertThat(ConfigReference.differences(mappings.keySet(), ConfigReference.documentedNames(doc)))
                .as(
                        "refresh the reference: mvn test -pl deploy -Dtest=ConfigReferenceTest -Dcxbridge.config-reference.write=true")
                .isEmpty();
        assertThat(ConfigReference.withGenerated(
                        doc, ConfigReference.render(mappings, ConfigReference.documentedDescriptions(doc))))
                .as("the tables are what the generator writes (a description edited here but not in the Javadoc "
                        + "would be lost on the next refresh): "
                        + "mvn test -pl deploy -Dtest=ConfigReferenceTest -Dcxbridge.config-reference.write=true")
                .isEqualTo(doc);
    }

    @Test
    void everyDocumentedPropertySaysWhatItDoes() {
        Map<String, String> described = ConfigReference.documentedDescriptions(Repo.read(ConfigReference.DOC));
        assertThat(described).as("rows found").hasSizeGreaterThan(50);
        assertThat(described.entrySet())
                .filteredOn(e -> e.getValue().isBlank())
                .as(
                        "properties without a description: give the property method Javadoc, or describe it in the document")
                .isEmpty();
    }

    @Test
    void theCheckerNamesAPropertyAddedWithoutDocumentationAndOneDocumentedThatIsGone() {
        String doc = """
                | property | default | environment variable | what it does |
                |---|---|---|---|
                | `cxbridge.retry.max-attempts` | `5` | `CXBRIDGE_RETRY_MAX_ATTEMPTS` | attempts |
                | `cxbridge.retry.removed-long-ago` | | | gone |
                | `quarkus.http.port` | `8080` | `QUARKUS_HTTP_PORT` | not ours: not checked |
                """;
        assertThat(ConfigReference.differences(
                        Set.of("cxbridge.retry.max-attempts", "cxbridge.retry.new-one"),
                        ConfigReference.documentedNames(doc)))
                .containsExactlyInAnyOrder(
                        "cxbridge.retry.new-one is a @ConfigMapping property missing from the reference",
                        "cxbridge.retry.removed-long-ago is in the reference but no @ConfigMapping has it");
    }

    @Test
    void twoGroupsWithAMethodOfTheSameNameKeepTheirOwnDescriptions() {
        String java = """
                @ConfigMapping(prefix = "x")
                public interface X {
                    /** Outer, before: an open { in a comment. */
                    @WithDefault("/a/{id}")
                    String path();

                    interface Upstream {
                        /** Where policies are created. */
                        String policiesPath();
                    }

                    interface Media {
                        // a } in a line comment
                        /** Genesys's media retention policies. */
                        String policiesPath();
                    }

                    /** Outer, after the groups. */
                    int size();
                }
                """;
        assertThat(ConfigReference.javadocOf(java))
                .isEqualTo(Map.of(
                        "X#path", "Outer, before: an open { in a comment.",
                        "Upstream#policiesPath", "Where policies are created.",
                        "Media#policiesPath", "Genesys's media retention policies.",
                        "X#size", "Outer, after the groups."));
    }
}
