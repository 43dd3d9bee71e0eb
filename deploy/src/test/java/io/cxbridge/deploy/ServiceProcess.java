package io.cxbridge.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** A packaged service ({@code <module>/target/quarkus-app/quarkus-run.jar}) running as a child process. */
final class ServiceProcess implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

    private final String module;
    private final int port;
    private final Process process;
    private final Path log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private ServiceProcess(String module, int port, Process process, Path log) {
        this.module = module;
        this.port = port;
        this.process = process;
        this.log = log;
    }

    static ServiceProcess start(String module, Map<String, String> systemProperties) {
        Path jar = Repo.path(module + "/target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new AssertionError(module + " is not packaged (" + Repo.root().relativize(jar) + " is missing): build it"
                    + " first, e.g. mvn -pl " + module + " -am package -DskipTests (mvn verify at the root builds"
                    + " every module before deploy)");
        }
        AssertionError last = null;
        for (int attempt = 1; attempt <= 3; attempt++) {
            int port = freePort();
            Path log = Repo.path("deploy/target/" + module + "-" + port + ".log");
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                    "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=" + port));
            systemProperties.forEach((k, v) -> command.add("-D" + k + "=" + v));
            command.addAll(List.of("-jar", jar.toString()));
            try {
                Files.createDirectories(log.getParent());
                Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
                ServiceProcess service = new ServiceProcess(module, port, process, log);
                try {
                    service.awaitReady();
                    return service;
                } catch (AssertionError e) {
                    service.close();
                    last = e;
                    String tail = service.tail();
                    if (!tail.contains("already in use") && !tail.contains("Port already bound")) {
                        throw e;
                    }
                    // another process took the port between the probe and the bind: try another one
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start " + module, e);
            }
        }
        throw last;
    }

    int port() {
        return port;
    }

    /** GET with optional header name/value pairs. */
    HttpResponse<String> get(String path, String... headers) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(10)).GET();
            if (headers.length > 0) {
                request.headers(headers);
            }
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + path + " on " + module, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The metric names of the Prometheus exposition at /q/metrics (sample lines, not comments). */
    Set<String> metricNames() {
        HttpResponse<String> r = get("/q/metrics");
        if (r.statusCode() != 200) {
            throw new AssertionError(module + " /q/metrics answered " + r.statusCode());
        }
        Set<String> names = new LinkedHashSet<>();
        for (String line : r.body().split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int end = 0;
            while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
                end++;
            }
            names.add(line.substring(0, end));
        }
        return names;
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError(module + " exited with " + process.exitValue() + " while starting:\n" + tail());
            }
            try {
                if (get("/q/health/ready").statusCode() == 200) {
                    return;
                }
            } catch (UncheckedIOException notYet) {
                // not listening yet
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        close();
        throw new AssertionError(module + " was not ready after " + READY_TIMEOUT.toSeconds() + " s:\n" + tail());
    }

    String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log at " + log + ")";
        }
    }

    @Override
    public void close() {
        process.destroy(); // SIGTERM: the service's graceful shutdown
        try {
            if (!process.waitFor(25, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }
}
