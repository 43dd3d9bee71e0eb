package io.cxbridge.bench.load;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;

/** One HTTP request to 127.0.0.1:{@code port}. */
public record RequestSpec(HttpMethod method, int port, String uri, MultiMap headers, Buffer body) {

    public static RequestSpec get(int port, String uri, MultiMap headers) {
        return new RequestSpec(HttpMethod.GET, port, uri, headers, null);
    }

    public static RequestSpec post(int port, String uri, MultiMap headers, String json) {
        MultiMap h = MultiMap.caseInsensitiveMultiMap().addAll(headers).set("Content-Type", "application/json");
        return new RequestSpec(HttpMethod.POST, port, uri, h, Buffer.buffer(json));
    }
}
