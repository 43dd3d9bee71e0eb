package io.cxbridge.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every file under deploy/ parses, and every Kubernetes file is part of a kustomization. */
class SourceFilesTest {

    @Test
    void everyYamlFileParses() {
        List<Path> files = Repo.files(Repo.path("deploy"), ".yaml", ".yml");
        assertThat(files).as("YAML files under deploy/").hasSizeGreaterThan(10);
        for (Path f : files) {
            if (f.startsWith(Repo.path("deploy/target"))) {
                continue;
            }
            assertThatCode(() -> assertThat(Repo.yamlDocuments(Repo.read(f))).isNotEmpty())
                    .as("%s parses", Repo.root().relativize(f))
                    .doesNotThrowAnyException();
        }
    }

    @Test
    void everyKubernetesFileIsUsedByAKustomization() {
        Path k8s = Repo.path("deploy/k8s");
        Set<Path> referenced = new LinkedHashSet<>();
        List<Path> kustomizations = Repo.files(k8s, "kustomization.yaml");
        assertThat(kustomizations).hasSize(3);
        for (Path k : kustomizations) {
            Map<String, Object> kz = Repo.yamlMap(k);
            List<Object> entries = new ArrayList<>();
            for (String field : List.of("resources", "bases", "patchesStrategicMerge")) {
                entries.addAll(Yml.list(kz, field));
            }
            for (Object e : entries) {
                Path p = k.getParent().resolve(String.valueOf(e)).normalize();
                assertThat(Files.exists(p))
                        .as("%s refers to %s", Repo.root().relativize(k), e)
                        .isTrue();
                referenced.add(p);
            }
        }
        for (Path f : Repo.files(k8s, ".yaml")) {
            if (!f.getFileName().toString().equals("kustomization.yaml")) {
                assertThat(referenced)
                        .as("%s is part of a kustomization", Repo.root().relativize(f))
                        .contains(f);
            }
        }
    }

    @Test
    void everyObjectOfTheBaseHasKindNameAndTheCxbridgeLabel() {
        for (Path f : Repo.files(Repo.path("deploy/k8s/base"), ".yaml")) {
            if (f.getFileName().toString().equals("kustomization.yaml")) {
                continue;
            }
            for (Object doc : Repo.yamlDocuments(Repo.read(f))) {
                String where = Repo.root().relativize(f).toString();
                assertThat(Yml.str(doc, "apiVersion"))
                        .as("%s apiVersion", where)
                        .isNotBlank();
                assertThat(Yml.str(doc, "kind")).as("%s kind", where).isNotBlank();
                assertThat(Yml.str(doc, "metadata", "name"))
                        .as("%s name", where)
                        .isNotBlank();
                assertThat(Yml.labels(doc, "metadata", "labels"))
                        .as("%s %s labels", where, Yml.str(doc, "metadata", "name"))
                        .containsEntry("app.kubernetes.io/part-of", "cxbridge");
            }
        }
    }
}
