package io.cxbridge.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** The repository this module lives in, and what the spec fixes about it. */
final class Repo {

    /** The five services and their ports (SPEC, "Ports and processes"). */
    static final Map<String, Integer> SERVICES = orderedMap(
            "gateway-svc",
            8080,
            "retry-svc",
            8081,
            "fulfillment-svc",
            8082,
            "retention-svc",
            8083,
            "directory-svc",
            8084);

    static final String SIM = "genesys-sim";
    static final int SIM_PORT = 8090;
    static final int KAFKA_PORT = 9092;
    static final int REDIS_PORT = 6379;
    static final String GATEWAY = "gateway-svc";
    /** The management interface (health, metrics) of each service: its API port + 1000 (SPEC, "Ports and processes"). */
    static final Map<String, Integer> MANAGEMENT_PORTS = orderedMap(
            "gateway-svc",
            9080,
            "retry-svc",
            9081,
            "fulfillment-svc",
            9082,
            "retention-svc",
            9083,
            "directory-svc",
            9084);

    /** Where {@code module} answers health and metrics: its management port; genesys-sim keeps them on its API port. */
    static int managementPort(String module) {
        return MANAGEMENT_PORTS.getOrDefault(module, IMAGES.get(module));
    }

    /** Every module that ships an image: the services and genesys-sim. */
    static final Map<String, Integer> IMAGES;

    static {
        Map<String, Integer> images = new LinkedHashMap<>(SERVICES);
        images.put(SIM, SIM_PORT);
        IMAGES = java.util.Collections.unmodifiableMap(images);
    }

    private static final Path ROOT = locateRoot();

    static Path root() {
        return ROOT;
    }

    static Path path(String relative) {
        return ROOT.resolve(relative);
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Every YAML document of a file or a string (empty documents dropped). */
    static List<Object> yamlDocuments(String text) {
        List<Object> docs = new ArrayList<>();
        for (Object doc : yaml().loadAll(text)) {
            if (doc != null) {
                docs.add(doc);
            }
        }
        return docs;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> yamlMap(Path file) {
        Object doc = yaml().load(read(file));
        if (!(doc instanceof Map)) {
            throw new AssertionError(ROOT.relativize(file) + " is not a YAML mapping");
        }
        return (Map<String, Object>) doc;
    }

    static Yaml yaml() {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        return new Yaml(new SafeConstructor(options));
    }

    /** A service's own application.properties (its configured HTTP port, for one). */
    static Properties applicationProperties(String module) {
        Properties p = new Properties();
        try (var in = Files.newInputStream(path(module + "/src/main/resources/application.properties"))) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    static List<Path> files(Path dir, String... suffixes) {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile)
                    .filter(f -> Stream.of(suffixes)
                            .anyMatch(x -> f.getFileName().toString().endsWith(x)))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path locateRoot() {
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath().normalize();
        for (Path d = dir; d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve("deploy/k8s")) && Files.isRegularFile(d.resolve("pom.xml"))) {
                return d;
            }
        }
        throw new IllegalStateException("no cxbridge checkout (a folder with deploy/k8s and pom.xml) above " + dir);
    }

    private static <V> Map<String, V> orderedMap(Object... kv) {
        Map<String, V> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            @SuppressWarnings("unchecked")
            V v = (V) kv[i + 1];
            m.put((String) kv[i], v);
        }
        return java.util.Collections.unmodifiableMap(m);
    }

    private Repo() {}
}
