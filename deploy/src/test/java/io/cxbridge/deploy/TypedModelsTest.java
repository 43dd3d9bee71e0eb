package io.cxbridge.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every object an overlay renders reads into the typed model of the API that serves it (fabric8's Kubernetes
 * models, Strimzi's {@code kafka.strimzi.io/v1} API, the Prometheus Operator's), with nothing unknown: the
 * schema check kubeconform would make, with the models the operators themselves are built from.
 */
class TypedModelsTest {

    /** apiVersion/kind to the model class. Anything else an overlay renders has no model and fails. */
    static final Map<String, Class<?>> MODELS = Map.ofEntries(
            Map.entry("v1/ConfigMap", io.fabric8.kubernetes.api.model.ConfigMap.class),
            Map.entry("v1/Secret", io.fabric8.kubernetes.api.model.Secret.class),
            Map.entry("v1/Service", io.fabric8.kubernetes.api.model.Service.class),
            Map.entry("v1/ServiceAccount", io.fabric8.kubernetes.api.model.ServiceAccount.class),
            Map.entry("v1/Namespace", io.fabric8.kubernetes.api.model.Namespace.class),
            Map.entry("apps/v1/Deployment", io.fabric8.kubernetes.api.model.apps.Deployment.class),
            Map.entry("apps/v1/StatefulSet", io.fabric8.kubernetes.api.model.apps.StatefulSet.class),
            Map.entry(
                    "networking.k8s.io/v1/NetworkPolicy",
                    io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy.class),
            Map.entry("networking.k8s.io/v1/Ingress", io.fabric8.kubernetes.api.model.networking.v1.Ingress.class),
            Map.entry(
                    "policy/v1/PodDisruptionBudget",
                    io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget.class),
            Map.entry(
                    "autoscaling/v2/HorizontalPodAutoscaler",
                    io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler.class),
            Map.entry(
                    "monitoring.coreos.com/v1/ServiceMonitor",
                    io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor.class),
            Map.entry(
                    "monitoring.coreos.com/v1/PrometheusRule",
                    io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule.class),
            Map.entry("kafka.strimzi.io/v1/Kafka", io.strimzi.api.kafka.model.kafka.Kafka.class),
            Map.entry("kafka.strimzi.io/v1/KafkaNodePool", io.strimzi.api.kafka.model.nodepool.KafkaNodePool.class),
            Map.entry("kafka.strimzi.io/v1/KafkaTopic", io.strimzi.api.kafka.model.topic.KafkaTopic.class),
            Map.entry("kafka.strimzi.io/v1/KafkaUser", io.strimzi.api.kafka.model.user.KafkaUser.class));

    private static final ObjectMapper MAPPER =
            new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyRenderedObjectReadsIntoItsTypedModelWithNothingUnknown(String overlay) {
        List<String> problems = new ArrayList<>();
        for (Map<String, Object> object : Kustomize.overlay(overlay).objects()) {
            problems.addAll(problems(object));
        }
        assertThat(problems)
                .as("%s: objects that do not fit their API's schema", overlay)
                .isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void strimziResourcesUseTheV1Api(String overlay) {
        for (Map<String, Object> object : Kustomize.overlay(overlay).objects()) {
            if (String.valueOf(object.get("apiVersion")).startsWith("kafka.strimzi.io/")) {
                assertThat(object.get("apiVersion"))
                        .as("%s: %s %s", overlay, object.get("kind"), Rendered.name(object))
                        .isEqualTo("kafka.strimzi.io/v1");
            }
        }
    }

    @Test
    void theCheckRefusesAMisspelledFieldAnUnknownKindAndAnOldStrimziVersion() {
        Map<String, Object> spec = new LinkedHashMap<>(Map.of("topicName", "t", "partitions", 3, "replicas", 1));
        Map<String, Object> topic = Map.of(
                "apiVersion",
                "kafka.strimzi.io/v1",
                "kind",
                "KafkaTopic",
                "metadata",
                Map.of("name", "t"),
                "spec",
                spec);
        assertThat(problems(topic)).isEmpty();
        spec.put("partition", 3); // not "partitions"
        assertThat(problems(topic)).singleElement().asString().contains("unknown field spec.partition");

        assertThat(problems(Map.of(
                        "apiVersion",
                        "kafka.strimzi.io/v1" + "beta2",
                        "kind",
                        "KafkaTopic",
                        "metadata",
                        Map.of("name", "x"))))
                .singleElement()
                .asString()
                .contains("no typed model");
        assertThat(problems(Map.of(
                        "apiVersion",
                        "v1",
                        "kind",
                        "Pod",
                        "metadata",
                        Map.of("name", "x"),
                        "spec",
                        Map.of("containerz", List.of()))))
                .singleElement()
                .asString()
                .contains("no typed model");
    }

    /** Why the object does not fit its model, one line per problem. */
    static List<String> problems(Map<String, Object> object) {
        String key = object.get("apiVersion") + "/" + object.get("kind");
        String who = key + " " + Rendered.name(object);
        Class<?> model = MODELS.get(key);
        if (model == null) {
            return List.of(who + ": no typed model for " + key);
        }
        Object typed;
        try {
            typed = MAPPER.convertValue(object, model);
        } catch (IllegalArgumentException e) {
            return List.of(who + ": " + e.getMessage());
        }
        List<String> unknown = new ArrayList<>();
        walk(typed, "", unknown, Collections.newSetFromMap(new IdentityHashMap<>()));
        return unknown.stream().map(u -> who + ": unknown field " + u).toList();
    }

    /** Collects every field the model kept aside as unknown (fabric8 and Strimzi keep them in additionalProperties). */
    private static void walk(Object node, String path, List<String> unknown, Set<Object> seen) {
        if (node == null
                || node instanceof String
                || node instanceof Number
                || node instanceof Boolean
                || node instanceof Enum<?>
                || !seen.add(node)) {
            return;
        }
        if (node instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                walk(item, path + "[" + i++ + "]", unknown, seen);
            }
            return;
        }
        if (node instanceof Map<?, ?> map) {
            map.forEach((k, v) -> walk(v, path + "." + k, unknown, seen));
            return;
        }
        String pkg = node.getClass().getPackageName();
        if (!pkg.startsWith("io.fabric8") && !pkg.startsWith("io.strimzi")) {
            return;
        }
        for (Method m : node.getClass().getMethods()) {
            if (m.getParameterCount() != 0
                    || Modifier.isStatic(m.getModifiers())
                    || m.getDeclaringClass() == Object.class
                    || !(m.getName().startsWith("get") || m.getName().startsWith("is"))) {
                continue;
            }
            Object value;
            try {
                value = m.invoke(node);
            } catch (IllegalAccessException | InvocationTargetException | RuntimeException e) {
                continue; // a computed getter that needs more than the parsed fields
            }
            String name = decapitalise(m.getName().replaceFirst("^(get|is)", ""));
            if (m.getName().equals("getAdditionalProperties") && value instanceof Map<?, ?> extra) {
                extra.keySet().forEach(k -> unknown.add((path.isEmpty() ? "" : path.substring(1) + ".") + k));
            } else if (!(m.getName().startsWith("is") && value instanceof Boolean)) {
                walk(value, path + "." + name, unknown, seen);
            }
        }
    }

    private static String decapitalise(String s) {
        return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }
}
