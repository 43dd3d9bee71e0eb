package io.cxbridge.deploy;

import static io.cxbridge.deploy.Rendered.container;
import static io.cxbridge.deploy.Rendered.name;
import static io.cxbridge.deploy.Rendered.podLabels;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.cxbridge.model.Topics;
import io.cxbridge.model.Topics.TopicSpec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Renders both overlays with {@code kubectl kustomize} and checks the rendered objects (not the source files)
 * against the spec: ports, probes, resources, security, topics, exposure, secrets, traffic rules.
 */
class KubernetesManifestsTest {

    private static final Map<String, String> NAMESPACES = Map.of("dev", "cxbridge-dev", "prod", "cxbridge");
    /** Consumers whose replicas beyond their input topic's partitions would sit idle. */
    private static final Map<String, String> INPUT_TOPICS = Map.of(
            "retry-svc",
            Topics.FAILED_RUNS,
            "fulfillment-svc",
            Topics.FULFILLMENT_JOBS,
            "retention-svc",
            Topics.RETENTION_REQUESTS);
    /**
     * Secrets the pods reference that are not rendered from this repository, and who provides them
     * (deploy/README.md). Any other reference must resolve to a rendered Secret or ConfigMap.
     */
    private static final Map<String, String> EXTERNAL_SECRETS = Map.of(
            "cxbridge", "Strimzi's User Operator, from the KafkaUser of the same name",
            "cxbridge-cluster-ca-cert", "Strimzi's cluster CA certificate, copied into the namespace",
            "cxbridge-gateway-tls", "cert-manager (the Ingress's TLS certificate)");

    /** The workloads an overlay runs: the five services, and genesys-sim in dev. */
    private static Map<String, Integer> workloads(String overlay) {
        Map<String, Integer> w = new LinkedHashMap<>(Repo.SERVICES);
        if (overlay.equals("dev")) {
            w.put(Repo.SIM, Repo.SIM_PORT);
        }
        return w;
    }

    @Test
    void theSpecPortsAreTheServicesOwnConfiguredPorts() {
        Repo.IMAGES.forEach(
                (module, port) -> assertThat(Repo.applicationProperties(module).getProperty("quarkus.http.port"))
                        .as("quarkus.http.port of %s", module)
                        .isEqualTo(String.valueOf(port)));
        Repo.MANAGEMENT_PORTS.forEach((module, port) -> {
            Properties p = Repo.applicationProperties(module);
            assertThat(p.getProperty("quarkus.management.enabled"))
                    .as("%s runs the management interface", module)
                    .isEqualTo("true");
            assertThat(p.getProperty("quarkus.management.port"))
                    .as("quarkus.management.port of %s", module)
                    .isEqualTo(String.valueOf(port));
        });
        assertThat(Repo.applicationProperties(Repo.SIM).getProperty("quarkus.management.enabled"))
                .as("genesys-sim keeps health on its API port")
                .isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyServiceHasItsProbesOnItsManagementPort(String overlay) {
        Rendered r = Kustomize.overlay(overlay);
        workloads(overlay).forEach((svc, port) -> {
            Map<String, Object> c = container(r.one("Deployment", svc));
            assertThat(containerPort(c, "http"))
                    .as("%s: %s's http containerPort", overlay, svc)
                    .isEqualTo(port);
            int management = Repo.managementPort(svc);
            if (Repo.MANAGEMENT_PORTS.containsKey(svc)) {
                assertThat(containerPort(c, "management"))
                        .as("%s: %s's management containerPort", overlay, svc)
                        .isEqualTo(management);
            }
            assertProbe(overlay, svc, c, "readinessProbe", "/q/health/ready", management);
            assertProbe(overlay, svc, c, "livenessProbe", "/q/health/live", management);
            assertProbe(overlay, svc, c, "startupProbe", "/q/health/started", management);
        });
    }

    private static void assertProbe(
            String overlay, String svc, Map<String, Object> c, String probe, String path, int port) {
        Map<String, Object> httpGet = Yml.map(c, probe, "httpGet");
        assertThat(httpGet).as("%s: %s has an HTTP %s", overlay, svc, probe).isNotEmpty();
        assertThat(Yml.str(httpGet, "path"))
                .as("%s: %s %s path", overlay, svc, probe)
                .isEqualTo(path);
        assertThat(resolvePort(c, httpGet.get("port")))
                .as("%s: %s %s port", overlay, svc, probe)
                .isEqualTo(port);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyContainerRequestsAndLimitsCpuAndMemory(String overlay) {
        Rendered r = Kustomize.overlay(overlay);
        for (Map<String, Object> d : r.all("Deployment")) {
            Map<String, Object> res = Yml.map(container(d), "resources");
            for (String resource : List.of("cpu", "memory")) {
                Object request = Yml.at(res, "requests", resource);
                Object limit = Yml.at(res, "limits", resource);
                assertThat(request)
                        .as("%s: %s requests %s", overlay, name(d), resource)
                        .isNotNull();
                assertThat(limit)
                        .as("%s: %s limits %s", overlay, name(d), resource)
                        .isNotNull();
                assertThat(Quantities.parse(request))
                        .as("%s: %s %s request <= limit", overlay, name(d), resource)
                        .isLessThanOrEqualTo(Quantities.parse(limit));
            }
        }
        assertThat(r.all("Deployment"))
                .extracting(Rendered::name)
                .containsAll(workloads(overlay).keySet());
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyPodRunsAsNonRootOnAReadOnlyRootFilesystem(String overlay) {
        for (Map<String, Object> d : Kustomize.overlay(overlay).all("Deployment")) {
            String n = overlay + ": " + name(d);
            Map<String, Object> pod = Yml.map(d, "spec", "template", "spec");
            Map<String, Object> c = container(d);
            assertThat(Yml.at(pod, "securityContext", "runAsNonRoot"))
                    .as("%s pod runAsNonRoot", n)
                    .isEqualTo(true);
            assertThat(((Number) Yml.at(pod, "securityContext", "runAsUser")).longValue())
                    .as("%s pod runAsUser", n)
                    .isPositive();
            assertThat(Yml.str(pod, "securityContext", "seccompProfile", "type"))
                    .as("%s seccomp", n)
                    .isEqualTo("RuntimeDefault");
            assertThat(Yml.at(pod, "automountServiceAccountToken"))
                    .as("%s mounts no API token", n)
                    .isEqualTo(false);
            assertThat(Yml.at(c, "securityContext", "readOnlyRootFilesystem"))
                    .as("%s readOnlyRootFilesystem", n)
                    .isEqualTo(true);
            assertThat(Yml.at(c, "securityContext", "allowPrivilegeEscalation"))
                    .as("%s allowPrivilegeEscalation", n)
                    .isEqualTo(false);
            assertThat(Yml.at(c, "securityContext", "privileged"))
                    .as("%s privileged", n)
                    .isNotEqualTo(true);
            assertThat(Yml.list(c, "securityContext", "capabilities", "drop"))
                    .as("%s drops capabilities", n)
                    .contains("ALL");
            assertThat(Yml.list(c, "securityContext", "capabilities", "add"))
                    .as("%s adds no capability", n)
                    .isEmpty();
            Object containerUser = Yml.at(c, "securityContext", "runAsUser");
            if (containerUser != null) {
                assertThat(((Number) containerUser).longValue())
                        .as("%s container runAsUser", n)
                        .isPositive();
            }
            // A read-only root needs a writable /tmp (Vert.x's file cache, the JVM's temporary files).
            String tmpVolume = Yml.list(c, "volumeMounts").stream()
                    .filter(m -> "/tmp".equals(Yml.str(m, "mountPath")))
                    .map(m -> Yml.str(m, "name"))
                    .findFirst()
                    .orElse(null);
            assertThat(tmpVolume).as("%s mounts a volume at /tmp", n).isNotNull();
            assertThat(Yml.list(pod, "volumes"))
                    .as("%s /tmp is an emptyDir", n)
                    .anyMatch(v -> tmpVolume.equals(Yml.str(v, "name")) && Yml.at(v, "emptyDir") != null);
            assertThat(Yml.list(c, "volumeMounts"))
                    .as("%s other mounts are read-only", n)
                    .allMatch(
                            m -> "/tmp".equals(Yml.str(m, "mountPath")) || Boolean.TRUE.equals(Yml.at(m, "readOnly")));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyServiceHasAClusterIpServiceThatSelectsOnlyItsPods(String overlay) {
        Rendered r = Kustomize.overlay(overlay);
        workloads(overlay).forEach((svc, port) -> {
            Map<String, Object> s = r.one("Service", svc);
            assertThat(Yml.str(s, "spec", "type"))
                    .as("%s: Service %s type", overlay, svc)
                    .isIn(null, "ClusterIP");
            Map<String, String> selector = Yml.labels(s, "spec", "selector");
            for (Map<String, Object> d : r.all("Deployment")) {
                assertThat(LabelSelector.matchesMap(selector, podLabels(d)))
                        .as("%s: Service %s selects the pods of %s", overlay, svc, name(d))
                        .isEqualTo(name(d).equals(svc));
            }
            // The API port, and for the five services the management port the ServiceMonitor scrapes.
            List<Integer> expected =
                    Repo.MANAGEMENT_PORTS.containsKey(svc) ? List.of(port, Repo.managementPort(svc)) : List.of(port);
            List<Object> ports = Yml.list(s, "spec", "ports");
            assertThat(ports).as("%s: Service %s ports", overlay, svc).hasSize(expected.size());
            for (int i = 0; i < expected.size(); i++) {
                Map<String, Object> p = Yml.map(ports, i);
                assertThat(((Number) p.get("port")).intValue())
                        .as("%s: Service %s port", overlay, svc)
                        .isEqualTo(expected.get(i));
                assertThat(resolvePort(container(r.one("Deployment", svc)), p.get("targetPort")))
                        .as("%s: Service %s targetPort", overlay, svc)
                        .isEqualTo(expected.get(i));
            }
        });
        for (Map<String, Object> s : r.all("Service")) {
            assertThat(Yml.str(s, "spec", "type"))
                    .as("%s: Service %s is cluster-internal", overlay, name(s))
                    .isIn(null, "ClusterIP");
            assertThat(Yml.list(s, "spec", "externalIPs"))
                    .as("%s: Service %s externalIPs", overlay, name(s))
                    .isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void theGatewayIsTheOnlyServiceAnIngressReaches(String overlay) {
        Rendered r = Kustomize.overlay(overlay);
        List<Map<String, Object>> ingresses = r.all("Ingress");
        assertThat(ingresses).as("%s renders an Ingress", overlay).isNotEmpty();
        Set<String> paths = new LinkedHashSet<>();
        for (Map<String, Object> ing : ingresses) {
            List<Object> backends = new ArrayList<>();
            if (Yml.at(ing, "spec", "defaultBackend") != null) {
                backends.add(Yml.at(ing, "spec", "defaultBackend"));
            }
            for (Object rule : Yml.list(ing, "spec", "rules")) {
                for (Object path : Yml.list(rule, "http", "paths")) {
                    backends.add(Yml.at(path, "backend"));
                    paths.add(Yml.str(path, "path"));
                }
            }
            assertThat(backends)
                    .as("%s: Ingress %s has backends", overlay, name(ing))
                    .isNotEmpty();
            for (Object backend : backends) {
                assertThat(Yml.at(backend, "resource"))
                        .as("%s: Ingress %s resource backend", overlay, name(ing))
                        .isNull();
                assertThat(Yml.str(backend, "service", "name"))
                        .as("%s: Ingress %s backend", overlay, name(ing))
                        .isEqualTo(Repo.GATEWAY);
                Object port = Yml.at(backend, "service", "port", "number");
                if (port == null) {
                    port = Yml.at(backend, "service", "port", "name");
                }
                assertThat(servicePort(r.one("Service", Repo.GATEWAY), port))
                        .as("%s: Ingress backend port", overlay)
                        .isEqualTo(Repo.SERVICES.get(Repo.GATEWAY));
            }
        }
        assertThat(paths)
                .as("%s: the gateway's API paths and the SDKs' login are exposed", overlay)
                .contains("/api/v2", "/v1", "/login");
        assertThat(paths)
                .as("%s: health and metrics (/q/*) stay inside the cluster", overlay)
                .noneMatch(p -> p == null || p.equals("/") || p.startsWith("/q"));
        if (overlay.equals("prod")) {
            for (Map<String, Object> ing : ingresses) {
                List<String> hosts = Yml.list(ing, "spec", "rules").stream()
                        .map(x -> Yml.str(x, "host"))
                        .toList();
                List<Object> tlsHosts = Yml.list(ing, "spec", "tls").stream()
                        .flatMap(t -> Yml.list(t, "hosts").stream())
                        .toList();
                assertThat(tlsHosts)
                        .as("prod: Ingress %s terminates TLS for every host", name(ing))
                        .containsAll(hosts);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyTopicOfTheContractHasAKafkaTopicWithItsRetention(String overlay) {
        Rendered r = Kustomize.overlay(overlay);
        Map<String, Map<String, Object>> byTopic = new LinkedHashMap<>();
        for (Map<String, Object> kt : r.all("KafkaTopic")) {
            String topic = Yml.str(kt, "spec", "topicName") != null ? Yml.str(kt, "spec", "topicName") : name(kt);
            assertThat(byTopic.put(topic, kt))
                    .as("%s: one KafkaTopic for %s", overlay, topic)
                    .isNull();
            assertThat(Yml.str(kt, "apiVersion"))
                    .as("%s: KafkaTopic %s apiVersion", overlay, topic)
                    .isEqualTo("kafka.strimzi.io/v1");
            assertThat(Yml.labels(kt, "metadata", "labels"))
                    .as("%s: KafkaTopic %s names its cluster", overlay, topic)
                    .containsKey("strimzi.io/cluster");
        }
        for (TopicSpec spec : Topics.ALL) {
            Map<String, Object> kt = byTopic.get(spec.name());
            if (kt == null) {
                fail("%s: no KafkaTopic for %s (Topics.ALL)", overlay, spec.name());
            }
            assertThat(Long.parseLong(Yml.str(kt, "spec", "config", "retention.ms")))
                    .as("%s: retention.ms of %s", overlay, spec.name())
                    .isEqualTo(spec.retentionMs());
            int partitions = ((Number) Yml.at(kt, "spec", "partitions")).intValue();
            int replicas = ((Number) Yml.at(kt, "spec", "replicas")).intValue();
            assertThat(partitions)
                    .as("%s: partitions of %s (cxbridge.kafka.partitions default)", overlay, spec.name())
                    .isGreaterThanOrEqualTo(3);
            String minIsr = Yml.str(kt, "spec", "config", "min.insync.replicas");
            if (minIsr != null) {
                assertThat(Integer.parseInt(minIsr))
                        .as("%s: min.insync.replicas of %s", overlay, spec.name())
                        .isBetween(1, replicas);
            }
        }
        assertThat(byTopic.keySet())
                .as("%s: every KafkaTopic is a topic of the contract", overlay)
                .allMatch(t -> Topics.ALL.stream().anyMatch(s -> s.name().equals(t)));
        // An autoscaled consumer never gets more replicas than its input topic has partitions.
        INPUT_TOPICS.forEach((svc, topic) -> {
            int partitions = ((Number) Yml.at(byTopic.get(topic), "spec", "partitions")).intValue();
            int maxReplicas =
                    ((Number) Yml.at(r.one("HorizontalPodAutoscaler", svc), "spec", "maxReplicas")).intValue();
            assertThat(maxReplicas)
                    .as("%s: %s maxReplicas <= partitions of %s", overlay, svc, topic)
                    .isLessThanOrEqualTo(partitions);
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void noSecretHoldsARealLookingCredential(String overlay) {
        Rendered r = Kustomize.overlay(overlay);
        assertThat(r.all("Secret"))
                .as("%s renders the Secret templates", overlay)
                .isNotEmpty();
        for (Map<String, Object> secret : r.all("Secret")) {
            if (DevOverlayTest.devOnlyPublic(secret)) {
                // dev's published values, checked for their format by DevOverlayTest; never allowed in prod
                assertThat(overlay)
                        .as("Secret %s is marked dev-only", name(secret))
                        .isEqualTo("dev");
                continue;
            }
            Map<String, String> values = new LinkedHashMap<>();
            Yml.map(secret, "stringData").forEach((k, v) -> values.put(k, String.valueOf(v)));
            Yml.map(secret, "data").forEach((k, v) -> {
                try {
                    values.put(k, new String(Base64.getDecoder().decode(String.valueOf(v)), StandardCharsets.UTF_8));
                } catch (IllegalArgumentException e) {
                    fail("%s: Secret %s key %s is not base64", overlay, name(secret), k);
                }
            });
            assertThat(values)
                    .as("%s: Secret %s has keys", overlay, name(secret))
                    .isNotEmpty();
            values.forEach((k, v) -> SecretScanner.problem(v)
                    .ifPresent(problem -> fail("%s: Secret %s key %s %s", overlay, name(secret), k, problem)));
        }
        // ...and no ConfigMap smuggles one in.
        for (Map<String, Object> cm : r.all("ConfigMap")) {
            Yml.map(cm, "data").forEach((k, v) -> {
                assertThat(k.toUpperCase())
                        .as("%s: ConfigMap %s key %s belongs in a Secret", overlay, name(cm), k)
                        .doesNotContain("SECRET", "PASSWORD", "JAAS");
                SecretScanner.realLooking(String.valueOf(v))
                        .ifPresent(problem -> fail("%s: ConfigMap %s key %s %s", overlay, name(cm), k, problem));
            });
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyConfigMapAndSecretAPodReadsExists(String overlay) {
        Rendered r = Kustomize.overlay(overlay);
        for (Map<String, Object> d : r.all("Deployment")) {
            String n = overlay + ": " + name(d);
            Map<String, Object> c = container(d);
            for (Object from : Yml.list(c, "envFrom")) {
                checkRef(
                        r,
                        n,
                        "ConfigMap",
                        Yml.str(from, "configMapRef", "name"),
                        null,
                        Yml.at(from, "configMapRef", "optional"));
                checkRef(
                        r,
                        n,
                        "Secret",
                        Yml.str(from, "secretRef", "name"),
                        null,
                        Yml.at(from, "secretRef", "optional"));
            }
            for (Object env : Yml.list(c, "env")) {
                checkRef(
                        r,
                        n,
                        "ConfigMap",
                        Yml.str(env, "valueFrom", "configMapKeyRef", "name"),
                        Yml.str(env, "valueFrom", "configMapKeyRef", "key"),
                        Yml.at(env, "valueFrom", "configMapKeyRef", "optional"));
                checkRef(
                        r,
                        n,
                        "Secret",
                        Yml.str(env, "valueFrom", "secretKeyRef", "name"),
                        Yml.str(env, "valueFrom", "secretKeyRef", "key"),
                        Yml.at(env, "valueFrom", "secretKeyRef", "optional"));
            }
            for (Object v : Yml.list(d, "spec", "template", "spec", "volumes")) {
                checkRef(r, n, "Secret", Yml.str(v, "secret", "secretName"), null, Yml.at(v, "secret", "optional"));
                checkRef(r, n, "ConfigMap", Yml.str(v, "configMap", "name"), null, Yml.at(v, "configMap", "optional"));
            }
            assertThat(Yml.list(c, "volumeMounts"))
                    .as("%s: every mount has a volume", n)
                    .allMatch(m -> Yml.list(d, "spec", "template", "spec", "volumes").stream()
                            .anyMatch(v -> Yml.str(m, "name").equals(Yml.str(v, "name"))));
            String sa = Yml.str(d, "spec", "template", "spec", "serviceAccountName");
            if (sa != null) {
                r.one("ServiceAccount", sa);
            }
        }
        for (Map<String, Object> hpa : r.all("HorizontalPodAutoscaler")) {
            assertThat(Yml.str(hpa, "spec", "scaleTargetRef", "kind")).isEqualTo("Deployment");
            r.one("Deployment", Yml.str(hpa, "spec", "scaleTargetRef", "name"));
        }
    }

    private static void checkRef(Rendered r, String who, String kind, String refName, String key, Object optional) {
        if (refName == null) {
            return;
        }
        var target = r.find(kind, refName);
        if (target.isEmpty()) {
            if (kind.equals("Secret") && EXTERNAL_SECRETS.containsKey(refName)) {
                if (refName.equals("cxbridge")) {
                    r.one("KafkaUser", refName); // the User Operator makes this Secret only for a KafkaUser
                }
                return;
            }
            assertThat(Boolean.TRUE.equals(optional))
                    .as("%s reads %s %s, which is not rendered", who, kind, refName)
                    .isTrue();
            return;
        }
        if (key != null) {
            Set<String> keys = new LinkedHashSet<>(Yml.map(target.get(), "data").keySet());
            keys.addAll(Yml.map(target.get(), "stringData").keySet());
            assertThat(keys)
                    .as("%s reads key %s of %s %s", who, key, kind, refName)
                    .contains(key);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void onlyTheGatewayTakesTrafficFromOutside(String overlay) {
        Rendered r = Kustomize.overlay(overlay);
        List<Map<String, Object>> policies = r.all("NetworkPolicy");
        Map<String, Map<String, String>> pods = new LinkedHashMap<>();
        r.all("Deployment").forEach(d -> pods.put(name(d), podLabels(d)));
        Map<String, String> gatewayPod = pods.get(Repo.GATEWAY);
        Map<String, Integer> ports = workloads(overlay);

        for (var pod : pods.entrySet()) {
            String svc = pod.getKey();
            List<Map<String, Object>> selecting = policies.stream()
                    .filter(p -> LabelSelector.matches(Yml.map(p, "spec", "podSelector"), pod.getValue()))
                    .toList();
            assertThat(selecting)
                    .as("%s: %s is isolated for ingress (a NetworkPolicy selects it)", overlay, svc)
                    .anyMatch(p -> policyTypes(p).contains("Ingress"));
            assertThat(selecting)
                    .as("%s: %s is isolated for egress", overlay, svc)
                    .anyMatch(p -> policyTypes(p).contains("Egress"));
            for (Map<String, Object> p : selecting) {
                if (!policyTypes(p).contains("Ingress")) {
                    continue;
                }
                for (Object rule : Yml.list(p, "spec", "ingress")) {
                    List<Integer> rulePorts = Yml.list(rule, "ports").stream()
                            .map(x -> resolvePort(container(r.one("Deployment", svc)), Yml.at(x, "port")))
                            .toList();
                    List<Object> from = Yml.list(rule, "from");
                    // Prometheus reaches the management port only (checked in its own test); anyone else the API.
                    int allowed = from.stream().anyMatch(KubernetesManifestsTest::isMonitoringPeer)
                            ? Repo.managementPort(svc)
                            : ports.get(svc);
                    assertThat(rulePorts)
                            .as("%s: %s (%s) opens only its HTTP or its management port", overlay, svc, name(p))
                            .isNotEmpty()
                            .containsOnly(allowed);
                    if (svc.equals(Repo.GATEWAY) && from.isEmpty()) {
                        continue; // the front door: any source, on its HTTP port only (checked above)
                    }
                    assertThat(from)
                            .as("%s: %s (%s) takes traffic from named peers only", overlay, svc, name(p))
                            .isNotEmpty();
                    for (Object peer : from) {
                        assertThat(Yml.at(peer, "ipBlock"))
                                .as("%s: %s accepts no IP range (%s)", overlay, svc, name(p))
                                .isNull();
                        Map<String, Object> podSel = Yml.map(peer, "podSelector");
                        boolean monitoring = isMonitoringPeer(peer);
                        boolean samePods =
                                Yml.at(peer, "namespaceSelector") == null && Yml.at(peer, "podSelector") != null;
                        assertThat(monitoring || samePods)
                                .as(
                                        "%s: %s (%s) peer %s is a pod of this namespace or Prometheus",
                                        overlay, svc, name(p), peer)
                                .isTrue();
                        if (samePods && !svc.equals(Repo.SIM)) {
                            // A service's only client is the gateway: no other workload matches the peer.
                            pods.forEach((other, labels) -> assertThat(LabelSelector.matches(podSel, labels))
                                    .as("%s: %s accepts traffic from %s (%s)", overlay, svc, other, name(p))
                                    .isEqualTo(other.equals(Repo.GATEWAY)));
                        }
                    }
                }
            }
        }
        // The gateway does take traffic from outside (else nothing works).
        assertThat(policies)
                .as("%s: a policy lets clients reach the gateway on its port", overlay)
                .anyMatch(p -> LabelSelector.matches(Yml.map(p, "spec", "podSelector"), gatewayPod)
                        && Yml.list(p, "spec", "ingress").stream()
                                .anyMatch(rule -> Yml.list(rule, "from").isEmpty()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void servicesReachKafkaRedisDnsGenesysAndTheGatewayReachesTheServices(String overlay) {
        Rendered r = Kustomize.overlay(overlay);
        List<Map<String, Object>> egressPolicies = r.all("NetworkPolicy").stream()
                .filter(p -> policyTypes(p).contains("Egress"))
                .toList();
        for (String svc : Repo.SERVICES.keySet()) {
            Map<String, String> labels = podLabels(r.one("Deployment", svc));
            Set<String> open = new LinkedHashSet<>();
            egressPolicies.stream()
                    .filter(p -> LabelSelector.matches(Yml.map(p, "spec", "podSelector"), labels))
                    .flatMap(p -> Yml.list(p, "spec", "egress").stream())
                    .filter(rule -> Yml.list(rule, "to").isEmpty()
                            || Yml.list(rule, "to").stream()
                                    .anyMatch(to -> "0.0.0.0/0".equals(Yml.str(to, "ipBlock", "cidr"))))
                    .forEach(rule -> Yml.list(rule, "ports")
                            .forEach(port -> open.add(Yml.str(port, "protocol") + "/" + Yml.str(port, "port"))));
            assertThat(open)
                    .as("%s: %s may reach DNS, Kafka, Redis and HTTPS", overlay, svc)
                    .contains("UDP/53", "TCP/" + Repo.KAFKA_PORT, "TCP/" + Repo.REDIS_PORT, "TCP/443");
        }
        Map<String, String> gateway = podLabels(r.one("Deployment", Repo.GATEWAY));
        Repo.SERVICES.forEach((svc, port) -> {
            if (svc.equals(Repo.GATEWAY)) {
                return;
            }
            Map<String, String> target = podLabels(r.one("Deployment", svc));
            assertThat(egressPolicies)
                    .as("%s: the gateway may reach %s:%d", overlay, svc, port)
                    .anyMatch(p -> LabelSelector.matches(Yml.map(p, "spec", "podSelector"), gateway)
                            && Yml.list(p, "spec", "egress").stream()
                                    .anyMatch(rule -> Yml.list(rule, "to").stream()
                                                    .anyMatch(to -> Yml.at(to, "namespaceSelector") == null
                                                            && LabelSelector.matches(
                                                                    Yml.map(to, "podSelector"), target))
                                            && Yml.list(rule, "ports").stream()
                                                    .anyMatch(x ->
                                                            String.valueOf(port).equals(Yml.str(x, "port")))));
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyServiceHasADisruptionBudgetAndAnAutoscaler(String overlay) {
        Rendered r = Kustomize.overlay(overlay);
        for (String svc : Repo.SERVICES.keySet()) {
            Map<String, Object> d = r.one("Deployment", svc);
            assertThat(Yml.at(d, "spec", "replicas"))
                    .as("%s: %s leaves its replica count to its HPA", overlay, svc)
                    .isNull();
            Map<String, Object> hpa = r.one("HorizontalPodAutoscaler", svc);
            int replicas = ((Number) Yml.at(hpa, "spec", "minReplicas")).intValue();
            List<Map<String, Object>> pdbs = r.all("PodDisruptionBudget").stream()
                    .filter(p -> LabelSelector.matches(Yml.map(p, "spec", "selector"), podLabels(d)))
                    .toList();
            assertThat(pdbs)
                    .as("%s: one PodDisruptionBudget covers %s", overlay, svc)
                    .hasSize(1);
            Map<String, Object> pdb = pdbs.get(0);
            assertThat(Yml.str(pdb, "apiVersion")).isEqualTo("policy/v1");
            Object minAvailable = Yml.at(pdb, "spec", "minAvailable");
            Object maxUnavailable = Yml.at(pdb, "spec", "maxUnavailable");
            assertThat(minAvailable != null || maxUnavailable != null)
                    .as("%s: PDB of %s", overlay, svc)
                    .isTrue();
            if (minAvailable instanceof Number n) {
                assertThat(n.intValue())
                        .as("%s: PDB of %s still lets a node drain", overlay, svc)
                        .isLessThan(replicas);
            }
            assertThat(Yml.str(hpa, "apiVersion")).isEqualTo("autoscaling/v2");
            int min = ((Number) Yml.at(hpa, "spec", "minReplicas")).intValue();
            int max = ((Number) Yml.at(hpa, "spec", "maxReplicas")).intValue();
            assertThat(min).as("%s: HPA of %s", overlay, svc).isPositive().isLessThanOrEqualTo(max);
            assertThat(Yml.list(hpa, "spec", "metrics"))
                    .as("%s: HPA of %s has metrics", overlay, svc)
                    .isNotEmpty();
        }
    }

    /** A peer that is the whole {@code monitoring} namespace (Prometheus), and nothing else. */
    private static boolean isMonitoringPeer(Object peer) {
        Map<String, Object> ns = Yml.map(peer, "namespaceSelector");
        return Yml.at(peer, "namespaceSelector") != null
                && Yml.at(peer, "podSelector") == null
                && Yml.labels(ns, "matchLabels").equals(Map.of("kubernetes.io/metadata.name", "monitoring"))
                && Yml.list(ns, "matchExpressions").isEmpty();
    }

    /**
     * The monitoring namespace reaches every service, on its management port and on nothing else: anyone there
     * could otherwise call a service's API (replay dead letters, deploy policies).
     */
    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void theMonitoringNamespaceReachesOnlyTheManagementPorts(String overlay) {
        Rendered r = Kustomize.overlay(overlay);
        Map<String, Set<Integer>> reached = new LinkedHashMap<>();
        for (Map<String, Object> d : r.all("Deployment")) {
            String svc = name(d);
            for (Map<String, Object> p : r.all("NetworkPolicy")) {
                if (!policyTypes(p).contains("Ingress")
                        || !LabelSelector.matches(Yml.map(p, "spec", "podSelector"), podLabels(d))) {
                    continue;
                }
                for (Object rule : Yml.list(p, "spec", "ingress")) {
                    List<Object> from = Yml.list(rule, "from");
                    boolean fromMonitoring = from.stream().anyMatch(KubernetesManifestsTest::isMonitoringPeer);
                    if (!fromMonitoring) {
                        continue;
                    }
                    assertThat(from)
                            .as("%s: %s (%s): a monitoring rule names no other peer", overlay, svc, name(p))
                            .allMatch(KubernetesManifestsTest::isMonitoringPeer);
                    List<Object> rulePorts = Yml.list(rule, "ports");
                    assertThat(rulePorts)
                            .as("%s: %s (%s) names its ports for monitoring", overlay, svc, name(p))
                            .isNotEmpty();
                    rulePorts.forEach(x -> reached.computeIfAbsent(svc, k -> new LinkedHashSet<>())
                            .add(resolvePort(container(d), Yml.at(x, "port"))));
                }
            }
        }
        Repo.MANAGEMENT_PORTS.forEach((svc, management) -> assertThat(reached.get(svc))
                .as("%s: the monitoring namespace reaches %s on its management port only", overlay, svc)
                .containsExactly(management));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void prometheusScrapesEveryServiceOnItsMetricsPath(String overlay) {
        Rendered r = Kustomize.overlay(overlay);
        workloads(overlay).forEach((svc, port) -> {
            Map<String, String> a = Yml.labels(r.one("Deployment", svc), "spec", "template", "metadata", "annotations");
            assertThat(a)
                    .as("%s: %s scrape annotations", overlay, svc)
                    .containsEntry("prometheus.io/scrape", "true")
                    .containsEntry("prometheus.io/port", String.valueOf(Repo.managementPort(svc)))
                    .containsEntry("prometheus.io/path", "/q/metrics");
        });
        if (overlay.equals("prod")) {
            List<Map<String, Object>> monitors = r.all("ServiceMonitor");
            for (String svc : Repo.SERVICES.keySet()) {
                Map<String, Object> s = r.one("Service", svc);
                assertThat(monitors)
                        .as("prod: a ServiceMonitor scrapes %s's /q/metrics", svc)
                        .anyMatch(m -> LabelSelector.matches(
                                        Yml.map(m, "spec", "selector"), Yml.labels(s, "metadata", "labels"))
                                && Yml.list(m, "spec", "endpoints").stream()
                                        .anyMatch(e -> "/q/metrics".equals(Yml.str(e, "path"))
                                                && Yml.list(s, "spec", "ports").stream()
                                                        .anyMatch(p -> Yml.str(p, "name")
                                                                        .equals(Yml.str(e, "port"))
                                                                && ((Number) Yml.at(p, "port")).intValue()
                                                                        == Repo.managementPort(svc))));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyObjectLivesInTheOverlaysRestrictedNamespace(String overlay) {
        Rendered r = Kustomize.overlay(overlay);
        String ns = NAMESPACES.get(overlay);
        Map<String, Object> namespace = r.one("Namespace", ns);
        assertThat(Yml.labels(namespace, "metadata", "labels"))
                .containsEntry("pod-security.kubernetes.io/enforce", "restricted");
        for (Map<String, Object> o : r.objects()) {
            if (!o.get("kind").equals("Namespace")) {
                assertThat(Yml.str(o, "metadata", "namespace"))
                        .as("%s: %s %s namespace", overlay, o.get("kind"), name(o))
                        .isEqualTo(ns);
            }
        }
    }

    @Test
    void prodRunsReplicatedPinnedImagesAndSecuresKafkaRedisAndTheIngress() {
        Rendered r = Kustomize.overlay("prod");
        for (String svc : Repo.SERVICES.keySet()) {
            Map<String, Object> d = r.one("Deployment", svc);
            assertThat(((Number) Yml.at(r.one("HorizontalPodAutoscaler", svc), "spec", "minReplicas")).intValue())
                    .as("prod: %s runs at least two replicas", svc)
                    .isGreaterThanOrEqualTo(2);
            String image = Yml.str(container(d), "image");
            assertThat(image)
                    .as("prod: %s image", svc)
                    .matches(".+/" + svc + ":[A-Za-z0-9._-]+")
                    .doesNotEndWith(":latest")
                    .doesNotEndWith(":dev");
        }
        assertThat(r.find("Deployment", Repo.SIM))
                .as("prod never runs genesys-sim")
                .isEmpty();
        Map<String, Object> config = Yml.map(r.one("ConfigMap", "cxbridge-config"), "data");
        assertThat(config)
                .containsEntry("KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
                .containsEntry("KAFKA_SASL_MECHANISM", "SCRAM-SHA-512")
                .containsEntry("QUARKUS_REDIS_TLS_ENABLED", "true")
                .doesNotContainKey("CXBRIDGE_GENESYS_BASE_URL");
        assertThat(Yml.str(config, "QUARKUS_REDIS_HOSTS"))
                .startsWith("rediss://")
                .contains(":${cxbridge.redis.password}@");
        for (String svc : Repo.SERVICES.keySet()) {
            List<String> env = Yml.list(container(r.one("Deployment", svc)), "env").stream()
                    .map(e -> Yml.str(e, "name"))
                    .toList();
            assertThat(env)
                    .as("prod: %s gets its Kafka and Redis credentials", svc)
                    .contains("KAFKA_SASL_JAAS_CONFIG", "CXBRIDGE_REDIS_PASSWORD");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void theGatewayForwardsToTheServicesByTheirServiceNames(String overlay) {
        Rendered r = Kustomize.overlay(overlay);
        Map<String, Object> config = Yml.map(r.one("ConfigMap", "gateway-svc-config"), "data");
        Repo.SERVICES.forEach((svc, port) -> {
            if (svc.equals(Repo.GATEWAY)) {
                return;
            }
            String key = "CXBRIDGE_GATEWAY_SERVICES_" + svc.replace("-svc", "").toUpperCase() + "_URL";
            assertThat(Yml.str(config, key)).as("%s: %s", overlay, key).isEqualTo("http://" + svc + ":" + port);
            assertThat(servicePort(r.one("Service", svc), port)).isEqualTo(port);
        });
        // The keys file the gateway reads is where the Secret is mounted.
        String keysFile = Yml.str(config, "CXBRIDGE_GATEWAY_AUTH_KEYS_FILE");
        Map<String, Object> gateway = r.one("Deployment", Repo.GATEWAY);
        String mount = Yml.list(container(gateway), "volumeMounts").stream()
                .filter(m -> keysFile.startsWith(Yml.str(m, "mountPath") + "/"))
                .map(m -> Yml.str(m, "name"))
                .findFirst()
                .orElseThrow(() -> new AssertionError(overlay + ": nothing is mounted at " + keysFile));
        Object volume = Yml.list(gateway, "spec", "template", "spec", "volumes").stream()
                .filter(v -> mount.equals(Yml.str(v, "name")))
                .findFirst()
                .orElseThrow();
        String secret = Yml.str(volume, "secret", "secretName");
        String file = keysFile.substring(keysFile.lastIndexOf('/') + 1);
        assertThat(Yml.map(r.one("Secret", secret), "stringData"))
                .as("%s: Secret %s holds %s", overlay, secret, file)
                .containsKey(file);
        // The template has the shape of the gateway's own keys file (the local stack's).
        Object template = Repo.yamlDocuments(Yml.str(r.one("Secret", secret), "stringData", file))
                .get(0);
        Object local = Repo.yamlMap(Repo.path("gateway-svc/src/main/resources/keys/local-keys.yaml"));
        assertThat(Yml.map(template).keySet()).isEqualTo(Yml.map(local).keySet());
        assertThat(Yml.map(template, "clients", 0).keySet())
                .as("%s: keys.yaml template client fields", overlay)
                .containsExactlyInAnyOrderElementsOf(
                        Yml.map(local, "clients", 0).keySet());
        assertThat(Yml.map(template, "clients", 0, "keys", 0).keySet())
                .isEqualTo(Yml.map(local, "clients", 0, "keys", 0).keySet());
    }

    @Test
    void devTalksToGenesysSimInsteadOfGenesysCloud() {
        Rendered r = Kustomize.overlay("dev");
        r.one("Deployment", Repo.SIM);
        Map<String, Object> config = Yml.map(r.one("ConfigMap", "cxbridge-config"), "data");
        assertThat(config).containsEntry("CXBRIDGE_GENESYS_BASE_URL", "http://" + Repo.SIM + ":" + Repo.SIM_PORT);
        assertThat(servicePort(r.one("Service", Repo.SIM), Repo.SIM_PORT)).isEqualTo(Repo.SIM_PORT);
    }

    // ------------------------------------------------------------------------------------------------

    private static List<Object> policyTypes(Map<String, Object> policy) {
        List<Object> types = Yml.list(policy, "spec", "policyTypes");
        if (!types.isEmpty()) {
            return types;
        }
        return Yml.at(policy, "spec", "egress") != null ? List.of("Ingress", "Egress") : List.of("Ingress");
    }

    private static int containerPort(Map<String, Object> container, String name) {
        return Yml.list(container, "ports").stream()
                .filter(p -> name.equals(Yml.str(p, "name")))
                .map(p -> ((Number) Yml.at(p, "containerPort")).intValue())
                .findFirst()
                .orElseThrow(() -> new AssertionError(Yml.str(container, "name") + " has no port named " + name));
    }

    /** A port given by number or by the container port's name. */
    private static int resolvePort(Map<String, Object> container, Object port) {
        if (port instanceof Number n) {
            return n.intValue();
        }
        if (port == null) {
            throw new AssertionError("no port given");
        }
        String s = String.valueOf(port);
        return s.chars().allMatch(Character::isDigit) ? Integer.parseInt(s) : containerPort(container, s);
    }

    /** The port number of a Service port given by number or name. */
    private static int servicePort(Map<String, Object> service, Object port) {
        for (Object p : Yml.list(service, "spec", "ports")) {
            if (String.valueOf(port).equals(Yml.str(p, "name"))
                    || String.valueOf(port).equals(Yml.str(p, "port"))) {
                return ((Number) Yml.at(p, "port")).intValue();
            }
        }
        throw new AssertionError("Service " + name(service) + " has no port " + port);
    }
}
