package io.cxbridge.fulfillment;

import io.cxbridge.testkit.sim.GenesysSim;
import io.cxbridge.testkit.sim.GenesysSimResource;
import java.util.HashMap;
import java.util.Map;

/**
 * The shared genesys-sim ({@link GenesysSimResource}) plus two local listeners: {@link Listeners#redirector()}, a
 * fulfillment test host that answers every post with a redirect to the trap, and {@link Listeners#trap()}, which
 * is no test host and counts every connection made to it (a refused URL must see none).
 */
public class FulfillmentTestResource extends GenesysSimResource {

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>(super.start());
        config.put(
                "cxbridge.fulfillment-url.test-hosts",
                "127.0.0.1:" + GenesysSim.shared().port() + ",127.0.0.1:"
                        + Listeners.redirector().port());
        return config;
    }
}
