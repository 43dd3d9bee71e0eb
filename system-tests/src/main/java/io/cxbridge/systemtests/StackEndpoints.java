package io.cxbridge.systemtests;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a running stack listens: the same environment variables (and defaults) as {@code ./stack}, so the demo
 * finds a stack started with moved ports, and the ITs hand their free ports to both. Health and metrics of the five
 * services answer on their management ports ({@link #managementUrl}); genesys-sim keeps them on {@link #simUrl}.
 */
public record StackEndpoints(int gatewayPort, int simPort, int kafkaPort, Map<String, Integer> managementPorts) {

    public static final int DEFAULT_GATEWAY_PORT = 8080;
    public static final int DEFAULT_SIM_PORT = 8090;
    public static final int DEFAULT_KAFKA_PORT = 9092;
    /** Each service's management-port variable of {@code ./stack}, and its default (the API port + 1000). */
    public static final Map<String, String> MANAGEMENT_PORT_VARIABLES = Map.of(
            "gateway-svc",
            "GATEWAY_MGMT_PORT",
            "retry-svc",
            "RETRY_MGMT_PORT",
            "fulfillment-svc",
            "FULFILLMENT_MGMT_PORT",
            "retention-svc",
            "RETENTION_MGMT_PORT",
            "directory-svc",
            "DIRECTORY_MGMT_PORT");

    public static final Map<String, Integer> DEFAULT_MANAGEMENT_PORTS = Map.of(
            "gateway-svc",
            9080,
            "retry-svc",
            9081,
            "fulfillment-svc",
            9082,
            "retention-svc",
            9083,
            "directory-svc",
            9084);

    public StackEndpoints {
        managementPorts = Map.copyOf(managementPorts);
    }

    /** A stack on these ports, its services' management interfaces on their defaults. */
    public StackEndpoints(int gatewayPort, int simPort, int kafkaPort) {
        this(gatewayPort, simPort, kafkaPort, DEFAULT_MANAGEMENT_PORTS);
    }

    public static StackEndpoints from(Map<String, String> env) {
        Map<String, Integer> management = new LinkedHashMap<>();
        MANAGEMENT_PORT_VARIABLES.forEach((service, variable) ->
                management.put(service, port(env, variable, DEFAULT_MANAGEMENT_PORTS.get(service))));
        return new StackEndpoints(
                port(env, "GATEWAY_PORT", DEFAULT_GATEWAY_PORT),
                port(env, "SIM_PORT", DEFAULT_SIM_PORT),
                port(env, "KAFKA_PORT", DEFAULT_KAFKA_PORT),
                management);
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

    /** The management interface of {@code service} (e.g. {@code retry-svc}): {@code /q/health/*}, {@code /q/metrics}. */
    public String managementUrl(String service) {
        Integer port = managementPorts.get(service);
        if (port == null) {
            throw new IllegalArgumentException(service + " has no management port (one of " + managementPorts.keySet()
                    + "; genesys-sim answers health on simUrl())");
        }
        return "http://127.0.0.1:" + port;
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
