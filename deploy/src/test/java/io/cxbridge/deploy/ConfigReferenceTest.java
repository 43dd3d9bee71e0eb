package io.cxbridge.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/reference/configuration.md lists exactly the properties of the modules' @ConfigMapping interfaces.
 * To refresh its generated part after adding a property (descriptions come from the Javadoc; the modules' classes
 * are read from the installed jars, hence the install first):
 * {@code mvn -q install -DskipTests && mvn test -pl deploy -Dtest=ConfigReferenceTest
 * -Dcxbridge.config-reference.write=true}.
 */
class ConfigReferenceTest {

    private static final String REFRESH = "mvn -q install -DskipTests && mvn test -pl deploy -Dtest=ConfigReferenceTest"
            + " -Dcxbridge.config-reference.write=true";

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
                .as("refresh the reference: " + REFRESH)
                .isEmpty();
        assertThat(ConfigReference.withGenerated(
                        doc, ConfigReference.render(mappings, ConfigReference.documentedDescriptions(doc))))
                .as("the tables are what the generator writes (a description edited here but not in the Javadoc "
                        + "would be lost on the next refresh): "
                        + REFRESH)
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

    /**
     * The hand-written table of Quarkus and Kafka keys names each key as the code sets it, and its environment
     * variable beside it: a key that is the start of one the modules' properties files set is not a key Quarkus reads
     * ({@code quarkus.log.console.json}, where the code sets {@code quarkus.log.console.json.enabled}).
     */
    @Test
    void theOperatorTableNamesKeysAsTheCodeSetsThem() throws IOException {
        String doc = Repo.read(ConfigReference.DOC);
        String table = doc.substring(doc.indexOf("## What an operator sets"), doc.indexOf(ConfigReference.BEGIN));
        Set<String> set = new TreeSet<>();
        for (Path file : Repo.files(Repo.root(), "application.properties", "microprofile-config.properties")) {
            if (Repo.root().relativize(file).toString().replace('\\', '/').matches("[^/]+/src/main/resources/.*")) {
                Properties p = new Properties();
                try (var in = Files.newInputStream(file)) {
                    p.load(in);
                }
                p.stringPropertyNames().forEach(k -> set.add(k.replaceFirst("^%[\\w,-]+\\.", "")));
            }
        }
        assertThat(set).as("keys the modules set").contains("quarkus.shutdown.timeout");
        Matcher row = Pattern.compile("(?m)^\\| (`[^|]+) \\| ([^|]+) \\|").matcher(table);
        int rows = 0;
        while (row.find()) {
            rows++;
            List<String> envs = codeSpans(row.group(2));
            for (String key : codeSpans(row.group(1))) {
                assertThat(envs)
                        .as("the environment variable of %s", key)
                        .contains(key.replaceAll("[^A-Za-z0-9*]", "_").toUpperCase(Locale.ROOT));
                assertThat(set.stream().filter(k -> !key.contains("*") && k.startsWith(key + ".")))
                        .as("keys the code sets that %s is only the start of: name the key itself", key)
                        .isEmpty();
            }
        }
        assertThat(rows).as("rows of the operator table").isGreaterThan(10);
    }

    private static List<String> codeSpans(String cell) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("`([^`]+)`").matcher(cell);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
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
