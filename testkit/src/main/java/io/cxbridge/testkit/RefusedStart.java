package io.cxbridge.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Starts a packaged service with a configuration it must refuse, and returns how it ended: for tests that a
 * start-up check stops the process with a message naming the property. No broker, Redis or sim is needed: the
 * checks run before the service reaches them. A process still running after the timeout is killed and reported.
 */
public final class RefusedStart {

    /** How the process ended: its exit code and everything it printed. */
    public record Result(int exitCode, String output) {}

    /** Properties every service needs to get as far as its own start-up checks (nothing is contacted). */
    public static Map<String, String> minimalConfig() {
        return Map.of(
                "quarkus.http.port",
                "0",
                "cxbridge.genesys.base-url",
                "http://127.0.0.1:9",
                "cxbridge.genesys.client-id",
                "x",
                "cxbridge.genesys.client-secret",
                "y",
                "cxbridge.genesys.token-encryption.current-key-id",
                "k",
                "cxbridge.genesys.token-encryption.keys",
                "k=5VFldDlsLCf8FoJ1yZEhAADQAFY0HpKuLhvTiVAif8Q=",
                "quarkus.log.console.json.enabled",
                "false");
    }

    public static Result run(String module, Map<String, String> properties, Duration timeout) throws Exception {
        Path jar = ServiceProcess.jarOf(module);
        Path log = Files.createTempFile(module + "-refused", ".log");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx128m");
        properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add("-jar");
        command.add(jar.toString());
        Process p = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            boolean exited = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            String out = Files.readString(log, StandardCharsets.UTF_8);
            if (!exited) {
                throw new IllegalStateException(module + " was still running after " + timeout + ":\n" + out);
            }
            return new Result(p.exitValue(), out);
        } finally {
            p.destroyForcibly();
            try {
                Files.deleteIfExists(log);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private RefusedStart() {}
}
