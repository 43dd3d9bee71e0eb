package io.cxbridge.common.config;

import java.util.List;
import java.util.Map;

/**
 * Finds configuration still holding a template placeholder ({@value #PLACEHOLDER}, as the Kubernetes Secret
 * templates ship): a service must not start on one, or it would run with a credential nobody set.
 */
public final class Placeholders {

    public static final String PLACEHOLDER = "CHANGE_ME";

    /** The names of the properties whose value contains the placeholder, in the map's order. */
    public static List<String> find(Map<String, String> properties) {
        return properties.entrySet().stream()
                .filter(e -> e.getValue() != null && e.getValue().contains(PLACEHOLDER))
                .map(Map.Entry::getKey)
                .toList();
    }

    /** The start-up refusal: names the properties, never their values (they are secrets). */
    public static String refusal(List<String> names) {
        return "refusing to start: " + String.join(", ", names) + (names.size() == 1 ? " still holds" : " still hold")
                + " the " + PLACEHOLDER
                + " placeholder of the deployment templates; set real values (deploy/README.md, "
                + "\"Secrets to fill\")";
    }

    private Placeholders() {}
}
