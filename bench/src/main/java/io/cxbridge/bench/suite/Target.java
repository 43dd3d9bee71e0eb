package io.cxbridge.bench.suite;

import io.vertx.core.MultiMap;

/** One way to reach the sim's API: through the gateway, straight, or through nginx. */
record Target(String name, int port, MultiMap headers) {

    String url(String uri) {
        return "http://127.0.0.1:" + port + uri;
    }

    java.util.Map<String, String> headerMap() {
        java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
        headers.forEach(e -> m.put(e.getKey(), e.getValue()));
        return m;
    }

    static java.util.Map<String, String> headers(io.cxbridge.bench.BenchContext ctx) {
        return new Target("gateway", ctx.gateway(), ctx.gatewayHeaders()).headerMap();
    }

    static java.util.List<Target> proxyTargets(io.cxbridge.bench.BenchContext ctx) {
        String token = ctx.simToken();
        MultiMap bearer = MultiMap.caseInsensitiveMultiMap().set("Authorization", "Bearer " + token);
        java.util.List<Target> list = new java.util.ArrayList<>();
        list.add(new Target("direct (sim)", ctx.sim(), bearer));
        int nginx = ctx.port("NGINX_PORT", 0);
        if (nginx > 0) {
            list.add(new Target("nginx proxy_pass", nginx, bearer));
        }
        list.add(new Target("gateway", ctx.gateway(), ctx.gatewayHeaders()));
        return list;
    }
}
