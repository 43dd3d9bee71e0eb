package io.cxbridge.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxbridge.model.Topics;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Each service's README names exactly the topics the service creates at start-up: the {@code Topics.*_SPEC} its
 * {@code ServiceTopics.of(...)} lists.
 */
class ServiceTopicsReadmeTest {

    /** The README's sentence about topic creation, up to the end of its bullet or paragraph. */
    private static final Pattern SENTENCE = Pattern.compile(
            "(?is)topics? (?:it creates at start-up|created at start-up|creation)(.*?)(?:\\n\\s*\\n|\\n\\s*- |\\z)");

    private static final Pattern TOPIC = Pattern.compile("`(cxbridge\\.[a-z0-9.-]+)`");
    private static final Pattern SPEC = Pattern.compile("Topics\\.([A-Z_]+)_SPEC");

    @Test
    void everyServiceReadmeNamesTheTopicsItsCodeCreates() throws Exception {
        Map<String, String> wrong = new TreeMap<>();
        for (String service : Repo.SERVICES.keySet()) {
            Set<String> created = created(service);
            assertThat(created)
                    .as("%s creates topics (ServiceTopics.of found)", service)
                    .isNotEmpty();
            Matcher sentence = SENTENCE.matcher(Repo.read(Repo.path(service + "/README.md")));
            if (!sentence.find()) {
                wrong.put(service, "no sentence on the topics it creates at start-up; it creates " + created);
                continue;
            }
            Set<String> named = new TreeSet<>();
            Matcher topic = TOPIC.matcher(sentence.group(1));
            while (topic.find()) {
                named.add(topic.group(1));
            }
            if (!named.equals(created)) {
                wrong.put(service, "names " + named + ", creates " + created);
            }
        }
        assertThat(wrong)
                .as("service READMEs and the topics the services create at start-up")
                .isEmpty();
    }

    /** The topics of the service's {@code ServiceTopics.of(Topics.X_SPEC, ...)}. */
    private static Set<String> created(String service) throws Exception {
        Set<String> topics = new TreeSet<>();
        for (Path source : Repo.files(Repo.path(service + "/src/main/java"), "Topics.java")) {
            String java = Repo.read(source);
            int of = java.indexOf("ServiceTopics.of(");
            if (of < 0) {
                continue;
            }
            Matcher spec = SPEC.matcher(java.substring(of, java.indexOf(';', of)));
            while (spec.find()) {
                topics.add((String) Topics.class.getField(spec.group(1)).get(null));
            }
        }
        return topics;
    }
}
