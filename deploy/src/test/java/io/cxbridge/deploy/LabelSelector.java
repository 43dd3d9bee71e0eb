package io.cxbridge.deploy;

import java.util.List;
import java.util.Map;

/** Kubernetes label selector semantics (matchLabels and matchExpressions), for NetworkPolicies and Services. */
final class LabelSelector {

    /** A LabelSelector object ({matchLabels, matchExpressions}); an empty selector matches everything. */
    static boolean matches(Map<String, Object> selector, Map<String, String> labels) {
        for (Map.Entry<String, String> e : Yml.labels(selector, "matchLabels").entrySet()) {
            if (!e.getValue().equals(labels.get(e.getKey()))) {
                return false;
            }
        }
        for (Object o : Yml.list(selector, "matchExpressions")) {
            String key = Yml.str(o, "key");
            String operator = Yml.str(o, "operator");
            List<Object> values = Yml.list(o, "values");
            String value = labels.get(key);
            boolean ok = switch (operator) {
                case "In" -> value != null && values.contains(value);
                case "NotIn" -> value == null || !values.contains(value);
                case "Exists" -> value != null;
                case "DoesNotExist" -> value == null;
                default -> throw new AssertionError("unknown selector operator " + operator);
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** A Service's plain map selector. */
    static boolean matchesMap(Map<String, String> selector, Map<String, String> labels) {
        return !selector.isEmpty()
                && selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }

    private LabelSelector() {}
}
