package io.cxbridge.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A fresh clone is complete: no Markdown file links to a file outside the repository (or to one that does
 * not exist), and none sends the reader to a document only the project's authors have.
 */
class DocsLinksTest {

    /** {@code [text](target)} and {@code [text](target "title")}. */
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");

    private static final Pattern SKIPPED_DIRS = Pattern.compile(".*/(target|node_modules|\\.git|\\.stack)(/.*)?");
    /** What a user who cloned the repository does not have. */
    private static final List<String> OUTSIDE_REFERENCES =
            List.of("SPEC.md", "../shared", "shared/recipes", "STYLE.md");

    @Test
    void everyRelativeLinkStaysInsideTheRepositoryAndExists() {
        List<String> broken = new ArrayList<>();
        for (Path md : markdownFiles()) {
            broken.addAll(brokenLinks(Repo.root(), md, Repo.read(md)));
        }
        assertThat(broken)
                .as("links that leave the repository or name a missing file")
                .isEmpty();
    }

    @Test
    void noDocumentReferencesFilesOutsideTheRepository() {
        List<String> found = new ArrayList<>();
        for (Path md : markdownFiles()) {
            String text = Repo.read(md);
            for (String ref : OUTSIDE_REFERENCES) {
                if (text.contains(ref)) {
                    found.add(Repo.root().relativize(md) + " mentions " + ref);
                }
            }
        }
        assertThat(found).isEmpty();
    }

    @Test
    void theCheckerFindsALinkThatLeavesAndOneThatIsMissing() {
        Path md = Repo.root().resolve("docs/example.md");
        String text = "see [the brief](../../shared/SPEC.md), [gone](missing.md), [ok](decisions.md), "
                + "[web](https://example.org/x), [anchor](#top), [titled](asyncapi.yaml \"the contract\")";
        assertThat(brokenLinks(Repo.root(), md, text))
                .containsExactly(
                        "docs/example.md: ../../shared/SPEC.md (outside the repository)",
                        "docs/example.md: missing.md (no such file)");
    }

    static List<String> brokenLinks(Path root, Path md, String text) {
        List<String> broken = new ArrayList<>();
        Matcher m = LINK.matcher(text);
        while (m.find()) {
            String target = m.group(1);
            if (target.startsWith("#") || target.matches("^[a-zA-Z][a-zA-Z+.-]*:.*")) {
                continue; // an anchor, or a URL with a scheme
            }
            String file = target.split("#", 2)[0];
            Path resolved = md.getParent().resolve(file).normalize();
            String where = root.relativize(md) + ": " + target;
            if (!resolved.startsWith(root)) {
                broken.add(where + " (outside the repository)");
            } else if (!Files.exists(resolved)) {
                broken.add(where + " (no such file)");
            }
        }
        return broken;
    }

    private static List<Path> markdownFiles() {
        try (Stream<Path> files = Files.walk(Repo.root())) {
            return files.filter(f -> f.toString().endsWith(".md"))
                    .filter(f -> !SKIPPED_DIRS.matcher(f.toString()).matches())
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
