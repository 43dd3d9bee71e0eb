package io.cxbridge.deploy;

import java.util.List;
import java.util.Map;

/** Null-safe navigation through parsed YAML/JSON (maps, lists, scalars). */
final class Yml {

    /** The value at a path of map keys (String) and list indexes (Integer), or null when any step is missing. */
    static Object at(Object root, Object... path) {
        Object node = root;
        for (Object step : path) {
            if (node instanceof Map<?, ?> m && step instanceof String key) {
                node = m.get(key);
            } else if (node instanceof List<?> l && step instanceof Integer i) {
                node = i < l.size() ? l.get(i) : null;
            } else {
                return null;
            }
            if (node == null) {
                return null;
            }
        }
        return node;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object root, Object... path) {
        Object node = at(root, path);
        return node instanceof Map ? (Map<String, Object>) node : Map.of();
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object root, Object... path) {
        Object node = at(root, path);
        return node instanceof List ? (List<Object>) node : List.of();
    }

    static String str(Object root, Object... path) {
        Object node = at(root, path);
        return node == null ? null : String.valueOf(node);
    }

    @SuppressWarnings("unchecked")
    static Map<String, String> labels(Object selectorOrMeta, Object... path) {
        Object node = at(selectorOrMeta, path);
        return node instanceof Map ? (Map<String, String>) node : Map.of();
    }

    private Yml() {}
}
