package io.cxbridge.systemtests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The stack under test: started by the repository's {@code ./stack} script, exactly as a user starts it, in an
 * isolated state directory ({@code STACK_STATE=system-tests/target/stack}) on free ports handed over in the
 * script's own variables. Started once per test JVM ({@link StackExtension}), stopped with {@code ./stack down}
 * at the end, by a shutdown hook as a last resort, and at the next start (leftovers of a JVM that was killed).
 */
public final class LocalStack implements AutoCloseable {

    /** The port variables of {@code ./stack}. */
    static final List<String> PORT_VARIABLES = List.of(
            "KAFKA_PORT",
            "KAFKA_CONTROLLER_PORT",
            "REDIS_PORT",
            "SIM_PORT",
            "GATEWAY_PORT",
            "RETRY_PORT",
            "FULFILLMENT_PORT",
            "RETENTION_PORT",
            "DIRECTORY_PORT",
            "GATEWAY_MGMT_PORT",
            "RETRY_MGMT_PORT",
            "FULFILLMENT_MGMT_PORT",
            "RETENTION_MGMT_PORT",
            "DIRECTORY_MGMT_PORT");

    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(6);

    private final Path root;
    private final Path state;
    private final Map<String, String> env;
    private final StackEndpoints endpoints;
    private final Thread shutdownHook;
    private volatile boolean stopped;

    private LocalStack(Path root, Path state, Map<String, String> env) {
        this.root = root;
        this.state = state;
        this.env = env;
        this.endpoints = StackEndpoints.from(env);
        this.shutdownHook = new Thread(this::downQuietly, "system-tests-stack-down");
    }

    /** Starts the stack ({@code ./stack up}) and waits until every part is ready. */
    public static LocalStack start() {
        Path root = Path.of(System.getProperty("cxbridge.root", ".."))
                .toAbsolutePath()
                .normalize();
        Path state = Path.of(System.getProperty(
                        "cxbridge.stack-state",
                        root.resolve("system-tests/target/stack").toString()))
                .toAbsolutePath()
                .normalize();
        return start(state, Map.of());
    }

    /**
     * A second stack beside the shared one, in its own state directory ({@code system-tests/target/<name>}) on its own
     * ports, with extra {@code ./stack} variables (e.g. {@code CXBRIDGE_REDIS_HOSTS} for a Redis Cluster).
     */
    public static LocalStack start(String name, Map<String, String> extraEnv) {
        Path root = Path.of(System.getProperty("cxbridge.root", ".."))
                .toAbsolutePath()
                .normalize();
        return start(root.resolve("system-tests/target").resolve(name).normalize(), extraEnv);
    }

    private static LocalStack start(Path state, Map<String, String> extraEnv) {
        Path root = Path.of(System.getProperty("cxbridge.root", ".."))
                .toAbsolutePath()
                .normalize();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("STACK_STATE", state.toString());
        env.put("READY_TIMEOUT", "240");
        // Whatever the caller's shell says: the local profile, the gateway on loopback.
        env.put("STACK_PROFILE", "local");
        env.put("GATEWAY_HOST", "127.0.0.1");
        Set<Integer> used = new HashSet<>();
        for (String variable : PORT_VARIABLES) {
            int port;
            do {
                port = freePort();
            } while (!used.add(port));
            env.put(variable, String.valueOf(port));
        }
        // A claimed retry whose process died is due again after this lease (default 60 s): shorter, so the crash
        // and broker-restart tests see it come back within their wait. Environment variables are how any
        // deployment would tune it; nothing else differs from ./stack up.
        env.put("CXBRIDGE_RETRY_CLAIM_LEASE", "15s");
        // The OAuth client's rate budget (Genesys's limit at the sim, cxbridge's shared budget in the services) at
        // 6,000 a minute instead of the local stack's 300: the durability tests' bursts (400 runs at once, 50 jobs a
        // second while fulfillment-svc rebalances) would otherwise measure the budget, not what they test.
        env.put("CXBRIDGE_SIM_RATE_LIMIT_PER_MINUTE", "6000");
        env.put("CXBRIDGE_GENESYS_RATE_LIMIT_PER_MINUTE", "6000");
        // The local stack's two clients plus one with 2 s access tokens (SdkLoginIT), as a mounted keys file would be.
        env.put(
                "_LOCAL_CXBRIDGE_GATEWAY_AUTH_KEYS_FILE",
                root.resolve("system-tests/src/test/resources/keys/system-test-keys.yaml")
                        .toString());
        env.putAll(extraEnv);
        LocalStack stack = new LocalStack(root, state, env);
        stack.down(); // leftovers of an earlier run that could not stop its stack
        // Empty Kafka and Redis data, as on a fresh clone: an earlier `./stack test` left its tokens (refused by this
        // run's new sim: one more execute, a 401, failed TracesIT's count once) and its backlog in the state directory.
        wipe(stack.dataDir("kafka"));
        wipe(stack.dataDir("redis"));
        Runtime.getRuntime().addShutdownHook(stack.shutdownHook);
        try {
            stack.up();
        } catch (RuntimeException | Error e) {
            stack.downQuietly();
            throw e;
        }
        return stack;
    }

    /** Empties a data directory of a stopped part: it starts with nothing. */
    static void wipe(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder())
                    .filter(f -> !f.equals(dir))
                    .forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("could not empty " + dir, e);
        }
    }

    public StackEndpoints endpoints() {
        return endpoints;
    }

    public Map<String, String> env() {
        return env;
    }

    /** {@code ./stack up}: starts whatever is not running, waits until every part is ready. */
    public void up() {
        run("up");
    }

    /** {@code ./stack kill <parts>}: SIGKILL. */
    public void kill(String... parts) {
        run(concat("kill", parts));
    }

    /** {@code ./stack stop <parts>}: SIGTERM and wait. */
    public void stop(String... parts) {
        run(concat("stop", parts));
    }

    /**
     * Stops one part and starts it again with environment variables changed (a null value removes one): how a
     * deployment tunes a service, e.g. {@code CXBRIDGE_RETRY_MAX_PENDING}. The changes stay for later starts of the
     * same part, so a test restores them with another call.
     */
    public void restart(String part, Map<String, String> changes) {
        stop(part);
        changes.forEach((name, value) -> {
            if (value == null) {
                env.remove(name);
            } else {
                env.put(name, value);
            }
        });
        up();
    }

    public void down() {
        run("down");
    }

    /** The pid ./stack recorded for a part; -1 when it has none. */
    public long pid(String part) {
        Path file = state.resolve("pids").resolve(part + ".pid");
        try {
            return Files.exists(file) ? Long.parseLong(Files.readString(file).trim()) : -1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A part's data directory ({@code <state>/<part>}: Kafka's log dirs, Redis's AOF). */
    public Path dataDir(String part) {
        return state.resolve(part);
    }

    /** A part's log file (./stack writes {@code <state>/logs/<part>.log}). */
    public Path log(String part) {
        return state.resolve("logs").resolve(part + ".log");
    }

    @Override
    public void close() {
        if (stopped) {
            return;
        }
        try {
            down();
            stopped = true;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException ignored) {
                // already shutting down
            }
        }
    }

    private void downQuietly() {
        if (stopped) {
            return;
        }
        try {
            down();
            stopped = true;
        } catch (RuntimeException e) {
            System.err.println("system-tests: ./stack down failed: " + e.getMessage());
        }
    }

    /** Runs {@code ./stack <args>} with this stack's environment; its output goes to {@code <state>/stack.out}. */
    private void run(String... args) {
        List<String> command = new ArrayList<>();
        command.add("bash");
        command.add(root.resolve("stack").toString());
        command.addAll(List.of(args));
        try {
            Files.createDirectories(state);
            Path out = state.resolve("stack.out");
            long before = Files.exists(out) ? Files.size(out) : 0;
            Files.writeString(
                    out,
                    "\n$ ./stack " + String.join(" ", args) + "   (" + Instant.now() + ")\n",
                    StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
            ProcessBuilder pb = new ProcessBuilder(command)
                    .directory(root.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()));
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("./stack " + String.join(" ", args) + " did not finish within "
                        + COMMAND_TIMEOUT + tail(out, before));
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("./stack " + String.join(" ", args) + " failed (exit " + p.exitValue()
                        + ")" + tail(out, before));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run ./stack " + String.join(" ", args), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running ./stack", e);
        }
    }

    private static String tail(Path out, long from) throws IOException {
        byte[] all = Files.readAllBytes(out);
        String text = new String(
                all, (int) Math.min(from, all.length), (int) Math.max(0, all.length - from), StandardCharsets.UTF_8);
        return ":\n" + (text.length() > 6000 ? text.substring(text.length() - 6000) : text);
    }

    private static String[] concat(String first, String... rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }
}
