package io.cxbridge.testkit;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} process on a free loopback port, configured as cxbridge requires: append-only
 * persistence fsynced on every write ({@code appendonly yes}, {@code appendfsync always}) and
 * {@code maxmemory-policy noeviction}. One per JVM ({@link #shared()}, across test profiles: see {@link JvmWide});
 * it keeps its port and its data directory across {@link #stop()} / {@link #start()}, so a restart keeps the data
 * ({@link #wipe()} empties it first).
 */
public final class RedisServer {

    private static RedisServer shared;

    /** The system class loader's server this copy forwards to (see {@link JvmWide}), or null for the server itself. */
    private final Object home;

    private final int port;
    private final Path dir;
    private Process process;

    private RedisServer(Object home) {
        this.home = home;
        this.port = (Integer) JvmWide.call(home, "port");
        this.dir = null;
    }

    private RedisServer() {
        home = null;
        port = FreePorts.next();
        try {
            dir = Files.createTempDirectory("redis-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static synchronized RedisServer shared() {
        if (shared == null) {
            Class<?> home = JvmWide.home(RedisServer.class);
            if (home != null) {
                shared = new RedisServer(JvmWide.shared(home));
            } else {
                RedisServer redis = new RedisServer();
                redis.start();
                Runtime.getRuntime().addShutdownHook(new Thread(redis::stop, "redis-server-stop"));
                shared = redis;
            }
        }
        return shared;
    }

    public int port() {
        return port;
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    public synchronized boolean isRunning() {
        if (home != null) {
            return (Boolean) JvmWide.call(home, "isRunning");
        }
        return process != null && process.isAlive();
    }

    public synchronized void start() {
        if (home != null) {
            JvmWide.call(home, "start");
            return;
        }
        if (isRunning()) {
            return;
        }
        String binary = binary();
        try {
            process = new ProcessBuilder(List.of(
                            binary,
                            "--port",
                            String.valueOf(port),
                            "--bind",
                            "127.0.0.1",
                            "--save",
                            "",
                            "--appendonly",
                            "yes",
                            "--appendfsync",
                            "always",
                            "--maxmemory-policy",
                            "noeviction",
                            "--dir",
                            dir.toString()))
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("redis.log").toFile())
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException(
                    "cannot start " + binary + " (install the Debian package redis-server, or set REDIS_SERVER)", e);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!ping()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "redis-server did not answer PING on port " + port + "; see " + dir.resolve("redis.log"));
            }
            Thread.onSpinWait();
        }
    }

    public synchronized void stop() {
        if (home != null) {
            JvmWide.call(home, "stop");
            return;
        }
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    public void restart() {
        stop();
        start();
    }

    /** SIGKILL, as a crash: no shutdown, only what the AOF already holds survives. */
    public synchronized void kill() {
        if (home != null) {
            JvmWide.call(home, "kill");
            return;
        }
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    /** Deletes the data (AOF and dumps) while stopped: the next {@link #start()} is an empty Redis. */
    public synchronized void wipe() {
        if (home != null) {
            JvmWide.call(home, "wipe");
            return;
        }
        if (isRunning()) {
            throw new IllegalStateException("stop redis-server before wiping its data");
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .filter(f -> !f.equals(dir) && !f.getFileName().toString().equals("redis.log"))
                    .forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** True when the server answers PING with PONG. */
    public boolean ping() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            socket.setSoTimeout(500);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] buf = new byte[7];
            int n = in.readNBytes(buf, 0, 7);
            return n == 7 && new String(buf, StandardCharsets.US_ASCII).equals("+PONG\r\n");
        } catch (IOException e) {
            return false;
        }
    }

    static String binary() {
        String configured = System.getenv("REDIS_SERVER");
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        for (String candidate : List.of("/usr/bin/redis-server", "/usr/local/bin/redis-server")) {
            if (new File(candidate).canExecute()) {
                return candidate;
            }
        }
        return "redis-server";
    }
}
