package io.cxbridge.genesys.http;

import io.vertx.mutiny.core.MultiMap;
import io.vertx.mutiny.core.buffer.Buffer;

/** What Genesys answered to the last attempt, and how many attempts reached it in all. */
public record GenesysResponse(int status, MultiMap headers, Buffer body, int attempts) {

    public String bodyAsString() {
        return body == null ? "" : body.toString();
    }

    public boolean ok() {
        return status >= 200 && status < 300;
    }
}
