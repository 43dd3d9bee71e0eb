package io.cxbridge.genesys.http;

import io.vertx.mutiny.core.MultiMap;
import io.vertx.mutiny.core.buffer.Buffer;

/** What Genesys answered to the last attempt, and how many attempts reached it in all. */
public record GenesysResponse(int status, MultiMap headers, Buffer body, int attempts) {

    public String bodyAsString() {
        return body == null ? "" : body.toString();
    }

    /** The platform's id of this answer ({@code ININ-Correlation-Id}), for log lines and audit events; null if absent. */
    public String correlationId() {
        return headers == null ? null : headers.get("ININ-Correlation-Id");
    }

    public boolean ok() {
        return status >= 200 && status < 300;
    }
}
