package io.cxbridge.sim.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cxbridge.model.event.Ids;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The generic in-memory JSON store: a collection is a path, an entity a JSON object with a generated UUID
 * {@code id} and a {@code selfUri}. Entities keep their creation order. Callers get copies.
 */
@ApplicationScoped
public class ResourceStore {

    private final Map<String, Map<String, ObjectNode>> collections = new ConcurrentHashMap<>();

    public ObjectNode create(String collection, ObjectNode body) {
        ObjectNode entity = body.deepCopy();
        String id = Ids.newEventId();
        entity.put("id", id);
        entity.put("selfUri", collection + "/" + id);
        // id first, as Genesys answers it
        ObjectNode ordered = entity.objectNode();
        ordered.put("id", id);
        ordered.setAll(entity);
        Map<String, ObjectNode> entities = collections.computeIfAbsent(collection, k -> new LinkedHashMap<>());
        synchronized (entities) {
            entities.put(id, ordered);
        }
        return ordered.deepCopy();
    }

    public Optional<ObjectNode> get(String collection, String id) {
        Map<String, ObjectNode> entities = collections.get(collection);
        if (entities == null) {
            return Optional.empty();
        }
        synchronized (entities) {
            ObjectNode found = entities.get(id);
            return found == null ? Optional.empty() : Optional.of(found.deepCopy());
        }
    }

    public boolean hasCollection(String collection) {
        Map<String, ObjectNode> entities = collections.get(collection);
        if (entities == null) {
            return false;
        }
        synchronized (entities) {
            return !entities.isEmpty();
        }
    }

    public List<ObjectNode> list(String collection, Predicate<ObjectNode> filter) {
        Map<String, ObjectNode> entities = collections.get(collection);
        if (entities == null) {
            return List.of();
        }
        List<ObjectNode> out = new ArrayList<>();
        synchronized (entities) {
            for (ObjectNode entity : entities.values()) {
                if (filter.test(entity)) {
                    out.add(entity.deepCopy());
                }
            }
        }
        return out;
    }

    /** Replaces an entity's fields (its id and selfUri stay). */
    public Optional<ObjectNode> replace(String collection, String id, ObjectNode body) {
        return update(collection, id, existing -> {
            ObjectNode entity = existing.objectNode();
            entity.put("id", id);
            entity.setAll(body);
            entity.put("id", id);
            entity.put("selfUri", collection + "/" + id);
            return entity;
        });
    }

    /** Applies a JSON merge patch (RFC 7386): objects merge, null removes a field. */
    public Optional<ObjectNode> merge(String collection, String id, ObjectNode patch) {
        return update(collection, id, existing -> {
            ObjectNode entity = existing.deepCopy();
            mergeInto(entity, patch);
            entity.put("id", id);
            entity.put("selfUri", collection + "/" + id);
            return entity;
        });
    }

    public boolean delete(String collection, String id) {
        Map<String, ObjectNode> entities = collections.get(collection);
        if (entities == null) {
            return false;
        }
        synchronized (entities) {
            return entities.remove(id) != null;
        }
    }

    public void reset() {
        collections.clear();
    }

    private Optional<ObjectNode> update(
            String collection, String id, java.util.function.UnaryOperator<ObjectNode> change) {
        Map<String, ObjectNode> entities = collections.get(collection);
        if (entities == null) {
            return Optional.empty();
        }
        synchronized (entities) {
            ObjectNode existing = entities.get(id);
            if (existing == null) {
                return Optional.empty();
            }
            ObjectNode updated = change.apply(existing);
            entities.put(id, updated);
            return Optional.of(updated.deepCopy());
        }
    }

    static void mergeInto(ObjectNode target, ObjectNode patch) {
        for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            JsonNode value = field.getValue();
            if (value.isNull()) {
                target.remove(field.getKey());
            } else if (value.isObject() && target.get(field.getKey()) instanceof ObjectNode nested) {
                mergeInto(nested, (ObjectNode) value);
            } else {
                target.set(field.getKey(), value.deepCopy());
            }
        }
    }
}
