package io.cxbridge.deploy;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The objects one overlay renders to. */
final class Rendered {

    private final String source;
    private final List<Map<String, Object>> objects;

    @SuppressWarnings("unchecked")
    Rendered(String source, List<Object> documents) {
        this.source = source;
        this.objects = documents.stream()
                .map(d -> {
                    if (!(d instanceof Map)) {
                        throw new AssertionError(source + " rendered a document that is not an object: " + d);
                    }
                    return (Map<String, Object>) d;
                })
                .toList();
    }

    String source() {
        return source;
    }

    List<Map<String, Object>> objects() {
        return objects;
    }

    List<Map<String, Object>> all(String kind) {
        return objects.stream().filter(o -> kind.equals(o.get("kind"))).toList();
    }

    Optional<Map<String, Object>> find(String kind, String name) {
        return all(kind).stream().filter(o -> name.equals(name(o))).findFirst();
    }

    Map<String, Object> one(String kind, String name) {
        return find(kind, name).orElseThrow(() -> new AssertionError(source + " renders no " + kind + " " + name));
    }

    static String name(Map<String, Object> object) {
        return Yml.str(object, "metadata", "name");
    }

    /** The (single) container of a Deployment. */
    static Map<String, Object> container(Map<String, Object> deployment) {
        List<Object> containers = Yml.list(deployment, "spec", "template", "spec", "containers");
        if (containers.size() != 1) {
            throw new AssertionError(
                    "Deployment " + name(deployment) + " has " + containers.size() + " containers, expected one");
        }
        return Yml.map(containers, 0);
    }

    static Map<String, String> podLabels(Map<String, Object> deployment) {
        return Yml.labels(deployment, "spec", "template", "metadata", "labels");
    }
}
