package io.cxbridge.model.audit;

/**
 * The data of an {@code io.cxbridge.gateway.request} event (the event adds {@code traceId}): who called, what, the
 * answer and its upstream status, how long it took, the bytes each way and how many times the gateway retried
 * upstream. Never a body, a query or a secret.
 *
 * @param clientId the authenticated client, null when the request was refused before authentication
 * @param path the normalised path, or a placeholder for a refused request target
 * @param upstreamStatus Genesys's status, null when the request never reached it
 */
public record GatewayRequestAudit(
        String clientId,
        String method,
        String path,
        int status,
        Integer upstreamStatus,
        long durationMs,
        long bytesIn,
        long bytesOut,
        int retries) {}
