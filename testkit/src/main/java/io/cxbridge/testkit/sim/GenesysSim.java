package io.cxbridge.testkit.sim;

import io.cxbridge.testkit.JvmWide;
import io.cxbridge.testkit.KafkaBroker;
import io.cxbridge.testkit.RedisServer;
import io.cxbridge.testkit.ServiceProcess;
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
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged genesys-sim ({@code genesys-sim/target/quarkus-app/quarkus-run.jar}) as a child process on a free
 * loopback port: one per JVM with {@link #shared()} (across test profiles: see {@link JvmWide}), stopped when the
 * JVM exits. It logs to {@code target/genesys-sim-<port>.log} of the current module.
 *
 * <p>The jar is found through the system property {@code cxbridge.sim.jar} (or the environment variable
 * {@code CXBRIDGE_SIM_JAR}), else as {@code genesys-sim/target/quarkus-app/quarkus-run.jar} in the working
 * directory or one of its parents (a sibling module finds {@code ../genesys-sim/...}). Build it first:
 * {@code mvn -pl genesys-sim -am package -DskipTests}.
 *
 * <p>With the system property {@code cxbridge.sim.url} set (for example {@code http://127.0.0.1:8090} of the
 * local stack), {@link #shared()} uses that running sim instead of starting one.
 */
public final class GenesysSim {

    public static final String JAR_PROPERTY = "cxbridge.sim.jar";
    public static final String JAR_ENV = "CXBRIDGE_SIM_JAR";
    public static final String URL_PROPERTY = "cxbridge.sim.url";
    public static final String DEFAULT_CLIENT_ID = "cxbridge-local";
    public static final String DEFAULT_CLIENT_SECRET = "cxbridge-local-secret";
    static final String JAR_IN_MODULE = "genesys-sim/target/quarkus-app/quarkus-run.jar";
    static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private static GenesysSim shared;

    private final String baseUrl;
    private final int port;
    private final String clientId;
    private final String clientSecret;
    private final ServiceProcess process;
    private final Path logFile;
    /** The system class loader's sim this copy forwards to (see {@link JvmWide}), or null. */
    private final Object home;

    private final SimControl control;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();

    private GenesysSim(
            String baseUrl, int port, String clientId, String clientSecret, ServiceProcess process, Path logFile) {
        this(baseUrl, port, clientId, clientSecret, process, logFile, null);
    }

    private GenesysSim(
            String baseUrl,
            int port,
            String clientId,
            String clientSecret,
            ServiceProcess process,
            Path logFile,
            Object home) {
        this.home = home;
        this.baseUrl = baseUrl;
        this.port = port;
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.process = process;
        this.logFile = logFile;
        this.control = new SimControl(baseUrl);
    }

    /** The JVM's sim, started on first use (or the one at {@code cxbridge.sim.url}). */
    public static synchronized GenesysSim shared() {
        Class<?> homeClass = JvmWide.home(GenesysSim.class);
        if (homeClass != null) {
            // asked each time: the home copy starts a new sim when its process has died
            Object home = JvmWide.shared(homeClass);
            if (shared == null || shared.home != home) {
                String url = (String) JvmWide.call(home, "baseUrl");
                shared = new GenesysSim(
                        url,
                        (Integer) JvmWide.call(home, "port"),
                        (String) JvmWide.call(home, "clientId"),
                        (String) JvmWide.call(home, "clientSecret"),
                        null,
                        (Path) JvmWide.call(home, "logFile"),
                        home);
            }
            return shared;
        }
        if (shared == null || (shared.process != null && !shared.process.isAlive())) {
            String url = System.getProperty(URL_PROPERTY);
            if (url != null && !url.isBlank()) {
                String trimmed = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
                shared = new GenesysSim(
                        trimmed,
                        URI.create(trimmed).getPort(),
                        System.getProperty("cxbridge.sim.client-id", DEFAULT_CLIENT_ID),
                        System.getProperty("cxbridge.sim.client-secret", DEFAULT_CLIENT_SECRET),
                        null,
                        null);
            } else {
                shared = start(Map.of());
                GenesysSim sim = shared;
                Runtime.getRuntime().addShutdownHook(new Thread(sim::stop, "genesys-sim-stop"));
            }
        }
        return shared;
    }

    /**
     * Starts a new sim process of its own (not shared; stop it yourself). {@code systemProperties} go to the
     * sim's JVM, e.g. {@code cxbridge.sim.rate-limit-per-minute=0} or {@code quarkus.profile=bench}.
     */
    public static GenesysSim start(Map<String, String> systemProperties) {
        Path jar = locateJar(
                firstNonBlank(System.getProperty(JAR_PROPERTY), System.getenv(JAR_ENV)),
                Path.of(System.getProperty("user.dir")));
        ServiceProcess process = ServiceProcess.start("genesys-sim", jar, "256m", systemProperties, READY_TIMEOUT);
        String clientId = systemProperties.getOrDefault("cxbridge.sim.client-id", DEFAULT_CLIENT_ID);
        String secret = systemProperties.getOrDefault("cxbridge.sim.client-secret", DEFAULT_CLIENT_SECRET);
        return new GenesysSim(process.baseUrl(), process.port(), clientId, secret, process, process.logFile());
    }

    /** Where the sim's jar is, or a clear error saying how to build it. */
    static Path locateJar(String configured, Path workingDir) {
        if (configured != null) {
            Path jar = Path.of(configured).toAbsolutePath();
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException(JAR_PROPERTY + " points at " + jar + ", which does not exist. "
                        + "Build genesys-sim first: mvn -pl genesys-sim -am package -DskipTests");
            }
            return jar;
        }
        List<Path> tried = new ArrayList<>();
        Path dir = workingDir.toAbsolutePath().normalize();
        for (int depth = 0; dir != null && depth < 4; depth++, dir = dir.getParent()) {
            Path candidate = dir.resolve(JAR_IN_MODULE);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
            tried.add(candidate);
        }
        throw new IllegalStateException("genesys-sim is not built: none of " + tried + " exists. Build genesys-sim "
                + "first (mvn -pl genesys-sim -am package -DskipTests, or mvn install from the root), or point -D"
                + JAR_PROPERTY + " at its quarkus-run.jar");
    }

    /** The sim's base URL, e.g. {@code http://127.0.0.1:41234} (API base and login base alike). */
    public String baseUrl() {
        return baseUrl;
    }

    public int port() {
        return port;
    }

    public String clientId() {
        return clientId;
    }

    public String clientSecret() {
        return clientSecret;
    }

    /** The control API client (config, faults, stats, reset, ...). */
    public SimControl control() {
        return control;
    }

    /** The log file of a sim this JVM started, or null for one at {@code cxbridge.sim.url}. */
    public Path logFile() {
        return logFile;
    }

    public boolean isRunning() {
        if (home != null) {
            return (Boolean) JvmWide.call(home, "isRunning");
        }
        return process == null || process.isAlive();
    }

    /** A fresh access token from the sim's {@code /oauth/token}. */
    public String accessToken() {
        String basic =
                Base64.getEncoder().encodeToString((clientId + ":" + clientSecret).getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/oauth/token"))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            Matcher m = Pattern.compile("\"access_token\"\\s*:\\s*\"([^\"]+)\"").matcher(response.body());
            if (response.statusCode() != 200 || !m.find()) {
                throw new IllegalStateException("POST /oauth/token answered " + response.statusCode());
            }
            return m.group(1);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reach genesys-sim at " + baseUrl, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Stops a sim this JVM started (SIGTERM, then kill after 10 s); a no-op for one at {@code cxbridge.sim.url}. */
    public void stop() {
        if (home != null) {
            JvmWide.call(home, "stop");
        }
        if (process != null) {
            process.stop();
        }
    }

    @Override
    public String toString() {
        return "GenesysSim[" + baseUrl + (logFile != null ? ", log " + logFile : "") + "]";
    }

    private static String firstNonBlank(String a, String b) {
        if (a != null && !a.isBlank()) {
            return a;
        }
        return b != null && !b.isBlank() ? b : null;
    }

    /**
     * The system properties that wire a packaged service to this JVM's shared broker, redis-server and genesys-sim
     * (local profile, one partition per topic), as a mutable map for the test's own settings. It lives here, not in
     * {@link ServiceProcess}, so the sim package depends on the process launcher and never the other way round.
     */
    public static Map<String, String> sharedWiring() {
        GenesysSim sim = shared();
        Map<String, String> p = new HashMap<>();
        p.put("quarkus.profile", "local");
        p.put("kafka.bootstrap.servers", KafkaBroker.shared().bootstrapServers());
        p.put("quarkus.redis.hosts", RedisServer.shared().url());
        p.put("cxbridge.genesys.base-url", sim.baseUrl());
        p.put("cxbridge.genesys.login-url", sim.baseUrl());
        p.put("cxbridge.kafka.partitions", "1");
        return p;
    }
}
