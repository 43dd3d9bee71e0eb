package io.cxbridge.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A packaged cxbridge module ({@code <module>/target/quarkus-app/quarkus-run.jar}) run as a child process on a
 * free loopback port, with its management interface (health, metrics) on a second one, the way {@code ./stack up}
 * runs it; ready once {@code /q/health/ready} answers 200 on the management port (genesys-sim, which has none,
 * answers on its API port). It logs to {@code target/<module>-<port>.log} of the module the test runs in.
 */
public final class ServiceProcess {

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();

    private final String module;
    private final int port;
    private final int assignedManagementPort;
    private final Process process;
    private final Path logFile;
    /** The port health answered on: the management port, or the API port for a module without one (the sim). */
    private volatile int managementPort;

    private ServiceProcess(String module, int port, int assignedManagementPort, Process process, Path logFile) {
        this.module = module;
        this.port = port;
        this.assignedManagementPort = assignedManagementPort;
        this.managementPort = assignedManagementPort;
        this.process = process;
        this.logFile = logFile;
    }

    /**
     * Starts {@code jar} with {@code heap} (e.g. {@code 256m}) and the given system properties on a free port,
     * and waits until it is ready. A port taken between the probe and the bind is retried on another one.
     */
    public static ServiceProcess start(
            String module, Path jar, String heap, Map<String, String> systemProperties, Duration readyTimeout) {
        Path logDir = Path.of(System.getProperty("user.dir"), "target");
        try {
            Files.createDirectories(logDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + logDir, e);
        }
        IllegalStateException last = null;
        for (int attempt = 1; attempt <= 3; attempt++) {
            int port = FreePorts.next();
            int managementPort;
            do {
                managementPort = FreePorts.next();
            } while (managementPort == port);
            Path log = logDir.resolve(module + "-" + port + ".log");
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.add("-Xmx" + heap);
            command.add("-Dquarkus.http.port=" + port);
            command.add("-Dquarkus.http.host=127.0.0.1");
            command.add("-Dquarkus.management.port=" + managementPort);
            command.add("-Dquarkus.management.host=127.0.0.1");
            systemProperties.forEach((k, v) -> command.add("-D" + k + "=" + v));
            command.add("-jar");
            command.add(jar.toString());
            Process process;
            try {
                process = new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
            } catch (IOException e) {
                throw new IllegalStateException("cannot start " + module + " with " + command.get(0), e);
            }
            ServiceProcess started = new ServiceProcess(module, port, managementPort, process, log);
            try {
                started.awaitReady(readyTimeout);
                return started;
            } catch (IllegalStateException e) {
                started.stop();
                last = e;
                String tail = tail(log);
                if (!tail.contains("already in use") && !tail.contains("Port already bound")) {
                    throw e;
                }
            }
        }
        throw last;
    }

    /** The packaged jar of {@code module}, looked for from the working directory upwards; a clear error if missing. */
    public static Path jarOf(String module) {
        String inModule = module + "/target/quarkus-app/quarkus-run.jar";
        List<Path> tried = new ArrayList<>();
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath().normalize();
        for (int depth = 0; dir != null && depth < 4; depth++, dir = dir.getParent()) {
            Path candidate = dir.resolve(inModule);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
            tried.add(candidate);
        }
        throw new IllegalStateException(module + " is not packaged: none of " + tried + " exists. Build it first "
                + "(mvn -pl " + module + " -am package -DskipTests, or mvn install from the root)");
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** Where health and metrics answer: {@code http://127.0.0.1:<management port>}. */
    public String managementUrl() {
        return "http://127.0.0.1:" + managementPort;
    }

    /** The management port; the API port for a module that keeps health on it (genesys-sim). */
    public int managementPort() {
        return managementPort;
    }

    public Path logFile() {
        return logFile;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Sends SIGTERM and returns at once; {@link #awaitExit} waits for the graceful stop. */
    public void terminate() {
        process.destroy();
    }

    /** True when the process exited within {@code timeout}. */
    public boolean awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** SIGTERM (a graceful stop), then a kill after 15 s. */
    public void stop() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        HttpRequest onManagement = readyRequest(assignedManagementPort);
        HttpRequest onApi = readyRequest(port);
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException(module + " exited with " + process.exitValue()
                        + " before it was ready; last lines of " + logFile + ":\n" + tail(logFile));
            }
            try {
                if (answersReady(onManagement)) {
                    return;
                }
                // A module without a management interface (the sim) answers on its API port; a service with one
                // answers 404 there, so it is never taken for ready by this.
                if (answersReady(onApi)) {
                    managementPort = port;
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + module, e);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(module + " was not ready on " + baseUrl() + " (management port "
                        + assignedManagementPort + ") within " + timeout.toSeconds() + " s; last lines of " + logFile
                        + ":\n" + tail(logFile));
            }
            try {
                Thread.sleep(100); // polling a child process's readiness; nothing to inject a clock into
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + module, e);
            }
        }
    }

    private static HttpRequest readyRequest(int port) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready"))
                .timeout(Duration.ofSeconds(2))
                .GET()
                .build();
    }

    private static boolean answersReady(HttpRequest ready) throws InterruptedException {
        try {
            return HTTP.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false; // not listening yet
        }
    }

    public static String tail(Path log) {
        if (log == null || !Files.exists(log)) {
            return "(no log)";
        }
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    @Override
    public String toString() {
        return module + "[" + baseUrl() + ", management " + managementUrl() + ", log " + logFile + "]";
    }
}
