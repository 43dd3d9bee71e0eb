package io.cxbridge.systemtests;

import java.util.Map;

/**
 * Where a running stack listens: the same environment variables (and defaults) as {@code ./stack}, so the demo
 * finds a stack started with moved ports, and the ITs hand their free ports to both.
 */
public record StackEndpoints(int gatewayPort, int simPort, int kafkaPort) {

    public static final int DEFAULT_GATEWAY_PORT = 8080;
    public static final int DEFAULT_SIM_PORT = 8090;
    public static final int DEFAULT_KAFKA_PORT = 9092;

    public static StackEndpoints from(Map<String, String> env) {
        return new StackEndpoints(port(env, "GATEWAY_PORT", DEFAULT_GATEWAY_PORT), port(env, "SIM_PORT", DEFAULT_SIM_PORT),
                port(env, "KAFKA_PORT", DEFAULT_KAFKA_PORT));
    }

    public String gatewayUrl() {
        return "http://127.0.0.1:" + gatewayPort;
    }

    public String simUrl() {
        return "http://127.0.0.1:" + simPort;
    }

    public String kafkaBootstrap() {
        return "127.0.0.1:" + kafkaPort;
    }

    private static int port(Map<String, String> env, String name, int fallback) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a port number, was '" + v + "'", e);
        }
    }
}
