package io.cxbridge.genesys;

import io.cxbridge.genesys.config.GenesysConfig;
import io.cxbridge.testkit.RedisServer;
import io.cxbridge.testkit.sim.GenesysSim;
import io.cxbridge.testkit.sim.SimControl;
import io.vertx.mutiny.core.Vertx;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** Real genesys-sim (the packaged app, as a process) and a real redis-server, reset before each test. */
public abstract class SimTestBase {

    protected static Vertx vertx;
    protected static GenesysSim sim;
    protected static SimControl control;
    protected static RedisServer redis;
    private final List<Process> processes = new ArrayList<>();
    /** A key prefix of its own per test, so no token or bucket leaks from one test into another. */
    protected String keyPrefix;

    @BeforeAll
    static void infrastructure() {
        vertx = Vertx.vertx();
        sim = GenesysSim.shared();
        control = new SimControl(sim.baseUrl());
        redis = RedisServer.shared();
    }

    @AfterAll
    static void closeVertx() {
        vertx.closeAndAwait();
    }

    @BeforeEach
    void resetSim() {
        control.reset();
        keyPrefix = "test-" + UUID.randomUUID();
    }

    @AfterEach
    void closeProcesses() {
        processes.forEach(Process::close);
        processes.clear();
        if (!redis.isRunning()) {
            redis.start();
        }
    }

    /** The client settings of a test: the sim, its default credentials, this test's key prefix. */
    protected GenesysConfig config(Map<String, String> overrides) {
        Map<String, String> p = new HashMap<>();
        p.put("cxbridge.genesys.base-url", sim.baseUrl());
        p.put("cxbridge.genesys.client-id", sim.clientId());
        p.put("cxbridge.genesys.client-secret", sim.clientSecret());
        p.put("cxbridge.genesys.token.key-prefix", keyPrefix);
        p.putAll(overrides);
        return TestConfig.genesys(p);
    }

    protected Process process(GenesysConfig config, Clock clock) {
        Process p = new Process(vertx, redis.url(), config, clock);
        processes.add(p);
        return p;
    }

    /** A process whose token provider's Redis commands pass through {@code tokenRedis} (see {@link Process}). */
    protected Process process(
            GenesysConfig config, Clock clock, UnaryOperator<io.vertx.redis.client.RedisAPI> tokenRedis) {
        Process p = new Process(vertx, redis.url(), config, clock, tokenRedis);
        processes.add(p);
        return p;
    }

    protected static long tokenRequests() {
        return control.stats().tokenRequests();
    }

    /** How many requests the sim answered with {@code status} for {@code method path}. */
    protected static long requests(String method, String path, int status) {
        return control.stats().requests(method, path, status);
    }

    protected static long requests(String method, String path) {
        return control.stats().requests(method, path);
    }
}
