package io.cxbridge.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every alert rule links to a runbook section of docs/operations.md that exists. */
class RunbooksTest {

    static final Path OPERATIONS = Repo.path("docs/operations.md");
    private static final String PREFIX = "docs/operations.md#";
    private static final Pattern HEADING = Pattern.compile("(?m)^#{2,4} (.+)$");

    @Test
    void everyAlertRuleHasARunbookUrlIntoOperationsMd() {
        Set<String> anchors = anchors(Repo.read(OPERATIONS));
        for (Path file : List.of(Observability.LIVE_RULES, Observability.UPCOMING_RULES)) {
            for (Map.Entry<String, Map<String, Object>> rule :
                    Observability.rules(file).entrySet()) {
                Object url = Yml.map(rule.getValue(), "annotations").get("runbook_url");
                assertThat(url).as("%s has a runbook_url", rule.getKey()).isNotNull();
                assertThat(String.valueOf(url))
                        .as("%s runbook_url", rule.getKey())
                        .startsWith(PREFIX);
                assertThat(anchors)
                        .as("%s: the section %s exists in docs/operations.md", rule.getKey(), url)
                        .contains(String.valueOf(url).substring(PREFIX.length()));
            }
        }
    }

    @Test
    void anchorsAreGithubStyleSlugsOfTheHeadings() {
        assertThat(anchors("## Redis lost or restarted empty\n### Rotating `x`, keys (now)!\n"))
                .containsExactly("redis-lost-or-restarted-empty", "rotating-x-keys-now");
    }

    /** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
    static Set<String> anchors(String markdown) {
        Set<String> anchors = new LinkedHashSet<>();
        Matcher m = HEADING.matcher(markdown);
        while (m.find()) {
            anchors.add(m.group(1)
                    .trim()
                    .toLowerCase()
                    .replaceAll("[^a-z0-9 _-]", "")
                    .replace(' ', '-'));
        }
        return anchors;
    }
}
