package io.cxbridge.testkit.sim;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Points a Quarkus test's genesys-client at the JVM's shared genesys-sim ({@link GenesysSim#shared()}): sets
 * {@code cxbridge.genesys.base-url}, {@code cxbridge.genesys.login-url}, {@code cxbridge.genesys.client-id} and
 * {@code cxbridge.genesys.client-secret}, and allows the sim as a fulfillment URL test host. Tests drive the sim with {@code GenesysSim.shared().control()} (reset
 * it in {@code @BeforeEach}: the sim is shared by every test class of the JVM).
 */
public class GenesysSimResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        GenesysSim sim = GenesysSim.shared();
        return Map.of(
                "cxbridge.genesys.base-url", sim.baseUrl(),
                "cxbridge.genesys.login-url", sim.baseUrl(),
                "cxbridge.genesys.client-id", sim.clientId(),
                "cxbridge.genesys.client-secret", sim.clientSecret(),
                // the sim's fulfillment receiver is the one http, loopback host a result may go to in tests
                "cxbridge.fulfillment-url.test-hosts", "127.0.0.1:" + sim.port());
    }

    @Override
    public void stop() {
        // shared for the whole JVM; stopped by a shutdown hook
    }
}
