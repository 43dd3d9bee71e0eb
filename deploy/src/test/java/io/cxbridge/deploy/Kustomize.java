package io.cxbridge.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Renders an overlay with {@code kubectl kustomize} as a separate process, exactly as a person deploying it
 * would. kubectl is required: ./stack test installs it. {@code -Dcxbridge.kubectl=<path>} picks another
 * binary (for example Debian's kubectl 1.20, whose kustomize v2.0.3 the files stay compatible with).
 */
final class Kustomize {

    static final String KUBECTL_PROPERTY = "cxbridge.kubectl";
    static final List<String> OVERLAYS = List.of("dev", "prod");

    private static final Map<String, Rendered> CACHE = new ConcurrentHashMap<>();

    static Rendered overlay(String name) {
        return CACHE.computeIfAbsent(name, n -> render("deploy/k8s/overlays/" + n));
    }

    static String kubectl() {
        String configured = System.getProperty(KUBECTL_PROPERTY);
        return configured == null || configured.isBlank() ? "kubectl" : configured;
    }

    static Rendered render(String relativeDir) {
        List<String> command =
                List.of(kubectl(), "kustomize", Repo.path(relativeDir).toString());
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(false).start();
        } catch (IOException e) {
            throw new AssertionError(
                    "kubectl is not installed ('" + kubectl() + "' could not be run: " + e.getMessage()
                            + "). The deploy tests render the Kubernetes manifests with `kubectl kustomize`: run the suite"
                            + " with ./stack test, which installs it, or install the Debian package kubectl (or"
                            + " kubernetes-client), or point -D" + KUBECTL_PROPERTY + "=<path> at a kubectl binary.",
                    e);
        }
        try {
            process.getOutputStream().close();
            // Read both streams to the end before waiting, so a large output never blocks the child.
            CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    return "(stderr unreadable: " + e.getMessage() + ")";
                }
            });
            String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish within 60 s");
            }
            if (process.exitValue() != 0) {
                throw new AssertionError(String.join(" ", command) + " failed (exit " + process.exitValue() + "):\n"
                        + stderr.get(10, TimeUnit.SECONDS));
            }
            return new Rendered(relativeDir, Repo.yamlDocuments(stdout));
        } catch (IOException | ExecutionException | TimeoutException e) {
            throw new AssertionError("cannot read the output of " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private Kustomize() {}
}
