package io.cxbridge.sim.fulfillment;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the fulfillment callback receiver got, per fulfillment id: the accepted {@code Idempotency-Key}s (a key
 * is scoped to its fulfillment id, as it is to the URL it was sent to), counts and the last accepted post.
 */
@ApplicationScoped
public class FulfillmentLog {

    /** The last accepted post, as {@code GET /sim/fulfillments/{id}} shows it. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @JsonPropertyOrder({"body", "fulfillmentToken", "idempotencyKey", "authorization", "receivedAt"})
    public record Post(
            JsonNode body, String fulfillmentToken, String idempotencyKey, boolean authorization, Instant receivedAt) {}

    /** The JSON of {@code GET /sim/fulfillments/{id}}. */
    @JsonPropertyOrder({"fulfillmentId", "callbacks", "duplicateCallbacks", "last"})
    public record View(String fulfillmentId, long callbacks, long duplicateCallbacks, Post last) {}

    private static final class Entry {
        final Set<String> keys = new HashSet<>();
        long accepted;
        long duplicates;
        Post last;
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    /** True when accepted; false when its Idempotency-Key was already accepted for this fulfillment id. */
    public boolean accept(String fulfillmentId, String idempotencyKey, Post post) {
        Entry entry = entries.computeIfAbsent(fulfillmentId, k -> new Entry());
        synchronized (entry) {
            if (idempotencyKey != null && !entry.keys.add(idempotencyKey)) {
                entry.duplicates++;
                return false;
            }
            entry.accepted++;
            entry.last = post;
            return true;
        }
    }

    public Optional<View> view(String fulfillmentId) {
        Entry entry = entries.get(fulfillmentId);
        if (entry == null) {
            return Optional.empty();
        }
        synchronized (entry) {
            return Optional.of(new View(fulfillmentId, entry.accepted, entry.duplicates, entry.last));
        }
    }

    public void reset() {
        entries.clear();
    }
}
