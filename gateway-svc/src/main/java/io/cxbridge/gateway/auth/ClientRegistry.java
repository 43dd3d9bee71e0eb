package io.cxbridge.gateway.auth;

import io.cxbridge.gateway.config.GatewayConfig;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The gateway's clients, looked up by key hash. Loaded at start-up (a bad file stops the start with its
 * reason); a filesystem file is re-read when it changes, so keys rotate without a restart. A changed file
 * that does not parse is refused and the clients loaded before stay in force.
 */
@ApplicationScoped
public class ClientRegistry {

    private static final Logger LOG = Logger.getLogger(ClientRegistry.class);
    private static final String CLASSPATH = "classpath:";

    private final Optional<String> source;
    private final boolean allowPlainKeys;
    private volatile Map<String, GatewayClient> byHash = Map.of();
    private volatile FileTime loadedVersion;

    @Inject
    public ClientRegistry(GatewayConfig config) {
        this(config.auth().keysFile(), config.auth().allowPlainKeys());
    }

    ClientRegistry(Optional<String> source, boolean allowPlainKeys) {
        this.source = source;
        this.allowPlainKeys = allowPlainKeys;
        if (source.isEmpty()) {
            LOG.warn("no cxbridge.gateway.auth.keys-file: the gateway has no clients and refuses every request");
            return;
        }
        install(KeysFile.parse(read(), allowPlainKeys));
    }

    /** The client owning {@code key}, if any. */
    public Optional<GatewayClient> byKey(String key) {
        return Optional.ofNullable(byHash.get(KeysFile.sha256(key)));
    }

    /** The client that owns the key with this SHA-256 hash now (empty once the key is rotated out of the file). */
    public Optional<GatewayClient> byKeyHash(String keyHash) {
        return Optional.ofNullable(byHash.get(keyHash));
    }

    @Scheduled(
            every = "${cxbridge.gateway.auth.reload-interval:5s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void reloadIfChanged() {
        Optional<Path> file = file();
        if (file.isEmpty()) {
            return;
        }
        try {
            FileTime version = Files.getLastModifiedTime(file.get());
            if (version.equals(loadedVersion)) {
                return;
            }
            install(KeysFile.parse(Files.readString(file.get()), allowPlainKeys));
            loadedVersion = version;
        } catch (IOException | RuntimeException e) {
            LOG.errorf(
                    "the changed keys file %s was not loaded (%s); the clients loaded before stay in force",
                    file.get(), e.getMessage());
        }
    }

    private void install(List<GatewayClient> clients) {
        Map<String, GatewayClient> next = new HashMap<>();
        clients.forEach(c -> c.keyHashes().forEach(h -> next.put(h, c)));
        byHash = Map.copyOf(next);
        LOG.infof(
                "gateway clients loaded: %s",
                clients.stream().map(GatewayClient::id).toList());
    }

    private String read() {
        String s = source.orElseThrow();
        try {
            if (s.startsWith(CLASSPATH)) {
                String resource = s.substring(CLASSPATH.length()).replaceFirst("^/", "");
                try (InputStream in =
                        Thread.currentThread().getContextClassLoader().getResourceAsStream(resource)) {
                    if (in == null) {
                        throw new IllegalArgumentException("keys file " + s + " is not on the classpath");
                    }
                    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
            Path path = Path.of(s);
            loadedVersion = Files.getLastModifiedTime(path);
            return Files.readString(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the keys file " + s, e);
        }
    }

    private Optional<Path> file() {
        return source.filter(s -> !s.startsWith(CLASSPATH)).map(Path::of);
    }
}
