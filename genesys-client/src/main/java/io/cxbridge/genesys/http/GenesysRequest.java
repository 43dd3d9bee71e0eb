package io.cxbridge.genesys.http;

import io.cxbridge.genesys.body.ResponseTooLargeException;
import io.vertx.core.http.HttpMethod;
import io.vertx.mutiny.core.MultiMap;
import io.vertx.mutiny.core.buffer.Buffer;
import java.time.Duration;
import java.util.Optional;

/**
 * One call to the Genesys API. {@code pathAndQuery} is relative to the API base ({@code /api/v2/...?...}).
 * {@code headers} are sent as they are, except any {@code Authorization}: the client sets its own bearer.
 * {@code deadline} bounds the whole call (attempts and waits); the configured deadline when empty.
 * {@code maxBodyBytes} bounds the answer's body ({@link #UNBOUNDED} by default): a longer answer is refused on its
 * {@code Content-Length} or as soon as it passes the bound, and the call fails with a
 * {@link ResponseTooLargeException} (never re-sent: the same answer would be as long).
 */
public record GenesysRequest(
        HttpMethod method,
        String pathAndQuery,
        MultiMap headers,
        Buffer body,
        Optional<Duration> deadline,
        long maxBodyBytes) {

    /** No bound on the answer's body (what {@code WebClient} reads whole). */
    public static final long UNBOUNDED = Long.MAX_VALUE;

    public GenesysRequest {
        if (maxBodyBytes < 0) {
            throw new IllegalArgumentException("maxBodyBytes cannot be negative, was " + maxBodyBytes);
        }
    }

    /** A call whose answer is read whole, whatever its size. */
    public GenesysRequest(
            HttpMethod method, String pathAndQuery, MultiMap headers, Buffer body, Optional<Duration> deadline) {
        this(method, pathAndQuery, headers, body, deadline, UNBOUNDED);
    }

    public static GenesysRequest get(String pathAndQuery) {
        return new GenesysRequest(
                HttpMethod.GET, pathAndQuery, MultiMap.caseInsensitiveMultiMap(), null, Optional.empty());
    }

    public static GenesysRequest json(HttpMethod method, String pathAndQuery, String json) {
        return new GenesysRequest(
                method,
                pathAndQuery,
                MultiMap.caseInsensitiveMultiMap().add("Content-Type", "application/json"),
                Buffer.buffer(json),
                Optional.empty());
    }

    public GenesysRequest withDeadline(Duration d) {
        return new GenesysRequest(method, pathAndQuery, headers, body, Optional.of(d), maxBodyBytes);
    }

    /** This call with its answer's body bounded to {@code max} bytes (see {@link ResponseTooLargeException}). */
    public GenesysRequest withMaxBodyBytes(long max) {
        return new GenesysRequest(method, pathAndQuery, headers, body, deadline, max);
    }

    public GenesysRequest withHeader(String name, String value) {
        MultiMap copy = MultiMap.caseInsensitiveMultiMap().addAll(headers);
        copy.set(name, value);
        return new GenesysRequest(method, pathAndQuery, copy, body, deadline, maxBodyBytes);
    }

    public boolean idempotent() {
        return idempotent(method);
    }

    /** Methods a retry cannot turn into a second effect. */
    public static boolean idempotent(HttpMethod method) {
        return method == HttpMethod.GET
                || method == HttpMethod.HEAD
                || method == HttpMethod.OPTIONS
                || method == HttpMethod.PUT
                || method == HttpMethod.DELETE;
    }
}
