package io.cxbridge.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A 3-master Redis Cluster of plain {@code redis-server} processes (cluster mode, no replicas) on free loopback
 * ports, joined with {@code redis-cli --cluster create}; each node configured as cxbridge requires of any Redis
 * ({@code appendonly yes}, {@code appendfsync always}, {@code maxmemory-policy noeviction}). Ready once every node
 * reports {@code cluster_state:ok}. {@link #close()} stops the nodes with SIGTERM and deletes their data.
 */
public final class RedisCluster implements AutoCloseable {

    private static final int MASTERS = 3;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

    private final Path dir;
    private final List<Integer> ports;
    private final List<Process> nodes = new ArrayList<>();

    private RedisCluster(Path dir, List<Integer> ports) {
        this.dir = dir;
        this.ports = ports;
    }

    /** Starts three nodes, creates the cluster (all 16384 slots assigned) and waits until it answers. */
    public static RedisCluster start() {
        Path dir;
        try {
            dir = Files.createTempDirectory("redis-cluster-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        RedisCluster cluster = new RedisCluster(dir, clusterPorts());
        try {
            cluster.startNodes();
            cluster.create();
            cluster.awaitOk();
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    public List<Integer> ports() {
        return List.copyOf(ports);
    }

    /** The nodes as {@code quarkus.redis.hosts} takes them: {@code redis://127.0.0.1:<port>,...}. */
    public String hosts() {
        return ports.stream().map(p -> "redis://127.0.0.1:" + p).collect(Collectors.joining(","));
    }

    /** The log file of the node on {@code port} (for a test to look for errors). */
    public Path log(int port) {
        return dir.resolve(port + "/redis.log");
    }

    /** {@code redis-cli -c -p <first node> <args...>}: a cluster-aware call, following MOVED redirects. */
    public String cli(String... args) {
        return cli(ports.get(0), true, args);
    }

    /** {@code redis-cli -p <port> <args...>} against one node, no redirects (per-node INFO, DBSIZE, SCAN). */
    public String cliNode(int port, String... args) {
        return cli(port, false, args);
    }

    @Override
    public void close() {
        for (Process p : nodes) {
            p.destroy();
        }
        for (Process p : nodes) {
            try {
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
        nodes.clear();
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // a leftover temp directory is harmless
        }
    }

    /** Each node also listens on its cluster bus port (port + 10000): both must be free. */
    private static List<Integer> clusterPorts() {
        List<Integer> out = new ArrayList<>();
        while (out.size() < MASTERS) {
            int port = FreePorts.next();
            if (port < 55536 && !out.contains(port) && FreePorts.isFree(port + 10000)) {
                out.add(port);
            }
        }
        return out;
    }

    private void startNodes() {
        String binary = RedisServer.binary();
        for (int port : ports) {
            Path nodeDir = dir.resolve(String.valueOf(port));
            try {
                Files.createDirectories(nodeDir);
                nodes.add(new ProcessBuilder(List.of(
                                binary,
                                "--port",
                                String.valueOf(port),
                                "--bind",
                                "127.0.0.1",
                                "--cluster-enabled",
                                "yes",
                                "--cluster-config-file",
                                "nodes.conf",
                                "--cluster-node-timeout",
                                "5000",
                                "--save",
                                "",
                                "--appendonly",
                                "yes",
                                "--appendfsync",
                                "always",
                                "--maxmemory-policy",
                                "noeviction",
                                "--dir",
                                nodeDir.toString()))
                        .redirectErrorStream(true)
                        .redirectOutput(nodeDir.resolve("redis.log").toFile())
                        .start());
            } catch (IOException e) {
                throw new IllegalStateException(
                        "cannot start " + binary + " (install the Debian package redis-server, or set REDIS_SERVER)",
                        e);
            }
        }
        for (int port : ports) {
            await("node " + port + " answers PING", () -> "PONG".equals(cliNode(port, "PING")));
        }
    }

    private void create() {
        List<String> command = new ArrayList<>(List.of(cliBinary(), "--cluster", "create"));
        ports.forEach(p -> command.add("127.0.0.1:" + p));
        command.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
        String out = run(command);
        if (!out.contains("All 16384 slots covered")) {
            throw new IllegalStateException("redis-cli --cluster create failed:\n" + out);
        }
    }

    private void awaitOk() {
        for (int port : ports) {
            await(
                    "node " + port + " reports cluster_state:ok",
                    () -> cliNode(port, "CLUSTER", "INFO").contains("cluster_state:ok"));
        }
    }

    private void await(String what, java.util.function.BooleanSupplier check) {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (!check.getAsBoolean()) {
            for (Process p : nodes) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("a redis cluster node exited; see the logs under " + dir);
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("redis cluster: no " + what + " within " + READY_TIMEOUT.toSeconds()
                        + " s; see the logs under " + dir);
            }
            try {
                Thread.sleep(50); // polling child processes; nothing to inject a clock into
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the redis cluster", e);
            }
        }
    }

    private String cli(int port, boolean cluster, String... args) {
        List<String> command = new ArrayList<>(List.of(cliBinary(), "-p", String.valueOf(port)));
        if (cluster) {
            command.add("-c");
        }
        command.addAll(List.of(args));
        return run(command).trim();
    }

    private static String run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish within 30 s");
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command.get(0), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + command.get(0), e);
        }
    }

    /** redis-cli beside the redis-server in use. */
    static String cliBinary() {
        String server = RedisServer.binary();
        Path sibling = Path.of(server).resolveSibling("redis-cli");
        return server.contains("/") && Files.isExecutable(sibling) ? sibling.toString() : "redis-cli";
    }
}
